import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Services } from '../../domain/context';
import { REPORT_LIMIT, reportDisbursements } from '../../domain/disbursements';
import { parseCurrency } from '../../kernel/money';
import { ISO_TIME } from '../../lib/iso-time';
import type { Operation } from '../openapi/operation';
import { parseWindow } from '../schemas';
import { disbursementCsv } from '../../wire/settlement-files';

/** All four are required, as KOMOJU's SDK declares them. */
const Query = Type.Object({
  start_time: Type.String({ format: ISO_TIME, maxLength: 64 }),
  end_time: Type.String({ format: ISO_TIME, maxLength: 64 }),
  currency: Type.String({ minLength: 1, maxLength: 3 }),
  status: Type.Union([Type.Literal('pending'), Type.Literal('paid'), Type.Literal('failed'), Type.Literal('cancelled')]),
});

const operation: Operation = {
  summary: 'Disbursement: Report',
  description: `The disbursements created between \`start_time\` and \`end_time\` in \`currency\` with \`status\` (all four required, as KOMOJU's SDK declares them), as CSV, oldest first, at most ${REPORT_LIMIT} rows.`,
  tag: 'Disbursements',
  responses: { 200: { description: 'The CSV (`text/csv`).', contentType: 'text/csv' } },
};

/** GET /api/v1/disbursements/report */
export default function route(app: FastifyInstance, services: Services): void {
  app.get<{ Querystring: Static<typeof Query> }>('/api/v1/disbursements/report', { schema: { querystring: Query }, config: { operation } }, async (request, reply) => {
    const query = request.query;
    const window = parseWindow(query);
    const rows = await reportDisbursements(services.db, request.actor, { ...window, currency: parseCurrency(query.currency), status: query.status });
    return reply.code(200).type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="disbursements.csv"').send(await disbursementCsv(rows));
  });
}
