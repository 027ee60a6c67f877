import type { FastifyInstance } from 'fastify';
import type { Services } from '../../domain/context';
import { getSecureToken } from '../../domain/secure-tokens';
import type { Operation } from '../openapi/operation';
import { jsonResponse, sendStored } from '../reply';
import { IdParams } from '../schemas';
import { serializeSecureToken } from '../../wire/token';

const operation: Operation = { summary: 'Retrieve a 3-D Secure token', tag: 'Secure tokens', responses: { 200: 'SecureToken' } };

/** GET /api/v1/secure_tokens/:id — `verification_status` after the customer's authentication. */
export default function route(app: FastifyInstance, services: Services): void {
  app.get<{ Params: IdParams }>(
    '/api/v1/secure_tokens/:id',
    { schema: { params: IdParams }, config: { access: 'publishable', operation } },
    async (request, reply) => {
      const token = await getSecureToken(services.db, request.actor, request.params.id);
      return sendStored(reply, jsonResponse(200, serializeSecureToken(token, services.publicUrl)));
    },
  );
}
