import type { FastifyInstance } from 'fastify';
import { runCommand } from '../../domain/commands';
import type { Services } from '../../domain/context';
import { deleteSubscription } from '../../domain/subscriptions';
import type { Operation } from '../openapi/operation';
import { jsonResponse, sendStored } from '../reply';
import { IdParams } from '../schemas';
import { serializeSubscription } from '../../wire/subscription';

const operation: Operation = {
  summary: 'Delete a subscription',
  description: 'Stops its charges for good: status `cancelled`, `ended_at` set, `subscription.deleted`. An already cancelled one is 422 `unprocessable_entity`.',
  tag: 'Subscriptions',
  responses: { 200: 'Subscription' },
};

/** DELETE /api/v1/subscriptions/:id */
export default function route(app: FastifyInstance, services: Services): void {
  app.delete<{ Params: IdParams }>('/api/v1/subscriptions/:id', { schema: { params: IdParams }, config: { operation } }, async (request, reply) => {
    const response = await runCommand(
      services.db,
      request.actor,
      request.idempotency,
      (trx) => deleteSubscription(trx, request.actor, request.params.id),
      (subscription) => jsonResponse(200, serializeSubscription(subscription)),
    );
    return sendStored(reply, response);
  });
}
