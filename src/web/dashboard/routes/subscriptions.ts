import type { FastifyInstance } from 'fastify';
import type { Services } from '../../../domain/context';
import { getSubscription, latestSubscriptionPayments, listSubscriptions } from '../../../domain/subscriptions';
import { ApiError } from '../../../kernel/errors';
import type { Subscription } from '../../../model/subscription';
import { html, type Html } from '../../html';
import { sendPage } from '../../respond';
import { code, facts, json, money, notice, pager, statusBadge, table, time, type Column, idLink } from '../components';
import { dashLayout, type DashContext } from '../layout';
import { pageNumber } from './lists';
import { RECORD_ID } from '../actions';

const PUBLIC = { access: 'public' as const };
const PER_PAGE = 25;
const STATUSES = ['active', 'suspended', 'cancelled'];
/** Payments shown on a subscription's page: a weekly one makes 52 a year. */
const PAYMENTS_SHOWN = 60;

/**
 * GET /dashboard/subscriptions — newest first, 25 a page, filtered by status. GET
 * /dashboard/subscriptions/:id — its schedule, retry state, card (brand and last four digits
 * only) and its latest payments, linked to their pages. Read-only: what the API shows.
 */
export default function route(dash: FastifyInstance, services: Services): void {
  dash.get<{ Querystring: { page?: string; status?: string } }>('/dashboard/subscriptions', { config: PUBLIC }, async (request, reply) => {
    const ctx = request.dash;
    const t = ctx.t.subscriptions;
    const page = pageNumber(request.query.page);
    const status = STATUSES.includes(request.query.status ?? '') ? request.query.status : undefined;
    const { rows, total } = await listSubscriptions(services.db, ctx.session!.actor, { page, per_page: PER_PAGE, status });
    const body = html`${statusFilter(ctx, status)}${table(listColumns(ctx), rows, t.none, (s) => s.id)}${pager(ctx, page, PER_PAGE, total, { status })}`;
    return sendPage(reply, dashLayout(ctx, { title: t.title, section: 'subscriptions', body }));
  });

  dash.get<{ Params: { id: string } }>('/dashboard/subscriptions/:id', { config: PUBLIC }, async (request, reply) => {
    if (!RECORD_ID.test(request.params.id)) throw new ApiError('not_found');
    const ctx = request.dash;
    const actor = ctx.session!.actor;
    const subscription = await getSubscription(services.db, actor, request.params.id);
    const payments = await latestSubscriptionPayments(services.db, actor, subscription, PAYMENTS_SHOWN);
    return sendPage(reply, dashLayout(ctx, { title: `${ctx.t.subscriptions.subscription} ${subscription.id}`, section: 'subscriptions', body: detail(ctx, subscription, payments) }));
  });
}

function badge(ctx: DashContext, status: string): Html {
  return html`<span class="status status-subscription-${status}" data-subscription-status="${status}">${ctx.t.subscriptions.statuses[status] ?? status}</span>`;
}

function statusFilter(ctx: DashContext, current: string | undefined): Html {
  const t = ctx.t.subscriptions;
  const link = (status: string | undefined, label: string) =>
    status === current ? html`<strong>${label}</strong>` : html`<a href="/dashboard/subscriptions${status ? `?status=${status}` : ''}">${label}</a>`;
  return html`<p class="dash-filter" data-filter="status">${link(undefined, t.all)} · ${STATUSES.map((s, i) => html`${i ? ' · ' : ''}${link(s, t.statuses[s])}`)}</p>`;
}

function listColumns(ctx: DashContext): Column<Subscription>[] {
  const t = ctx.t.subscriptions;
  return [
    { label: t.id, cell: (s) => idLink(`/dashboard/subscriptions/${s.id}`, s.id) },
    { label: t.status, cell: (s) => badge(ctx, s.status) },
    { label: t.amount, cell: (s) => money(ctx, s.amount, s.currency), className: 'num' },
    { label: t.period, cell: (s) => t.periods[s.period] ?? s.period },
    { label: t.customer, cell: (s) => code(s.customer_id) },
    { label: t.next, cell: (s) => (s.status === 'active' ? time(ctx.locale, s.retry_at ?? s.next_capture_at) : '—'), className: 'time' },
    { label: t.created, cell: (s) => time(ctx.locale, s.created_at), className: 'time' },
  ];
}

function detail(ctx: DashContext, s: Subscription, payments: Awaited<ReturnType<typeof latestSubscriptionPayments>>): Html {
  const t = ctx.t.subscriptions;
  const card = s.customer.source;
  const cardText = card ? `${String(card.brand ?? card.type ?? '')} •••• ${String(card.last_four_digits ?? '')} (${String(card.month ?? '').padStart(2, '0')}/${String(card.year ?? '')})` : null;
  const rows = [
    { label: t.id, value: code(s.id), name: 'id' },
    { label: t.status, value: badge(ctx, s.status), name: 'status' },
    { label: t.amount, value: money(ctx, s.amount, s.currency), name: 'amount' },
    { label: t.period, value: t.periods[s.period] ?? s.period, name: 'period' },
    { label: t.day, value: String(s.day), name: 'day' },
    { label: t.customer, value: code(s.customer_id), name: 'customer' },
    { label: t.card, value: cardText, name: 'card' },
    { label: t.next, value: s.status === 'active' ? time(ctx.locale, s.next_capture_at) : null, name: 'next_capture_at' },
    { label: t.retries, value: String(s.retry_count), name: 'retry_count' },
    { label: t.retryAt, value: s.retry_at ? time(ctx.locale, s.retry_at) : null, name: 'retry_at' },
    { label: t.created, value: time(ctx.locale, s.created_at), name: 'created_at' },
    { label: t.ended, value: s.ended_at ? time(ctx.locale, s.ended_at) : null, name: 'ended_at' },
    { label: t.metadata, value: Object.keys(s.metadata).length ? json(s.metadata) : null, name: 'metadata' },
  ];
  const paymentColumns: Column<(typeof payments)[number]>[] = [
    { label: t.payment, cell: (p) => idLink(`/dashboard/payments/${p.id}`, p.id) },
    { label: t.paymentStatus, cell: (p) => statusBadge(ctx, p.status) },
    { label: t.amount, cell: (p) => money(ctx, p.total, p.currency), className: 'num' },
    { label: t.created, cell: (p) => time(ctx.locale, p.created_at), className: 'time' },
  ];
  return html`${s.retry_at ? notice(t.retrying(time(ctx.locale, s.retry_at)), 'error') : null}${facts(rows)}<h2>${t.payments}</h2>${table(
    paymentColumns,
    payments,
    t.noPayments,
    (p) => p.id,
  )}`;
}
