import type { FastifyInstance } from 'fastify';
import type { Services } from '../../domain/context';
import { getSecureToken } from '../../domain/secure-tokens';
import { jsonResponse, sendStored } from '../reply';
import { IdParams } from '../schemas';
import { serializeSecureToken } from '../../wire/token';

/** GET /api/v1/secure_tokens/:id — `verification_status` after the customer's authentication. */
export default function route(app: FastifyInstance, services: Services): void {
  app.get<{ Params: IdParams }>('/api/v1/secure_tokens/:id', { schema: { params: IdParams }, config: { access: 'publishable' } }, async (request, reply) => {
    const token = await getSecureToken(services.db, request.actor, request.params.id);
    return sendStored(reply, jsonResponse(200, serializeSecureToken(token, services.publicUrl)));
  });
}
