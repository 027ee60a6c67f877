import type { FastifyInstance } from 'fastify';
import type { Services } from '../../domain/context';
import { getEvent } from '../../domain/event-log';
import type { Operation } from '../openapi/operation';
import { jsonResponse, sendStored } from '../reply';
import { IdParams } from '../schemas';
import { serializeEvent } from '../../wire/event';

const operation: Operation = { summary: 'Retrieve an event', tag: 'Events', responses: { 200: 'Event' } };

/** GET /api/v1/events/:id */
export default function route(app: FastifyInstance, services: Services): void {
  app.get<{ Params: IdParams }>('/api/v1/events/:id', { schema: { params: IdParams }, config: { operation } }, async (request, reply) => {
    const event = await getEvent(services.db, request.actor, request.params.id);
    return sendStored(reply, jsonResponse(200, serializeEvent(event, request.apiVersion)));
  });
}
