import type { FastifyInstance } from 'fastify';
import type { Services } from '../../../domain/context';
import type { BalanceTransaction, Settlement } from '../../../domain/dashboard/balances';
import { getSettlement, listSettlements, settlementLines } from '../../../domain/settlements';
import { ApiError } from '../../../kernel/errors';
import { settlementCsv, settlementPdf, settlementXlsx } from '../../../wire/settlement-files';
import { html, type Html } from '../../html';
import { sendPage } from '../../respond';
import { code, facts, money, pager, table, time, type Column } from '../components';
import { dashLayout, type DashContext } from '../layout';
import { pageNumber } from './lists';
import { RECORD_ID } from '../actions';

const PUBLIC = { access: 'public' as const };
const PER_PAGE = 25;

/** The files of a settlement, the same the API makes (GET /api/v1/settlements/:id/csv, …/pdf, …/xls). */
const FILES = {
  csv: { type: 'text/csv; charset=utf-8', make: (_settlement: Settlement, lines: readonly BalanceTransaction[]) => settlementCsv(lines) },
  pdf: { type: 'application/pdf', make: settlementPdf },
  xlsx: { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', make: settlementXlsx },
} as const;
type Format = keyof typeof FILES;

/**
 * GET /dashboard/settlements — newest first, 25 a page. GET /dashboard/settlements/:id — its
 * amounts, KOMOJU's breakdown and links to its files. GET /dashboard/settlements/:id/csv, …/pdf,
 * …/xlsx — the files themselves, as the signed-in merchant (another's settlement: 404).
 */
export default function route(dash: FastifyInstance, services: Services): void {
  dash.get<{ Querystring: { page?: string } }>('/dashboard/settlements', { config: PUBLIC }, async (request, reply) => {
    const ctx = request.dash;
    const page = pageNumber(request.query.page);
    const { rows, total } = await listSettlements(services.db, ctx.session!.actor, { page, per_page: PER_PAGE });
    const body = html`${table(listColumns(ctx), rows, ctx.t.settlements.none, (s) => s.id)}${pager(ctx, page, PER_PAGE, total)}`;
    return sendPage(reply, dashLayout(ctx, { title: ctx.t.settlements.title, section: 'settlements', body }));
  });

  dash.get<{ Params: { id: string } }>('/dashboard/settlements/:id', { config: PUBLIC }, async (request, reply) => {
    if (!RECORD_ID.test(request.params.id)) throw new ApiError('not_found');
    const ctx = request.dash;
    const settlement = await getSettlement(services.db, ctx.session!.actor, request.params.id);
    const title = `${ctx.t.settlements.settlement} ${settlement.reference}`;
    return sendPage(reply, dashLayout(ctx, { title, section: 'settlements', body: detail(ctx, settlement) }));
  });

  dash.get<{ Params: { id: string; format: string } }>('/dashboard/settlements/:id/:format', { config: PUBLIC }, async (request, reply) => {
    const { id, format } = request.params;
    if (!RECORD_ID.test(id) || !Object.hasOwn(FILES, format)) throw new ApiError('not_found');
    const actor = request.dash.session!.actor;
    const settlement = await getSettlement(services.db, actor, id);
    const lines = await settlementLines(services.db, settlement);
    const file = FILES[format as Format];
    const body = await file.make(settlement, lines, { merchantName: actor.merchant.name, publicUrl: services.publicUrl });
    return reply.code(200).type(file.type).header('content-disposition', `attachment; filename="settlement-${settlement.reference}.${format}"`).send(body);
  });
}

function badge(ctx: DashContext, status: string): Html {
  return html`<span class="status status-settlement-${status}" data-settlement-status="${status}">${ctx.t.settlements.statuses[status] ?? status}</span>`;
}

function listColumns(ctx: DashContext): Column<Settlement>[] {
  const t = ctx.t.settlements;
  return [
    { label: t.reference, cell: (s) => html`<a href="/dashboard/settlements/${s.id}"><code>${s.reference}</code></a>` },
    { label: t.status, cell: (s) => badge(ctx, s.status) },
    { label: t.cycle, cell: (s) => s.cycle },
    { label: t.settlementAmount, cell: (s) => money(ctx, s.settlement_amount, s.currency), className: 'num' },
    { label: t.remittance, cell: (s) => money(ctx, s.remittance_amount, s.currency), className: 'num' },
    { label: t.payout, cell: (s) => time(ctx.locale, s.payout_at), className: 'time' },
  ];
}

function detail(ctx: DashContext, s: Settlement): Html {
  const t = ctx.t.settlements;
  const m = (amount: number) => money(ctx, amount, s.currency);
  const b = s.breakdown;
  const rows = [
    { label: t.id, value: code(s.id), name: 'id' },
    { label: t.reference, value: code(s.reference), name: 'reference' },
    { label: t.status, value: badge(ctx, s.status), name: 'status' },
    { label: t.cycle, value: s.cycle, name: 'cycle' },
    { label: t.cutoff, value: time(ctx.locale, s.cutoff_time), name: 'cutoff_time' },
    { label: t.payout, value: time(ctx.locale, s.payout_at), name: 'payout_at' },
    { label: t.transactions, value: m(s.transaction_amount), name: 'transaction_amount' },
    { label: t.fees, value: m(s.fee_amount), name: 'fee_amount' },
    { label: t.feeTax, value: m(s.fee_tax_amount), name: 'fee_tax_amount' },
    { label: t.settlementAmount, value: m(s.settlement_amount), name: 'settlement_amount' },
    { label: t.transferFee, value: m(s.bank_transfer_fee_amount), name: 'bank_transfer_fee_amount' },
    { label: t.remittance, value: m(s.remittance_amount), name: 'remittance_amount' },
    { label: t.created, value: time(ctx.locale, s.created_at), name: 'created_at' },
  ];
  const totals = [
    { label: t.captured, value: m(b.payments.captured_amount_total_cents), name: 'captured' },
    { label: t.processingFees, value: m(b.payments.processing_fees_cents), name: 'processing_fees' },
    { label: t.refunds, value: m(b.refunds.total_cents), name: 'refunds' },
    { label: t.misc, value: m(b.misc.total_cents), name: 'misc' },
    { label: t.corrections, value: m(b.corrections.total_cents), name: 'corrections' },
    { label: t.disbursements, value: m(b.disbursements.total_cents), name: 'disbursements' },
  ];
  const files = (Object.keys(FILES) as Format[]).map(
    (format, i) => html`${i ? ' · ' : ''}<a href="/dashboard/settlements/${s.id}/${format}" data-file="${format}" download>${format.toUpperCase()}</a>`,
  );
  return html`${facts(rows)}<h2>${t.breakdown}</h2>${facts(totals)}<h2>${t.files}</h2><p class="dash-files">${files}</p>`;
}
