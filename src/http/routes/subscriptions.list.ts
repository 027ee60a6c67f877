import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Services } from '../../domain/context';
import { listSubscriptions } from '../../domain/subscriptions';
import type { Operation } from '../openapi/operation';
import { jsonResponse, sendStored } from '../reply';
import { Pagination, parseWindow } from '../schemas';
import { serializeList } from '../../wire/list';
import { serializeSubscription } from '../../wire/subscription';

const Query = Type.Object({
  ...Pagination,
  status: Type.Optional(Type.Unsafe<string>({ type: 'string', enum: ['active', 'suspended', 'cancelled'], description: 'Only subscriptions in this status (a kessai extension).' })),
});

const operation: Operation = { summary: 'List subscriptions', description: 'Newest first; `start_time`/`end_time` filter on `created_at`.', tag: 'Subscriptions', responses: { 200: 'SubscriptionList' } };

/** GET /api/v1/subscriptions — newest first. */
export default function route(app: FastifyInstance, services: Services): void {
  app.get<{ Querystring: Static<typeof Query> }>('/api/v1/subscriptions', { schema: { querystring: Query }, config: { operation } }, async (request, reply) => {
    const query = request.query;
    const window = parseWindow(query);
    const { rows, total } = await listSubscriptions(services.db, request.actor, { ...query, ...window });
    return sendStored(reply, jsonResponse(200, serializeList(rows, total, query.page, query.per_page, serializeSubscription, window)));
  });
}
