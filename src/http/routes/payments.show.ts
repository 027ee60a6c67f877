import type { FastifyInstance } from 'fastify';
import type { Services } from '../../domain/context';
import { getPayment } from '../../domain/payments';
import type { Operation } from '../openapi/operation';
import { IdParams } from '../schemas';
import { jsonResponse, sendStored } from '../reply';
import { serializePayment } from '../../wire/payment';

const operation: Operation = { summary: 'Retrieve a payment', tag: 'Payments', responses: { 200: 'Payment' } };

/** GET /api/v1/payments/:id */
export default function route(app: FastifyInstance, services: Services): void {
  app.get<{ Params: IdParams }>('/api/v1/payments/:id', { schema: { params: IdParams }, config: { operation } }, async (request, reply) => {
    const payment = await getPayment(services.db, request.actor, request.params.id);
    return sendStored(reply, jsonResponse(200, serializePayment(payment, request.apiVersion)));
  });
}
