import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Services } from '../../domain/context';
import { listEvents } from '../../domain/event-log';
import type { Operation } from '../openapi/operation';
import { jsonResponse, sendStored } from '../reply';
import { Pagination, parseWindow } from '../schemas';
import { serializeEvent } from '../../wire/event';
import { serializeList } from '../../wire/list';

const Query = Type.Object({
  ...Pagination,
  type: Type.Optional(Type.String({ maxLength: 64 })),
  resource_id: Type.Optional(Type.String({ maxLength: 64 })),
});

const operation: Operation = { summary: 'List events', description: 'Newest first.', tag: 'Events', responses: { 200: 'EventList' } };

/** GET /api/v1/events — newest first. */
export default function route(app: FastifyInstance, services: Services): void {
  app.get<{ Querystring: Static<typeof Query> }>('/api/v1/events', { schema: { querystring: Query }, config: { operation } }, async (request, reply) => {
    const query = request.query;
    const { rows, total } = await listEvents(services.db, request.actor, { ...query, ...parseWindow(query) });
    const body = serializeList(rows, total, query.page, query.per_page, (e) => serializeEvent(e, request.apiVersion), parseWindow(query));
    return sendStored(reply, jsonResponse(200, body));
  });
}
