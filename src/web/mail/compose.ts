import type { ComposedMail, MailInput } from '../../domain/mail';
import { methodFor } from '../../methods';
import { formatDeadline, formatMoney } from '../format';
import { html, safeUrl, type Html } from '../html';
import { isLocale, messages, type PageLocale } from '../i18n';
import { mailMessages } from '../i18n/mail';
import { codeRows, stepsOf } from '../pages/instructions';

/** A labelled line of a mail: `code` values print in monospace (numbers to copy or read out). */
interface Row {
  label: string;
  value: string;
  code?: boolean;
}

/**
 * The customer's e-mails (domain/mail.ts says which change sends which), as HTML and as text, in
 * the payment's locale (`ja` for one the pages do not speak). The codes and steps are those of the
 * instructions page (codeRows, the method's howToPay), the labels those of the pages' messages.
 * The payment handed over carries its public details only: a card shows as brand and last four.
 */
export function composeMail({ kind, payment, merchantName }: MailInput): ComposedMail {
  const locale: PageLocale = isLocale(payment.locale) ? payment.locale : 'ja';
  const t = messages(locale);
  const m = mailMessages(locale);
  const methodName = methodFor(payment.payment_type)?.names[locale] ?? payment.payment_type;
  const money = (value: number) => formatMoney(value, payment.currency, locale);

  const rows: Row[] = [{ label: t.common.merchant, value: merchantName }, { label: t.common.method, value: methodName }];
  const card = cardOf(payment.payment_details);
  if (card) rows.push({ label: m.card, value: card });
  rows.push({ label: t.common.total, value: money(payment.total) });
  if (payment.description) rows.push({ label: t.common.description, value: payment.description });
  let steps: readonly string[] = [];
  let link: string | null = null;
  if (kind === 'instructions') {
    if (payment.payment_deadline) {
      rows.push({ label: t.common.deadline, value: `${formatDeadline(payment.payment_deadline, locale)} (${t.common.tokyoTime})` });
    }
    rows.push(...codeRows(payment.payment_details, t).map((row) => ({ label: row.label, value: row.value, code: row.code })));
    steps = stepsOf(payment.payment_type, locale);
    link = safeUrl(payment.payment_details.instructions_url as string | undefined);
  }
  if (kind === 'refund') {
    const refund = payment.refunds.at(-1);
    if (refund) rows.push({ label: m.refunded, value: money(refund.amount) });
  }
  rows.push({ label: t.common.paymentId, value: payment.id, code: true });

  const subject =
    kind === 'instructions' ? m.subjects.instructions(methodName, merchantName) : kind === 'receipt' ? m.subjects.receipt(merchantName) : m.subjects.refund(merchantName);
  const content: MailContent = { subject, greeting: m.greeting, intro: m.intro[kind](merchantName), rows, howTo: t.instructions.howTo, steps, link, linkLabel: m.instructionsLink, footer: m.footer(merchantName) };
  return { subject, locale, html: htmlOf(content, locale).toString(), text: textOf(content) };
}

interface MailContent {
  subject: string;
  greeting: string;
  intro: string;
  rows: Row[];
  howTo: string;
  steps: readonly string[];
  link: string | null;
  linkLabel: string;
  footer: string;
}

/** "Visa •••• 4242" from a card payment's public details; null for other methods. */
function cardOf(details: Record<string, unknown>): string | null {
  const last4 = details.last_four_digits;
  if (typeof last4 !== 'string' || !/^\d{4}$/.test(last4)) return null;
  const brand = typeof details.brand === 'string' ? details.brand : '';
  return `${brand} •••• ${last4}`.trim();
}

/**
 * A self-contained HTML mail: inline styles only (mail readers drop style sheets), everything
 * escaped. Narrow margins and codes that break anywhere, so that on a phone (no media queries to
 * count on) the table fits the screen rather than running off its right edge.
 */
function htmlOf(mail: MailContent, locale: PageLocale): Html {
  const cell = 'padding:6px 12px;border-bottom:1px solid #e5e7eb;text-align:left;vertical-align:top';
  return html`<!doctype html>
<html lang="${locale}"><head><meta charset="utf-8"><title>${mail.subject}</title></head>
<body style="margin:0;padding:12px;background:#f6f7f9;font-family:sans-serif;color:#111827">
<div style="max-width:560px;margin:0 auto;background:#fff;padding:16px;border-radius:8px">
<p>${mail.greeting}</p>
<p>${mail.intro}</p>
<table style="border-collapse:collapse;width:100%">${mail.rows.map(
    (row) => html`<tr><th style="${cell};font-weight:normal;color:#6b7280">${row.label}</th><td style="${cell}">${
      row.code ? html`<code style="font-size:1.1em;word-break:break-all">${row.value}</code>` : row.value
    }</td></tr>`,
  )}</table>
${mail.steps.length ? html`<h2 style="font-size:1.1em">${mail.howTo}</h2><ol>${mail.steps.map((step) => html`<li>${step}</li>`)}</ol>` : null}
${mail.link ? html`<p><a href="${mail.link}">${mail.linkLabel}</a></p>` : null}
<p style="color:#6b7280;font-size:0.85em">${mail.footer}</p>
</div></body></html>`;
}

function textOf(mail: MailContent): string {
  const lines = [mail.greeting, '', mail.intro, '', ...mail.rows.map((row) => `${row.label}: ${row.value}`)];
  if (mail.steps.length) lines.push('', mail.howTo, ...mail.steps.map((step, i) => `${i + 1}. ${step}`));
  if (mail.link) lines.push('', `${mail.linkLabel}: ${mail.link}`);
  lines.push('', '--', mail.footer);
  return `${lines.join('\n')}\n`;
}
