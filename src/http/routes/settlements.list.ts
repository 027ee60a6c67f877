import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Services } from '../../domain/context';
import { listSettlements } from '../../domain/settlements';
import type { Operation } from '../openapi/operation';
import { jsonResponse, sendStored } from '../reply';
import { Pagination, parseWindow } from '../schemas';
import { serializeNamedList, serializeSettlement } from '../../wire/ledger';

const Query = Type.Object(Pagination);

const operation: Operation = {
  summary: 'Settlement: Index',
  description:
    "The merchant's settlements, most recent first. One per currency and month (Japan time): it closes at the month's end on the merchant's clock and is paid at the end of the next month (`pending` → `paid`).",
  tag: 'Settlements',
  responses: { 200: 'SettlementList' },
};

/** GET /api/v1/settlements — most recent first. */
export default function route(app: FastifyInstance, services: Services): void {
  app.get<{ Querystring: Static<typeof Query> }>('/api/v1/settlements', { schema: { querystring: Query }, config: { operation } }, async (request, reply) => {
    const query = request.query;
    const window = parseWindow(query);
    const { rows, total } = await listSettlements(services.db, request.actor, { ...query, ...window });
    const context = { merchantName: request.actor.merchant.name, publicUrl: services.publicUrl };
    const list = serializeNamedList('settlement_list', { rows, total, page: query.page, perPage: query.per_page, window }, (row) => serializeSettlement(row, context));
    return sendStored(reply, jsonResponse(200, list));
  });
}
