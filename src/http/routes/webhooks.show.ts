import type { FastifyInstance } from 'fastify';
import type { Services } from '../../domain/context';
import { getEndpoint } from '../../domain/webhooks';
import { jsonResponse, sendStored } from '../reply';
import { IdParams } from '../schemas';
import { serializeEndpoint } from '../../wire/webhook';

/** GET /api/v1/webhooks/:id */
export default function route(app: FastifyInstance, services: Services): void {
  app.get<{ Params: IdParams }>('/api/v1/webhooks/:id', { schema: { params: IdParams } }, async (request, reply) => {
    const endpoint = await getEndpoint(services.db, request.actor, request.params.id);
    return sendStored(reply, jsonResponse(200, serializeEndpoint(endpoint)));
  });
}
