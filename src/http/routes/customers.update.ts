import type { Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { runCommand } from '../../domain/commands';
import type { Services } from '../../domain/context';
import { updateCustomer } from '../../domain/customers';
import type { Operation } from '../openapi/operation';
import { jsonResponse, sendStored } from '../reply';
import { IdParams } from '../schemas';
import { serializeCustomer } from '../../wire/customer';
import { CustomerBody } from './customers.create';

const operation: Operation = { summary: 'Update a customer', tag: 'Customers', responses: { 200: 'Customer' } };

/** PATCH /api/v1/customers/:id — new details (hash or token), email, metadata; `customer.updated`. */
export default function route(app: FastifyInstance, services: Services): void {
  app.patch<{ Params: IdParams; Body: Static<typeof CustomerBody> }>(
    '/api/v1/customers/:id',
    { schema: { params: IdParams, body: CustomerBody }, config: { operation } },
    async (request, reply) => {
      const response = await runCommand(
        services.db,
        request.actor,
        request.idempotency,
        (trx) => updateCustomer(trx, services, request.actor, request.params.id, request.body),
        (customer) => jsonResponse(200, serializeCustomer(customer)),
      );
      return sendStored(reply, response);
    },
  );
}
