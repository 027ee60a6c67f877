import type { FastifyInstance } from 'fastify';
import type { Services } from '../../domain/context';
import { getEvent } from '../../domain/event-log';
import { jsonResponse, sendStored } from '../reply';
import { IdParams } from '../schemas';
import { serializeEvent } from '../../wire/event';

/** GET /api/v1/events/:id */
export default function route(app: FastifyInstance, services: Services): void {
  app.get<{ Params: IdParams }>('/api/v1/events/:id', { schema: { params: IdParams } }, async (request, reply) => {
    const event = await getEvent(services.db, request.actor, request.params.id);
    return sendStored(reply, jsonResponse(200, serializeEvent(event, request.apiVersion)));
  });
}
