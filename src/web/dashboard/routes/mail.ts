import type { FastifyInstance } from 'fastify';
import type { Services } from '../../../domain/context';
import { getMail, listMails } from '../../../domain/mail-outbox';
import { ApiError } from '../../../kernel/errors';
import type { Mail } from '../../../model/mail';
import { html } from '../../html';
import { sendPage } from '../../respond';
import { code, facts, pager, table, time, idLink } from '../components';
import { dashLayout, type DashContext } from '../layout';
import { pageNumber } from './lists';

const PUBLIC = { access: 'public' as const };
const PER_PAGE = 25;
const ID = /^[a-z0-9]{1,64}$/;

/**
 * The mail's HTML as its own document, framed by the mail page. Its CSP `sandbox` gives it an
 * opaque origin with no script, forms or navigation of the dashboard, whatever a merchant's text
 * in it says (and it is escaped when rendered anyway); it may show its own inline styles and
 * nothing fetched from elsewhere, and be framed only by the dashboard.
 */
const MAIL_DOCUMENT_CSP = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'self'";

/**
 * GET /dashboard/developers/mail — the mail outbox, newest first, filtered by recipient or
 * payment; …/mail/:id — one mail: its facts, its HTML in a sandboxed frame, its text;
 * …/mail/:id/html — that frame's document.
 */
export default function route(dash: FastifyInstance, services: Services): void {
  mailList(dash, services);
  mailPage(dash, services);
  mailDocument(dash, services);
}

function mailList(dash: FastifyInstance, services: Services): void {
  dash.get<{ Querystring: { page?: string; recipient?: string; payment?: string } }>('/dashboard/developers/mail', { config: PUBLIC }, async (request, reply) => {
    const ctx = request.dash;
    const t = ctx.t.mail;
    const page = pageNumber(request.query.page);
    const recipient = filterValue(request.query.recipient);
    const payment = filterValue(request.query.payment);
    const { rows, total } = await listMails(services.db, ctx.session!.actor, { page, per_page: PER_PAGE, recipient, payment });
    const body = html`<p>${t.intro}</p>
<form method="get" action="/dashboard/developers/mail" class="dash-filters">
<div class="field"><label for="f-recipient">${t.recipient}</label><input id="f-recipient" type="email" name="recipient" value="${recipient ?? ''}"></div>
<div class="field"><label for="f-payment">${t.payment}</label><input id="f-payment" name="payment" value="${payment ?? ''}"></div>
<div class="dash-filter-buttons"><button type="submit" class="button primary small">${t.filter}</button></div>
</form>
${table(
  [
    { label: t.created, cell: (m) => time(ctx.locale, m.created_at), className: 'time' },
    { label: t.to, cell: (m) => m.recipient },
    { label: t.subject, cell: (m) => html`<a href="/dashboard/developers/mail/${m.id}">${m.subject}</a>` },
    { label: t.kind, cell: (m) => t.kinds[m.kind] ?? m.kind },
    { label: t.payment, cell: (m) => idLink(`/dashboard/payments/${m.payment_id}`, m.payment_id) },
    { label: t.status, cell: (m) => statusOf(ctx, m) },
  ],
  rows,
  t.none,
  (m) => m.id,
)}${pager(ctx, page, PER_PAGE, total, { recipient, payment })}`;
    return sendPage(reply, dashLayout(ctx, { title: t.title, section: 'mail', body }));
  });
}

function mailPage(dash: FastifyInstance, services: Services): void {
  dash.get<{ Params: { id: string } }>('/dashboard/developers/mail/:id', { config: PUBLIC }, async (request, reply) => {
    const ctx = request.dash;
    const t = ctx.t.mail;
    const mail = await findMail(services, ctx, request.params.id);
    const body = html`<p><a href="/dashboard/developers/mail">${t.back}</a></p>
${facts([
  { label: t.subject, value: mail.subject, name: 'subject' },
  { label: t.to, value: mail.recipient, name: 'to' },
  { label: t.kind, value: t.kinds[mail.kind] ?? mail.kind, name: 'kind' },
  { label: t.language, value: mail.locale, name: 'locale' },
  { label: t.payment, value: idLink(`/dashboard/payments/${mail.payment_id}`, mail.payment_id), name: 'payment' },
  { label: t.status, value: statusOf(ctx, mail), name: 'status' },
  { label: t.attempts, value: mail.attempts > 0 ? String(mail.attempts) : null },
  { label: t.lastError, value: mail.last_error },
  { label: t.sentAt, value: mail.sent_at ? time(ctx.locale, mail.sent_at) : null },
  { label: t.created, value: time(ctx.locale, mail.created_at) },
  { label: 'ID', value: code(mail.id) },
])}
<h2>${t.html}</h2>
<iframe class="dash-mail" sandbox="" src="/dashboard/developers/mail/${mail.id}/html" title="${mail.subject}" width="100%" height="560" data-mail-html></iframe>
<h2>${t.text}</h2>
<pre class="dash-json" data-mail-text>${mail.text}</pre>`;
    return sendPage(reply, dashLayout(ctx, { title: mail.subject, section: 'mail', body }));
  });
}

function mailDocument(dash: FastifyInstance, services: Services): void {
  dash.get<{ Params: { id: string } }>('/dashboard/developers/mail/:id/html', { config: PUBLIC }, async (request, reply) => {
    const mail = await findMail(services, request.dash, request.params.id);
    return reply
      .header('content-security-policy', MAIL_DOCUMENT_CSP)
      .header('x-frame-options', 'SAMEORIGIN')
      .type('text/html; charset=utf-8')
      .send(mail.html);
  });
}

async function findMail(services: Services, ctx: DashContext, id: string): Promise<Mail> {
  if (!ID.test(id)) throw new ApiError('not_found');
  return getMail(services.db, ctx.session!.actor, id);
}

function statusOf(ctx: DashContext, mail: Mail) {
  return html`<span class="status status-mail-${mail.status}" data-mail-status="${mail.status}">${ctx.t.mail.states[mail.status] ?? mail.status}</span>`;
}

/** A filter from the query string: trimmed, bounded, absent when empty. */
function filterValue(raw: unknown): string | undefined {
  return typeof raw === 'string' && raw.trim() !== '' ? raw.trim().slice(0, 320) : undefined;
}
