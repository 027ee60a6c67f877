import { logPayment } from '../../../http/payment-log';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { runCommand } from '../../../domain/commands';
import type { Services } from '../../../domain/context';
import {
  availableActions,
  paymentTimeline,
  PAYMENT_STATUSES,
  searchPayments,
  type Payment,
  type PaymentActions,
} from '../../../domain/dashboard/views';
import { ApiError } from '../../../kernel/errors';
import { MAX_AMOUNT } from '../../../kernel/money';
import { isPaid } from '../../../domain/payment-state';
import { cancelPayment, capturePayment, getPayment, refundPayment } from '../../../domain/payments';
import { METHOD_TYPES, methodFor } from '../../../methods';
import { html, type Html } from '../../html';
import { dashboardActions, RECORD_ID, type Message } from '../actions';
import { sendPage } from '../../respond';
import { code, facts, idLink, json, money, notice, pager, statusBadge, table, time, type Column } from '../components';
import { dashLayout, csrfField, type DashContext } from '../layout';
import { firstPayment } from '../empty';
import { timeline } from '../timeline';
import { registerPaymentTestActions, testActionForms } from './payment-test-actions';
import { registerPaymentsCsv } from './payments-csv';
import { parseSearch, PER_PAGE, type Query } from './payment-search';

const PUBLIC = { access: 'public' as const };

function methodName(ctx: DashContext, type: string): string {
  return methodFor(type)?.names[ctx.locale] ?? type;
}

function searchForm(ctx: DashContext, params: Query): Html {
  const t = ctx.t.payments;
  const option = (value: string, label: string, selected: string | undefined) =>
    html`<option value="${value}"${value === (selected ?? '') ? html` selected` : null}>${label}</option>`;
  return html`<form method="get" action="/dashboard/payments" class="dash-filters" role="search">
<div class="field"><label for="f-order">${t.searchLabel}</label><input id="f-order" name="external_order_num" type="search" value="${params.external_order_num ?? ''}"></div>
<div class="field"><label for="f-status">${t.status}</label><select id="f-status" name="status">${option('', t.any, params.status)}${PAYMENT_STATUSES.map((s) =>
    option(s, statusLabel(ctx, s), params.status),
  )}</select></div>
<div class="field"><label for="f-method">${t.method}</label><select id="f-method" name="method">${option('', t.any, params.method)}${METHOD_TYPES.map((type) =>
    option(type, methodName(ctx, type), params.method),
  )}</select></div>
<div class="field"><label for="f-amount">${t.total}</label><input id="f-amount" name="amount" inputmode="numeric" placeholder="${t.totalHint}" value="${params.amount ?? ''}"></div>
<div class="field"><label for="f-from">${t.from}</label><input id="f-from" name="from" type="date" value="${params.from ?? ''}"></div>
<div class="field"><label for="f-to">${t.to}</label><input id="f-to" name="to" type="date" value="${params.to ?? ''}"></div>
<div class="dash-filter-buttons"><button type="submit" class="button primary small">${t.search}</button> <a href="/dashboard/payments">${t.reset}</a></div>
</form>`;
}

function statusLabel(ctx: DashContext, status: string): string {
  return statusBadge(ctx, status).toString().replace(/<[^>]+>/g, '');
}

/** Capture, refund and cancel: what the API's own routes do, offered as the state allows. */
function paymentCommandForms(ctx: DashContext, payment: Payment, actions: PaymentActions): Html[] {
  const t = ctx.t.payment;
  const path = `/dashboard/payments/${payment.id}`;
  const remaining = payment.total - payment.amount_refunded;
  const forms: Html[] = [];
  if (actions.capture) {
    forms.push(html`<form method="post" action="${path}/capture" class="dash-form dash-action" data-form="capture">${csrfField(ctx)}
<div class="field"><label for="capture-amount">${t.captureAmount}</label><input id="capture-amount" name="amount" inputmode="numeric" placeholder="${payment.total}"></div>
<button type="submit" class="button primary small">${t.capture}</button></form>`);
  }
  if (actions.refund) {
    forms.push(html`<form method="post" action="${path}/refund" class="dash-form dash-action" data-form="refund">${csrfField(ctx)}
<div class="field"><label for="refund-amount">${t.refundAmount}</label><input id="refund-amount" name="amount" inputmode="numeric" placeholder="${remaining}"></div>
<div class="field"><label for="refund-description">${t.refundReason}</label><input id="refund-description" name="description" maxlength="2000"></div>
<button type="submit" class="button danger small">${t.refund}</button></form>`);
  }
  if (actions.cancel) {
    forms.push(html`<form method="post" action="${path}/cancel" class="dash-form dash-action" data-form="cancel">${csrfField(ctx)}<button type="submit" class="button danger small">${t.cancel}</button></form>`);
  }
  return forms;
}

function detailPage(ctx: DashContext, payment: Payment, entries: Awaited<ReturnType<typeof paymentTimeline>>, message: Message | null): Html {
  const t = ctx.t.payment;
  const m = (value: number) => money(ctx, value, payment.currency);
  const actions = availableActions(payment, ctx.session!.actor.merchant.mode === 'test');
  const path = `/dashboard/payments/${payment.id}`;
  const remaining = payment.total - payment.amount_refunded;
  const forms = [...paymentCommandForms(ctx, payment, actions), ...testActionForms(ctx, payment, actions)];
  const body = html`${message ? notice(message.text, message.kind) : null}
<p class="dash-lead">${statusBadge(ctx, payment.status)} <strong class="dash-amount" data-total>${m(payment.total)}</strong> ${methodName(ctx, payment.payment_type)} <code data-payment="${payment.id}">${payment.id}</code></p>
<div class="dash-columns">
<section>${facts([
    { label: t.amount, value: m(payment.amount) },
    { label: t.tax, value: m(payment.tax) },
    { label: t.fee, value: payment.payment_method_fee ? m(payment.payment_method_fee) : null },
    { label: t.total, value: m(payment.total) },
    { label: t.refunded, value: payment.amount_refunded ? m(payment.amount_refunded) : null, name: 'amount_refunded' },
    { label: t.remaining, value: isPaid(payment.status) ? m(remaining) : null },
    { label: ctx.t.payments.orderNum, value: code(payment.external_order_num), name: 'external_order_num' },
    { label: t.description, value: payment.description },
    { label: t.email, value: payment.email },
    { label: t.customer, value: code(payment.customer_id) },
    { label: t.session, value: code(payment.session_id) },
    { label: ctx.t.payments.created, value: time(ctx.locale, payment.created_at) },
    { label: t.captured, value: payment.captured_at ? time(ctx.locale, payment.captured_at) : null },
    { label: t.deadline, value: payment.payment_deadline ? time(ctx.locale, payment.payment_deadline) : null },
    { label: t.failure, value: code(payment.failure_code) },
  ])}</section>
<section><h2>${t.actions}</h2>${forms.length > 0 ? forms : html`<p class="dash-muted">${t.noActions}</p>`}
<h2>${t.details}</h2>${json(payment.payment_details)}</section>
</div>
${payment.refunds.length > 0
    ? html`<section><h2>${t.refunds}</h2>${table(
        [
          { label: 'ID', cell: (r) => code(r.id) },
          { label: t.amount, cell: (r) => m(r.amount) },
          { label: t.description, cell: (r) => r.description ?? '' },
          { label: ctx.t.payments.created, cell: (r) => time(ctx.locale, r.created_at), className: 'time' },
        ],
        payment.refunds,
        '',
      )}</section>`
    : null}
<section><h2>${t.timeline}</h2>${timeline(ctx, entries, path)}</section>
<p><a href="/dashboard/payments">${ctx.t.common.back}</a></p>`;
  return dashLayout(ctx, { title: `${t.title} ${payment.id}`, section: 'payments', body });
}

/** An optional positive amount from a form: undefined when empty, null when not a whole number in range. */
function formAmount(raw: unknown): number | undefined | null {
  if (raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '')) return undefined;
  if (typeof raw !== 'string' || !/^\d{1,10}$/.test(raw.trim())) return null;
  const value = Number(raw.trim());
  return value >= 1 && value <= MAX_AMOUNT ? value : null;
}

/**
 * GET /dashboard/payments — search (status, method, total, order number, dates in Tokyo) and
 * pages of 25. GET /dashboard/payments/:id — the payment, its refunds, its events with their
 * webhook deliveries. POST …/capture, …/refund, …/cancel — the same domain commands as the API's
 * routes (capturePayment, refundPayment, cancelPayment), each through runCommand as there (one
 * transaction holding the merchant, so a test-data reset waits for it and it for the reset); then
 * 303 back, or the page again (422) with the API's error message.
 */
export default function route(dash: FastifyInstance, services: Services): void {
  paymentsList(dash, services);

  const show = async (request: FastifyRequest, reply: FastifyReply, id: string, message: Message | null, status = 200) => {
    if (!RECORD_ID.test(id)) throw new ApiError('not_found');
    const actor = request.dash.session!.actor;
    const payment = await getPayment(services.db, actor, id);
    const entries = await paymentTimeline(services.db, actor, id);
    return sendPage(reply, detailPage(request.dash, payment, entries, message), status);
  };

  dash.get<{ Params: { id: string }; Querystring: { done?: string } }>('/dashboard/payments/:id', { config: PUBLIC }, async (request, reply) => {
    const done = request.query.done;
    const text = done && Object.hasOwn(request.dash.t.payment.done, done) ? request.dash.t.payment.done[done] : null;
    return show(request, reply, request.params.id, text ? { text, kind: 'ok' } : null);
  });

  const action = dashboardActions(dash, 'payments', show);
  const PAYMENT_CHANGES = { capture: 'captured', refund: 'refunded', cancel: 'cancelled' } as const;
  for (const name of ['capture', 'refund', 'cancel'] as const) {
    action(name, PAYMENT_CHANGES[name], async (request, id) => {
      const actor = request.dash.session!.actor;
      const body = request.body ?? {};
      const amount = formAmount(body.amount);
      if (amount === null) throw new ApiError('invalid_parameter', { param: 'amount', message: request.dash.t.payment.invalidAmount });
      const description = typeof body.description === 'string' && body.description.trim() !== '' ? body.description.trim().slice(0, 2000) : undefined;
      const changed = await runCommand(services.db, actor, null, (trx) => {
        if (name === 'capture') return captureTotal(trx, actor, id, amount);
        if (name === 'refund') return refundPayment(trx, actor, id, { amount, description });
        return cancelPayment(trx, actor, id);
      });
      logPayment(request.log, PAYMENT_CHANGES[name], changed);
    });
  }
  registerPaymentTestActions(dash, services, show);
  registerPaymentsCsv(dash, services);
}

/**
 * The dashboard speaks in totals, tax included, for capture as for refund (the API's capture
 * `amount` is before tax): a partial total is split between amount and tax in the payment's own
 * proportion, so ¥1,100 authorized (¥1,000 + ¥100 tax) captured as ¥550 is ¥500 + ¥50.
 */
type CaptureArgs = Parameters<typeof capturePayment>;

async function captureTotal(trx: CaptureArgs[0], actor: CaptureArgs[1], id: string, total: number | undefined): ReturnType<typeof capturePayment> {
  if (total === undefined) return capturePayment(trx, actor, id, {});
  const payment = await getPayment(trx, actor, id);
  if (total > payment.total) {
    throw new ApiError('invalid_parameter', { param: 'amount', message: `The capture amount must be between 1 and ${payment.total}` });
  }
  const amount = payment.total === 0 ? 0 : Math.round((total * payment.amount) / payment.total);
  return capturePayment(trx, actor, id, { amount, tax: total - amount });
}

/**
 * What a merchant scans first: when, how much, where it stands, how it was paid and whose it is;
 * the id last, on one line, as a link.
 */
type PaymentRow = Awaited<ReturnType<typeof searchPayments>>['rows'][number];

function paymentColumns(ctx: DashContext): Column<PaymentRow>[] {
  const t = ctx.t.payments;
  return [
    { label: t.created, cell: (p) => time(ctx.locale, p.created_at), className: 'time' },
    { label: t.total, cell: (p) => money(ctx, p.total, p.currency), className: 'num' },
    { label: t.status, cell: (p) => statusBadge(ctx, p.status) },
    { label: t.method, cell: (p) => methodName(ctx, p.payment_type) },
    { label: t.customer, cell: (p) => html`${p.email ?? ''}${p.email && p.external_order_num ? html`<br>` : null}${p.external_order_num ? html`<span class="dash-muted">${p.external_order_num}</span>` : null}` },
    { label: t.refunded, cell: (p) => (p.amount_refunded ? money(ctx, p.amount_refunded, p.currency) : ''), className: 'num' },
    { label: t.id, cell: (p) => idLink(`/dashboard/payments/${p.id}`, p.id), className: 'id' },
  ];
}

/** The list's filters as the CSV link's query (`?status=captured…`, or nothing). */
function csvQuery(params: Query): string {
  const query = new URLSearchParams(Object.entries(params).filter((entry): entry is [string, string] => !!entry[1])).toString();
  return query ? `?${query}` : '';
}

/** GET /dashboard/payments: the search form and a page of matching payments. */
function paymentsList(dash: FastifyInstance, services: Services): void {
  dash.get<{ Querystring: Query }>('/dashboard/payments', { config: PUBLIC }, async (request, reply) => {
    const ctx = request.dash;
    const t = ctx.t.payments;
    const { search, invalid, params } = parseSearch(request.query);
    const { rows, total } = await searchPayments(services.db, ctx.session!.actor, search);
    const filtered = Object.keys(params).length > 0 || search.page > 1;
    const body = html`${searchForm(ctx, params)}
${invalid.map((name) => notice(t.badFilter(name), 'error'))}
${table(paymentColumns(ctx), rows, filtered ? t.none : firstPayment(ctx, services.publicUrl, ctx.t.start.noPayments), (p) => p.id)}
${pager(ctx, search.page, PER_PAGE, total, params)}
${total > 0 ? html`<p><a href="/dashboard/payments.csv${csvQuery(params)}" data-action="export-csv" download>${ctx.t.start.csv}</a></p>` : null}`;
    return sendPage(reply, dashLayout(ctx, { title: t.title, section: 'payments', body }));
  });
}
