import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Services } from '../../domain/context';
import { listPayments } from '../../domain/payments';
import type { Operation } from '../openapi/operation';
import { jsonResponse, sendStored } from '../reply';
import { Pagination, parseWindow } from '../schemas';
import { serializeList } from '../../wire/list';
import { serializePayment } from '../../wire/payment';

const Query = Type.Object({
  ...Pagination,
  status: Type.Optional(Type.String({ pattern: '^(pending|authorized|captured|refunded|cancelled|expired|failed)(,(pending|authorized|captured|refunded|cancelled|expired|failed))*$' })),
  external_order_num: Type.Optional(Type.String({ maxLength: 255 })),
  // Checked against the currencies in src/domain/payments/queries.ts (listPayments), any letter case.
  currency: Type.Optional(Type.String({ maxLength: 8 })),
});

const operation: Operation = {
  summary: 'List payments',
  description: 'Newest first.',
  tag: 'Payments',
  responses: { 200: 'PaymentList' },
};

/** GET /api/v1/payments — newest first. */
export default function route(app: FastifyInstance, services: Services): void {
  app.get<{ Querystring: Static<typeof Query> }>('/api/v1/payments', { schema: { querystring: Query }, config: { operation } }, async (request, reply) => {
    const query = request.query;
    const { rows, total } = await listPayments(services.db, request.actor, { ...query, ...parseWindow(query) });
    const body = serializeList(rows, total, query.page, query.per_page, (p) => serializePayment(p, request.apiVersion), parseWindow(query));
    return sendStored(reply, jsonResponse(200, body));
  });
}
