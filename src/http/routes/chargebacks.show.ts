import type { FastifyInstance } from 'fastify';
import { getChargeback } from '../../domain/chargebacks';
import type { Services } from '../../domain/context';
import type { Operation } from '../openapi/operation';
import { jsonResponse, sendStored } from '../reply';
import { IdParams } from '../schemas';
import { serializeChargebackDetail } from '../../wire/chargeback';

const operation: Operation = {
  summary: 'Chargeback: Show',
  description: 'One chargeback request with its timeline, payment, customer and defense (null until one is submitted).',
  tag: 'Chargebacks',
  responses: { 200: 'ChargebackRequestDetail' },
};

/** GET /api/v1/chargeback_requests/:id — KOMOJU's showChargebackRequest. */
export default function route(app: FastifyInstance, services: Services): void {
  app.get<{ Params: IdParams }>('/api/v1/chargeback_requests/:id', { schema: { params: IdParams }, config: { operation } }, async (request, reply) => {
    const { chargeback, documents } = await getChargeback(services.db, services, request.actor, request.params.id);
    return sendStored(reply, jsonResponse(200, serializeChargebackDetail(chargeback, documents)));
  });
}
