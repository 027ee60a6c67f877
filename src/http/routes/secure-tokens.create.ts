import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { runCommand } from '../../domain/commands';
import type { Services } from '../../domain/context';
import { createSecureToken } from '../../domain/secure-tokens';
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

/**
 * POST /api/v1/secure_tokens — 3-D Secure for a direct API payment; publishable key (KOMOJU
 * recommends calling it from the customer's browser) or secret key. One INSERT.
 */
export default function route(app: FastifyInstance, services: Services): void {
  app.post<{ Body: Static<typeof Body> }>(
    '/api/v1/secure_tokens',
    { schema: { body: Body }, config: { access: 'publishable' } },
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
