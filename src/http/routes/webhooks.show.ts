import type { FastifyInstance } from 'fastify';
import type { Services } from '../../domain/context';
import { getEndpoint } from '../../domain/webhooks';
import type { Operation } from '../openapi/operation';
import { jsonResponse, sendStored } from '../reply';
import { IdParams } from '../schemas';
import { serializeEndpoint } from '../../wire/webhook';

const operation: Operation = { summary: 'Retrieve a webhook endpoint', tag: 'Webhooks', responses: { 200: 'Webhook' } };

/** GET /api/v1/webhooks/:id */
export default function route(app: FastifyInstance, services: Services): void {
  app.get<{ Params: IdParams }>('/api/v1/webhooks/:id', { schema: { params: IdParams }, config: { operation } }, async (request, reply) => {
    const endpoint = await getEndpoint(services.db, request.actor, request.params.id);
    return sendStored(reply, jsonResponse(200, serializeEndpoint(endpoint)));
  });
}
