import type { FastifyInstance } from 'fastify';
import type { Services } from '../../../domain/context';
import { searchPayments } from '../../../domain/dashboard/views';
import { paymentsCsv, type PaymentCsvRow } from '../../../wire/payments-csv';
import { parseSearch } from './payment-search';

/** Rows read per query, and the most one export holds (a bigger list is cut, and says so in a header). */
const BATCH = 1000;
export const CSV_MAX_ROWS = 50_000;

/**
 * GET /dashboard/payments.csv?<the list's filters> — every payment the list shows for those
 * filters (all pages, newest first), as a download. Filters that make no sense are ignored, as on
 * the list; `page` is.
 */
export function registerPaymentsCsv(dash: FastifyInstance, services: Services): void {
  dash.get<{ Querystring: Record<string, string | undefined> }>('/dashboard/payments.csv', { config: { access: 'public' } }, async (request, reply) => {
    const { search } = parseSearch({ ...request.query, page: undefined });
    const actor = request.dash.session!.actor;
    const rows: PaymentCsvRow[] = [];
    let total = 0;
    for (let page = 1; rows.length < CSV_MAX_ROWS; page++) {
      const found = await searchPayments(services.db, actor, { ...search, page, perPage: BATCH });
      total = found.total;
      rows.push(...found.rows.slice(0, CSV_MAX_ROWS - rows.length));
      if (found.rows.length < BATCH) break;
    }
    const day = new Date(actor.clock.now().getTime() + 9 * 3600_000).toISOString().slice(0, 10);
    if (total > rows.length) reply.header('x-kessai-truncated', `${rows.length} of ${total}`);
    return reply
      .code(200)
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="payments-${day}.csv"`)
      .send(paymentsCsv(rows));
  });
}
