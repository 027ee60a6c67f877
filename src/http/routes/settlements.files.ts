import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Services } from '../../domain/context';
import { getSettlement, settlementLines } from '../../domain/settlements';
import type { Operation } from '../openapi/operation';
import { IdParams } from '../schemas';
import { settlementCsv, settlementPdf, settlementXlsx } from '../../wire/settlement-files';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const FILES = {
  csv: { type: 'text/csv; charset=utf-8', extension: 'csv', summary: 'Settlement: CSV', description: 'One row per balance transaction the settlement took (`transaction_id, happened_at, type, amount, currency, payment_id, refund_id, resource_id`); the signed `amount`s add up to `settlement_amount_cents`.' },
  pdf: { type: 'application/pdf', extension: 'pdf', summary: 'Settlement: PDF', description: 'The settlement statement: its summary, then its balance transactions.' },
  xls: { type: XLSX, extension: 'xlsx', summary: 'Settlement: XLS', description: 'An XLSX workbook (Office Open XML, which every spreadsheet opens): sheet `Summary` (field, value) and sheet `Transactions` (as the CSV).' },
} as const;

function operation(format: keyof typeof FILES): Operation {
  const file = FILES[format];
  return { summary: file.summary, description: file.description, tag: 'Settlements', responses: { 200: { description: `The file (\`${file.type.split(';')[0]}\`).`, contentType: file.type.split(';')[0] } } };
}

function send(reply: FastifyReply, format: keyof typeof FILES, reference: string, body: Buffer): FastifyReply {
  const file = FILES[format];
  return reply.code(200).type(file.type).header('content-disposition', `attachment; filename="settlement-${reference}.${file.extension}"`).send(body);
}

/** GET /api/v1/settlements/:id/csv, …/pdf and …/xls: the settlement's files, made on request. */
export default function route(app: FastifyInstance, services: Services): void {
  for (const format of Object.keys(FILES) as (keyof typeof FILES)[]) {
    app.get<{ Params: IdParams }>(`/api/v1/settlements/:id/${format}`, { schema: { params: IdParams }, config: { operation: operation(format) } }, async (request, reply) => {
      const settlement = await getSettlement(services.db, request.actor, request.params.id);
      const lines = await settlementLines(services.db, settlement);
      const context = { merchantName: request.actor.merchant.name, publicUrl: services.publicUrl };
      const body = format === 'csv' ? await settlementCsv(lines) : format === 'pdf' ? await settlementPdf(settlement, lines, context) : await settlementXlsx(settlement, lines, context);
      return send(reply, format, settlement.reference, body);
    });
  }
}
