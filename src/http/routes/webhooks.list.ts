import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Services } from '../../domain/context';
import { listEndpoints } from '../../domain/webhooks';
import type { Operation } from '../openapi/operation';
import { jsonResponse, sendStored } from '../reply';
import { Pagination } from '../schemas';
import { serializeList } from '../../wire/list';
import { serializeEndpoint } from '../../wire/webhook';

const Query = Type.Object({ page: Pagination.page, per_page: Pagination.per_page });

const operation: Operation = { summary: 'List webhook endpoints', description: 'Oldest first.', tag: 'Webhooks', responses: { 200: 'WebhookList' } };

/** GET /api/v1/webhooks — this merchant's endpoints, oldest first. */
export default function route(app: FastifyInstance, services: Services): void {
  app.get<{ Querystring: Static<typeof Query> }>('/api/v1/webhooks', { schema: { querystring: Query }, config: { operation } }, async (request, reply) => {
    const { page, per_page } = request.query;
    const { rows, total } = await listEndpoints(services.db, request.actor, page, per_page);
    return sendStored(reply, jsonResponse(200, serializeList(rows, total, page, per_page, serializeEndpoint)));
  });
}
