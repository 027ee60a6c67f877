import type { FastifyInstance } from 'fastify';
import type { Services } from '../../domain/context';
import { getSubscription } from '../../domain/subscriptions';
import type { Operation } from '../openapi/operation';
import { jsonResponse, sendStored } from '../reply';
import { IdParams } from '../schemas';
import { serializeSubscription } from '../../wire/subscription';

const operation: Operation = { summary: 'Retrieve a subscription', description: 'With its customer and scrubbed card details.', tag: 'Subscriptions', responses: { 200: 'Subscription' } };

/** GET /api/v1/subscriptions/:id */
export default function route(app: FastifyInstance, services: Services): void {
  app.get<{ Params: IdParams }>('/api/v1/subscriptions/:id', { schema: { params: IdParams }, config: { operation } }, async (request, reply) => {
    const subscription = await getSubscription(services.db, request.actor, request.params.id);
    return sendStored(reply, jsonResponse(200, serializeSubscription(subscription)));
  });
}
