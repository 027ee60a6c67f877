import type { FastifyInstance } from 'fastify';
import type { Services } from '../../../domain/context';
import { merchantBalances, type BalanceTransaction } from '../../../domain/dashboard/balances';
import { getBalance, listBalanceTransactions } from '../../../domain/ledger';
import { html, type Html } from '../../html';
import { sendPage } from '../../respond';
import { code, facts, money, pager, table, time, type Column, idLink } from '../components';
import { dashLayout, type DashContext } from '../layout';
import { pageNumber } from './lists';

const PUBLIC = { access: 'public' as const };
const PER_PAGE = 25;
/** Lines shown under each currency on the balances page. */
const RECENT = 10;

/**
 * GET /dashboard/balances — per currency the merchant's ledger has, the unsettled balance (as
 * GET /api/v1/balances/:currency) and its newest lines. GET /dashboard/balances/:currency — that
 * balance's breakdown and all its lines, newest first, 25 a page. An unknown currency is 404.
 */
export default function route(dash: FastifyInstance, services: Services): void {
  dash.get('/dashboard/balances', { config: PUBLIC }, async (request, reply) => {
    const ctx = request.dash;
    const t = ctx.t.balances;
    const balances = await merchantBalances(services.db, ctx.session!.actor, RECENT);
    const body = balances.length
      ? balances.map(
          ({ balance, recent }) => html`<section class="dash-balance" data-currency="${balance.currency}"><h2>${balance.currency}</h2>${facts([
            { label: t.balance, value: money(ctx, balance.total, balance.currency), name: 'balance' },
          ])}<h3>${t.recent}</h3>${table(transactionColumns(ctx), recent, t.noTransactions, (line) => line.id)}<p><a href="/dashboard/balances/${balance.currency}">${t.allTransactions}</a></p></section>`,
        )
      : html`<p class="dash-empty">${t.none}</p>`;
    return sendPage(reply, dashLayout(ctx, { title: t.title, section: 'balances', body }));
  });

  dash.get<{ Params: { currency: string }; Querystring: { page?: string } }>('/dashboard/balances/:currency', { config: PUBLIC }, async (request, reply) => {
    const ctx = request.dash;
    const t = ctx.t.balances;
    const actor = ctx.session!.actor;
    const page = pageNumber(request.query.page);
    const balance = await getBalance(services.db, actor, request.params.currency);
    const { rows, total } = await listBalanceTransactions(services.db, actor, balance.currency, { page, per_page: PER_PAGE });
    const s = ctx.t.settlements;
    const b = balance.breakdown;
    const m = (amount: number) => money(ctx, amount, balance.currency);
    const body = html`${facts([
      { label: t.balance, value: m(balance.total), name: 'balance' },
      { label: s.captured, value: m(b.payments.captured_amount_total_cents), name: 'captured' },
      { label: s.processingFees, value: m(b.payments.processing_fees_cents), name: 'processing_fees' },
      { label: s.refunds, value: m(b.refunds.total_cents), name: 'refunds' },
      { label: s.misc, value: m(b.misc.total_cents), name: 'misc' },
      { label: s.disbursements, value: m(b.disbursements.total_cents), name: 'disbursements' },
    ])}<h2>${t.transactions(balance.currency)}</h2>${table(transactionColumns(ctx), rows, t.noTransactions, (line) => line.id)}${pager(ctx, page, PER_PAGE, total)}`;
    return sendPage(reply, dashLayout(ctx, { title: `${t.title} ${balance.currency}`, section: 'balances', body }));
  });
}

/** What a ledger line belongs to, linked to its page where the dashboard has one. */
function resourceOf(line: BalanceTransaction): Html | null {
  if (line.payment_id) return idLink(`/dashboard/payments/${line.payment_id}`, line.payment_id);
  if (line.type.startsWith('disbursement') && line.resource_id) return idLink(`/dashboard/disbursements/${line.resource_id}`, line.resource_id);
  return code(line.resource_id);
}

function transactionColumns(ctx: DashContext): Column<BalanceTransaction>[] {
  const t = ctx.t.balances;
  return [
    { label: t.id, cell: (line) => code(line.id) },
    { label: t.type, cell: (line) => html`<span data-type="${line.type}">${t.types[line.type] ?? line.type}</span>` },
    { label: t.amount, cell: (line) => money(ctx, line.amount, line.currency), className: 'num' },
    { label: t.resource, cell: (line) => resourceOf(line) },
    {
      label: t.settlement,
      cell: (line) => (line.settlement_id ? idLink(`/dashboard/settlements/${line.settlement_id}`, line.settlement_id) : t.unsettled),
    },
    { label: t.happened, cell: (line) => time(ctx.locale, line.happened_at), className: 'time' },
  ];
}
