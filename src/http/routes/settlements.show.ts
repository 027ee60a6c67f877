import type { FastifyInstance } from 'fastify';
import type { Services } from '../../domain/context';
import { getSettlement } from '../../domain/settlements';
import type { Operation } from '../openapi/operation';
import { jsonResponse, sendStored } from '../reply';
import { IdParams } from '../schemas';
import { serializeSettlementShow } from '../../wire/ledger';

const operation: Operation = {
  summary: 'Settlement: Show',
  description: 'A settlement with its breakdown of payments, refunds, fees, corrections and disbursements.',
  tag: 'Settlements',
  responses: { 200: 'SettlementShow' },
};

/** GET /api/v1/settlements/:id */
export default function route(app: FastifyInstance, services: Services): void {
  app.get<{ Params: IdParams }>('/api/v1/settlements/:id', { schema: { params: IdParams }, config: { operation } }, async (request, reply) => {
    const settlement = await getSettlement(services.db, request.actor, request.params.id);
    const context = { merchantName: request.actor.merchant.name, publicUrl: services.publicUrl };
    return sendStored(reply, jsonResponse(200, serializeSettlementShow(settlement, context)));
  });
}
