import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { runCommand } from '../../domain/commands';
import type { Services } from '../../domain/context';
import { createToken } from '../../domain/tokens';
import type { Operation } from '../openapi/operation';
import { jsonResponse, sendStored } from '../reply';
import { serializeToken } from '../../wire/token';

const Body = Type.Object({
  payment_details: Type.Object({ type: Type.Optional(Type.String()) }),
  currency: Type.Optional(Type.String({ minLength: 1, maxLength: 8 })),
});

const operation: Operation = {
  summary: 'Create a token',
  description:
    'One set of payment details for one use within 30 days, checked exactly as by `POST /payments`. The answer shows only `type` and contact fields, never a number, CVV, password or birthday.',
  tag: 'Tokens',
  responses: { 200: 'Token' },
};

/**
 * POST /api/v1/tokens — publishable key (from the customer's browser, with CORS) or secret key.
 * One INSERT: atomic without a transaction unless an idempotency key asks for one.
 */
export default function route(app: FastifyInstance, services: Services): void {
  app.post<{ Body: Static<typeof Body> }>(
    '/api/v1/tokens',
    { schema: { body: Body }, config: { access: 'publishable', operation } },
    async (request, reply) => {
      const response = await runCommand(
        services.db,
        request.actor,
        request.idempotency,
        (trx) => createToken(trx, services, request.actor, request.body),
        (token) => jsonResponse(200, serializeToken(token)),
        { singleStatement: true },
      );
      return sendStored(reply, response);
    },
  );
}
