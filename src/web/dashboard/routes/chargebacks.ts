import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { getChargeback, listChargebacks, type ChargebackView } from '../../../domain/chargebacks';
import type { Services } from '../../../domain/context';
import type { Chargeback } from '../../../domain/dashboard/balances';
import { ApiError } from '../../../kernel/errors';
import { CHARGEBACK_STATUSES, type ChargebackStatus } from '../../../model/chargeback';
import { html, type Html } from '../../html';
import { sendPage } from '../../respond';
import { code, facts, money, notice, pager, table, time, type Column, idLink } from '../components';
import { dashLayout, type DashContext } from '../layout';
import { RECORD_ID, type Message } from '../actions';
import { chargebackActions, registerChargebackActions } from './chargeback-actions';
import { pageNumber } from './lists';

const PUBLIC = { access: 'public' as const };
const PER_PAGE = 25;

/**
 * GET /dashboard/chargebacks — pending first (as the API lists them), 25 a page, filtered by
 * status. GET /dashboard/chargebacks/:id — the dispute, its timeline, its defense and documents,
 * and while it can still be answered, Accept and Defend (./chargeback-actions.ts).
 */
export default function route(dash: FastifyInstance, services: Services): void {
  dash.get<{ Querystring: { page?: string; status?: string } }>('/dashboard/chargebacks', { config: PUBLIC }, async (request, reply) => {
    const ctx = request.dash;
    const page = pageNumber(request.query.page);
    const status = CHARGEBACK_STATUSES.find((s) => s === request.query.status);
    const { rows, total } = await listChargebacks(services.db, ctx.session!.actor, { status }, page, PER_PAGE);
    const body = html`${statusFilter(ctx, status)}${table(listColumns(ctx), rows, ctx.t.chargebacks.none, (c) => c.id)}${pager(ctx, page, PER_PAGE, total, { status })}`;
    return sendPage(reply, dashLayout(ctx, { title: ctx.t.chargebacks.title, section: 'chargebacks', body }));
  });

  const show = async (request: FastifyRequest, reply: FastifyReply, id: string, message: Message | null, status = 200) => {
    if (!RECORD_ID.test(id)) throw new ApiError('not_found');
    const ctx = request.dash;
    const view = await getChargeback(services.db, services, ctx.session!.actor, id);
    const title = `${ctx.t.chargebacks.chargeback} ${view.chargeback.id}`;
    return sendPage(reply, dashLayout(ctx, { title, section: 'chargebacks', body: detail(ctx, view, message) }), status);
  };

  dash.get<{ Params: { id: string }; Querystring: { done?: string } }>('/dashboard/chargebacks/:id', { config: PUBLIC }, async (request, reply) => {
    const done = request.query.done;
    const text = done && Object.hasOwn(request.dash.t.chargebacks.done, done) ? request.dash.t.chargebacks.done[done] : null;
    return show(request, reply, request.params.id, text ? { text, kind: 'ok' } : null);
  });
  registerChargebackActions(dash, services, show);
}

export function chargebackBadge(ctx: DashContext, status: ChargebackStatus): Html {
  return html`<span class="status status-chargeback-${status}" data-chargeback-status="${status}">${ctx.t.chargebacks.statuses[status] ?? status}</span>`;
}

function statusFilter(ctx: DashContext, current: string | undefined): Html {
  const t = ctx.t.chargebacks;
  const link = (status: string | undefined, label: string) =>
    status === current ? html`<strong>${label}</strong>` : html`<a href="/dashboard/chargebacks${status ? `?status=${status}` : ''}">${label}</a>`;
  return html`<p class="dash-filter" data-filter="status">${link(undefined, t.all)} · ${CHARGEBACK_STATUSES.map((s, i) => html`${i ? ' · ' : ''}${link(s, t.statuses[s])}`)}</p>`;
}

const paymentLink = (id: string) => idLink(`/dashboard/payments/${id}`, id);

function listColumns(ctx: DashContext): Column<Chargeback>[] {
  const t = ctx.t.chargebacks;
  return [
    { label: t.id, cell: (c) => idLink(`/dashboard/chargebacks/${c.id}`, c.id) },
    { label: t.status, cell: (c) => chargebackBadge(ctx, c.status) },
    { label: t.amount, cell: (c) => money(ctx, c.amount, c.currency), className: 'num' },
    { label: t.due, cell: (c) => time(ctx.locale, c.due_date), className: 'time' },
    { label: t.payment, cell: (c) => paymentLink(c.payment_id) },
    { label: t.reason, cell: (c) => c.reason },
    { label: t.created, cell: (c) => time(ctx.locale, c.created_at), className: 'time' },
  ];
}

function detail(ctx: DashContext, view: ChargebackView, message: Message | null): Html {
  const t = ctx.t.chargebacks;
  const c = view.chargeback;
  const card = c.payment.payment_method;
  const customer = [c.customer.name, c.customer.email].filter(Boolean).join(' · ');
  const rows = [
    { label: t.id, value: code(c.id), name: 'id' },
    { label: t.status, value: chargebackBadge(ctx, c.status), name: 'status' },
    { label: t.amount, value: money(ctx, c.amount, c.currency), name: 'amount' },
    { label: t.due, value: time(ctx.locale, c.due_date), name: 'due_date' },
    { label: t.reason, value: `${c.reason} (${c.reason_code})`, name: 'reason' },
    { label: t.payment, value: paymentLink(c.payment_id), name: 'payment' },
    { label: t.card, value: card.last_four_digits ? `${card.brand ?? card.type} •••• ${card.last_four_digits}` : null, name: 'card' },
    { label: t.customer, value: customer, name: 'customer' },
    { label: t.created, value: time(ctx.locale, c.created_at), name: 'created_at' },
    { label: t.updated, value: time(ctx.locale, c.updated_at), name: 'updated_at' },
  ];
  const steps: Column<Chargeback['timeline'][number]>[] = [
    { label: t.step, cell: (entry) => html`<span data-step="${entry.type}">${t.steps[entry.type] ?? entry.type}</span>` },
    { label: t.when, cell: (entry) => time(ctx.locale, entry.occurred_at), className: 'time' },
  ];
  return html`${message ? notice(message.text, message.kind) : null}${facts(rows)}${chargebackActions(ctx, c)}
<h2>${t.timeline}</h2>${table(steps, c.timeline, t.noTimeline)}
<h2>${t.defense}</h2>${defense(ctx, view)}`;
}

function defense(ctx: DashContext, view: ChargebackView): Html {
  const t = ctx.t.chargebacks;
  const d = view.chargeback.defense;
  if (!d) return html`<p class="dash-empty" data-defense="none">${t.noDefense}</p>`;
  const shipping = d.shipping_info;
  const recipient = d.recipient_info;
  const rows = [
    { label: t.description, value: d.reason, name: 'defense_reason' },
    { label: t.productName, value: d.product_name, name: 'product_name' },
    { label: t.shippingCompany, value: shipping.company_name },
    { label: t.shippingDate, value: shipping.shipping_date },
    { label: t.trackingNumber, value: shipping.tracking_number },
    { label: t.shippingAddress, value: shipping.shipping_address },
    { label: t.recipientName, value: recipient.name },
    { label: t.recipientPhone, value: recipient.phone },
    { label: t.recipientEmail, value: recipient.email },
  ];
  const documents: Column<ChargebackView['documents'][number]>[] = [
    { label: t.file, cell: (doc) => html`<a href="${doc.url}" data-document="${doc.file_name}">${doc.file_name}</a>` },
    { label: t.size, cell: (doc) => `${Math.ceil(doc.file_size / 1024)} KB`, className: 'num' },
    { label: t.uploaded, cell: (doc) => time(ctx.locale, doc.uploaded_at), className: 'time' },
  ];
  return html`${facts(rows)}<h3>${t.documents}</h3>${table(documents, view.documents, t.noDocuments)}`;
}
