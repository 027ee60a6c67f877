import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { runCommand } from '../../domain/commands';
import type { Services } from '../../domain/context';
import { createSecureToken } from '../../domain/secure-tokens';
import { NO_LIVE_PROCESSOR, type Operation } from '../openapi/operation';
import { jsonResponse, sendStored } from '../reply';
import { Amount, WebUrl } from '../schemas';
import { serializeSecureToken } from '../../wire/token';

const Body = Type.Object({
  amount: Amount,
  currency: Type.String({ minLength: 1, maxLength: 8 }),
  return_url: WebUrl,
  payment_details: Type.Optional(Type.Object({ type: Type.Optional(Type.String()) })),
  customer: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
});

const operation: Operation = {
  summary: 'Create a 3-D Secure token',
  description: 'Send the customer to `authentication_url`; they come back to `return_url`. Then read the token and pay with its id when `OK`.',
  tag: 'Secure tokens',
  responses: { 200: 'SecureToken' },
  errors: { 502: NO_LIVE_PROCESSOR },
};

/**
 * POST /api/v1/secure_tokens — 3-D Secure for a direct API payment; publishable key (KOMOJU
 * recommends calling it from the customer's browser) or secret key. One INSERT.
 */
export default function route(app: FastifyInstance, services: Services): void {
  app.post<{ Body: Static<typeof Body> }>(
    '/api/v1/secure_tokens',
    { schema: { body: Body }, config: { access: 'publishable', operation } },
    async (request, reply) => {
      const response = await runCommand(
        services.db,
        request.actor,
        request.idempotency,
        (trx) => createSecureToken(trx, services, request.actor, request.body),
        (token) => jsonResponse(200, serializeSecureToken(token, services.publicUrl)),
        { singleStatement: true },
      );
      return sendStored(reply, response);
    },
  );
}
