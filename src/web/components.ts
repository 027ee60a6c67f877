import { html, type Child, type Html } from './html';
import { lookup, messages, type PageLocale } from './i18n';
import { formatMoney } from './format';
import type { PageLogo } from './pages/types';

/** Small pieces the customer pages share. Each returns escaped Html. */

/** A list of label/value rows; rows with an empty value are left out. */
export function detailList(rows: readonly { label: string; value: Child; code?: boolean; hint?: string; name?: string }[]): Html {
  return html`<dl class="details">${rows
    .filter((row) => row.value !== null && row.value !== undefined && row.value !== '')
    .map(
      (row) =>
        html`<div class="row"${row.name ? html` data-field="${row.name}"` : null}><dt>${row.label}</dt><dd>${
          row.code ? html`<span class="code">${row.value}</span>` : row.value
        }${row.hint ? html`<small class="hint">${row.hint}</small>` : null}</dd></div>`,
    )}</dl>`;
}

export function statusBadge(status: string, locale: PageLocale): Html {
  return html`<span class="status status-${status}" data-status="${status}">${lookup(messages(locale).status, status)}</span>`;
}

export interface Amounts {
  amount: number;
  tax: number;
  payment_method_fee: number;
  total: number;
  currency: string;
}

/** The total, large, with amount, tax and fee underneath when there is more than the amount. */
export function amountBlock(payment: Amounts, locale: PageLocale): Html {
  const t = messages(locale).common;
  const money = (value: number) => formatMoney(value, payment.currency, locale);
  const breakdown = payment.tax > 0 || payment.payment_method_fee > 0;
  return html`<section class="amount" aria-label="${t.total}">
<p class="total"><span class="label">${t.total}</span> <strong data-total>${money(payment.total)}</strong></p>
${breakdown
    ? html`<p class="breakdown">${t.amount} ${money(payment.amount)}${payment.tax > 0 ? html` · ${t.tax} ${money(payment.tax)}` : null}${
        payment.payment_method_fee > 0 ? html` · ${t.fee} ${money(payment.payment_method_fee)}` : null
      }</p>`
    : null}
</section>`;
}

export interface FormButton {
  label: string;
  /** Sent as `action=<value>` when set. */
  value?: string;
  kind: 'primary' | 'secondary' | 'danger';
}

/** A plain POST form (works without JavaScript); several buttons send `action` to tell them apart. */
export function postForm(action: string, buttons: readonly FormButton[], hidden: Record<string, string> = {}): Html {
  return html`<form method="post" action="${action}" class="actions">${Object.entries(hidden).map(
    ([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`,
  )}${buttons.map(
    (button) =>
      html`<button type="submit" class="button ${button.kind}"${button.value ? html` name="action" value="${button.value}"` : null}>${button.label}</button>`,
  )}</form>`;
}

/**
 * The merchant at the top of a customer's page: its logo when it has one, above its name. The
 * logo's alt is empty: the name beside it says the same to a screen reader, once.
 */
export function merchantMark(name: string, logo: PageLogo | null | undefined): Html {
  const image = logo ? html`<img class="merchant-logo" src="${logo.src}" alt="" width="${String(logo.width)}" height="${String(logo.height)}" data-merchant-logo>` : null;
  return html`${image}<p class="merchant" data-field="merchant">${name}</p>`;
}
