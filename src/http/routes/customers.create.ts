import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { runCommand } from '../../domain/commands';
import type { Services } from '../../domain/context';
import { createCustomer } from '../../domain/customers';
import type { Operation } from '../openapi/operation';
import { jsonResponse, sendStored } from '../reply';
import { Metadata } from '../schemas';
import { serializeCustomer } from '../../wire/customer';
import { scenarioHeader } from '../test-mode';

/** A details hash or a token (`tok_…`); shared by create and update. */
export const CustomerBody = Type.Object({
  payment_details: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 64 }), Type.Object({ type: Type.Optional(Type.String()) })])),
  email: Type.Optional(Type.String({ format: 'email', maxLength: 255 })),
  metadata: Type.Optional(Metadata),
});

const operation: Operation = {
  summary: 'Create a customer',
  description: 'Stores a card (hash or token, encrypted, without its CVV) for later payments with `customer=<id>`.',
  tag: 'Customers',
  responses: { 200: 'Customer' },
  scenario: true,
};

/**
 * POST /api/v1/customers — secret key; the customer, its sealed details and `customer.created` in
 * one transaction. `Komoju-Scenario` (test mode): payments with the customer fail with that code.
 */
export default function route(app: FastifyInstance, services: Services): void {
  app.post<{ Body: Static<typeof CustomerBody> }>('/api/v1/customers', { schema: { body: CustomerBody }, config: { operation } }, async (request, reply) => {
    const response = await runCommand(
      services.db,
      request.actor,
      request.idempotency,
      (trx) => createCustomer(trx, services, request.actor, request.body, { scenario: scenarioHeader(request) }),
      (customer) => jsonResponse(200, serializeCustomer(customer)),
    );
    return sendStored(reply, response);
  });
}
