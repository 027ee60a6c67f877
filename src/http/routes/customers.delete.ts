import type { FastifyInstance } from 'fastify';
import { runCommand } from '../../domain/commands';
import type { Services } from '../../domain/context';
import { deleteCustomer } from '../../domain/customers';
import type { Operation } from '../openapi/operation';
import { jsonResponse, sendStored } from '../reply';
import { IdParams } from '../schemas';
import { serializeCustomer } from '../../wire/customer';

const operation: Operation = {
  summary: 'Delete a customer',
  description: 'Erases it with its stored details; answers it as it was.',
  tag: 'Customers',
  responses: { 200: 'Customer' },
};

/** DELETE /api/v1/customers/:id — erases the customer and its stored details; answers it as it was. */
export default function route(app: FastifyInstance, services: Services): void {
  app.delete<{ Params: IdParams }>('/api/v1/customers/:id', { schema: { params: IdParams }, config: { operation } }, async (request, reply) => {
    const response = await runCommand(
      services.db,
      request.actor,
      request.idempotency,
      (trx) => deleteCustomer(trx, request.actor, request.params.id),
      (customer) => jsonResponse(200, serializeCustomer(customer)),
    );
    return sendStored(reply, response);
  });
}
