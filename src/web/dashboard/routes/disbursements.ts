import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { runCommand } from '../../../domain/commands';
import type { Services } from '../../../domain/context';
import type { Disbursement } from '../../../domain/dashboard/balances';
import { cancelDisbursement, getDisbursement, listDisbursements } from '../../../domain/disbursements';
import { ApiError } from '../../../kernel/errors';
import { DISBURSEMENT_STATUSES } from '../../../model/ledger';
import { html, type Html } from '../../html';
import { sendPage } from '../../respond';
import { code, facts, money, notice, pager, table, time, type Column, idLink } from '../components';
import { dashboardActions, RECORD_ID, type Message } from '../actions';
import { csrfField, dashLayout, type DashContext } from '../layout';
import { pageNumber } from './lists';

const PUBLIC = { access: 'public' as const };
const PER_PAGE = 25;

/**
 * GET /dashboard/disbursements — newest first, 25 a page, filtered by status. GET
 * /dashboard/disbursements/:id — amount, fee, bank account, transfer date, and while it is
 * pending, "Cancel disbursement": POST …/cancel runs the API's cancelDisbursement through
 * runCommand (holding the merchant, as the API does; a reason is required, as the API's
 * `cancel_reason`), then 303 back; refused, the page again (422).
 */
export default function route(dash: FastifyInstance, services: Services): void {
  dash.get<{ Querystring: { page?: string; status?: string } }>('/dashboard/disbursements', { config: PUBLIC }, async (request, reply) => {
    const ctx = request.dash;
    const page = pageNumber(request.query.page);
    const status = DISBURSEMENT_STATUSES.find((s) => s === request.query.status);
    const { rows, total } = await listDisbursements(services.db, ctx.session!.actor, { page, per_page: PER_PAGE, status });
    const body = html`${statusFilter(ctx, status)}${table(listColumns(ctx), rows, ctx.t.disbursements.none, (d) => d.id)}${pager(ctx, page, PER_PAGE, total, { status })}`;
    return sendPage(reply, dashLayout(ctx, { title: ctx.t.disbursements.title, section: 'disbursements', body }));
  });

  const show = async (request: FastifyRequest, reply: FastifyReply, id: string, message: Message | null, status = 200) => {
    if (!RECORD_ID.test(id)) throw new ApiError('not_found');
    const ctx = request.dash;
    const disbursement = await getDisbursement(services.db, ctx.session!.actor, id);
    const title = `${ctx.t.disbursements.disbursement} ${disbursement.id}`;
    return sendPage(reply, dashLayout(ctx, { title, section: 'disbursements', body: detail(ctx, disbursement, message) }), status);
  };

  dash.get<{ Params: { id: string }; Querystring: { done?: string } }>('/dashboard/disbursements/:id', { config: PUBLIC }, async (request, reply) =>
    show(request, reply, request.params.id, request.query.done === 'cancelled' ? { text: request.dash.t.disbursements.cancelled, kind: 'ok' } : null),
  );

  const action = dashboardActions(dash, 'disbursements', show);
  action('cancel', 'cancelled', async (request, id) => {
    const actor = request.dash.session!.actor;
    const reason = typeof request.body?.cancel_reason === 'string' ? request.body.cancel_reason.trim().slice(0, 2000) : '';
    if (!reason) throw new ApiError('missing_parameter', { param: 'cancel_reason' });
    await runCommand(services.db, actor, null, (trx) => cancelDisbursement(trx, actor, id, reason));
    request.log.info({ disbursement: id }, 'disbursement cancelled from the dashboard');
  });
}

function badge(ctx: DashContext, status: string): Html {
  return html`<span class="status status-disbursement-${status}" data-disbursement-status="${status}">${ctx.t.disbursements.statuses[status] ?? status}</span>`;
}

function statusFilter(ctx: DashContext, current: string | undefined): Html {
  const t = ctx.t.disbursements;
  const link = (status: string | undefined, label: string) =>
    status === current ? html`<strong>${label}</strong>` : html`<a href="/dashboard/disbursements${status ? `?status=${status}` : ''}">${label}</a>`;
  return html`<p class="dash-filter" data-filter="status">${link(undefined, t.all)} · ${DISBURSEMENT_STATUSES.map((s, i) => html`${i ? ' · ' : ''}${link(s, t.statuses[s])}`)}</p>`;
}

/** The bank account as a clerk reads it: `0001-001 Ordinary 1234567`. */
const account = (ctx: DashContext, d: Disbursement) => `${d.bank_code}-${d.branch_code} ${ctx.t.disbursements.accountTypes[d.account_type] ?? d.account_type} ${d.account_number}`;

function listColumns(ctx: DashContext): Column<Disbursement>[] {
  const t = ctx.t.disbursements;
  return [
    { label: t.id, cell: (d) => idLink(`/dashboard/disbursements/${d.id}`, d.id) },
    { label: t.status, cell: (d) => badge(ctx, d.status) },
    { label: t.amount, cell: (d) => money(ctx, d.amount, d.currency), className: 'num' },
    { label: t.account, cell: (d) => account(ctx, d) },
    { label: t.payAt, cell: (d) => time(ctx.locale, d.pay_at), className: 'time' },
    { label: t.created, cell: (d) => time(ctx.locale, d.created_at), className: 'time' },
  ];
}

function detail(ctx: DashContext, d: Disbursement, message: Message | null): Html {
  const t = ctx.t.disbursements;
  const rows = [
    { label: t.id, value: code(d.id), name: 'id' },
    { label: t.status, value: badge(ctx, d.status), name: 'status' },
    { label: t.amount, value: money(ctx, d.amount, d.currency), name: 'amount' },
    { label: t.fee, value: money(ctx, d.fee, d.currency), name: 'fee' },
    { label: t.feeTax, value: money(ctx, d.fee_tax, d.currency), name: 'fee_tax' },
    { label: t.account, value: account(ctx, d), name: 'account' },
    { label: t.accountName, value: d.account_name_kana, name: 'account_name_kana' },
    { label: t.externalId, value: code(d.external_id), name: 'external_id' },
    { label: t.payAt, value: time(ctx.locale, d.pay_at), name: 'pay_at' },
    { label: t.error, value: d.error, name: 'error' },
    { label: t.cancelReason, value: d.cancel_reason, name: 'cancel_reason' },
    { label: t.created, value: time(ctx.locale, d.created_at), name: 'created_at' },
    { label: t.updated, value: time(ctx.locale, d.last_updated_at), name: 'last_updated_at' },
  ];
  const cancel =
    d.status === 'pending'
      ? html`<form method="post" action="/dashboard/disbursements/${d.id}/cancel" class="dash-form dash-action" data-form="cancel">${csrfField(ctx)}
<p class="dash-muted">${t.cancelHint}</p><div class="field"><label for="cancel-reason">${t.cancelReason}</label><input id="cancel-reason" name="cancel_reason" required maxlength="2000"></div>
<button type="submit" class="button danger small">${t.cancel}</button></form>`
      : null;
  return html`${message ? notice(message.text, message.kind) : null}${facts(rows)}${cancel}`;
}
