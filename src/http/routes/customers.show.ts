import type { FastifyInstance } from 'fastify';
import type { Services } from '../../domain/context';
import { getCustomer } from '../../domain/customers';
import type { Operation } from '../openapi/operation';
import { jsonResponse, sendStored } from '../reply';
import { IdParams } from '../schemas';
import { serializeCustomer } from '../../wire/customer';

const operation: Operation = { summary: 'Retrieve a customer', tag: 'Customers', responses: { 200: 'Customer' } };

/** GET /api/v1/customers/:id */
export default function route(app: FastifyInstance, services: Services): void {
  app.get<{ Params: IdParams }>('/api/v1/customers/:id', { schema: { params: IdParams }, config: { operation } }, async (request, reply) => {
    const customer = await getCustomer(services.db, request.actor, request.params.id);
    return sendStored(reply, jsonResponse(200, serializeCustomer(customer)));
  });
}
