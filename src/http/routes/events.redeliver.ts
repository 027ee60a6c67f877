import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { runCommand } from '../../domain/commands';
import type { Services } from '../../domain/context';
import { redeliverEvent } from '../../domain/webhook-delivery';
import type { Operation } from '../openapi/operation';
import { jsonResponse, sendStored } from '../reply';
import { IdParams } from '../schemas';
import { serializeList } from '../../wire/list';
import { serializeDelivery } from '../../wire/webhook';

const Body = Type.Object({ webhook: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })) });

const operation: Operation = {
  summary: 'Redeliver an event',
  description: 'Sends the event again to every active endpoint that receives it (or only `webhook`); answers its deliveries.',
  tag: 'Webhooks',
  responses: { 200: 'WebhookDeliveryList' },
};

/**
 * POST /api/v1/events/:id/redeliver {webhook?} — queues the event again for every endpoint that
 * receives it (or only `webhook`); answers the event's deliveries.
 */
export default function route(app: FastifyInstance, services: Services): void {
  app.post<{ Params: IdParams; Body: Static<typeof Body> }>(
    '/api/v1/events/:id/redeliver',
    { schema: { params: IdParams, body: Body }, config: { operation } },
    async (request, reply) => {
      const response = await runCommand(
        services.db,
        request.actor,
        request.idempotency,
        (trx) => redeliverEvent(trx, request.actor, request.params.id, request.body.webhook ?? null),
        ({ rows, total }) => jsonResponse(200, serializeList(rows, total, 1, 100, serializeDelivery)),
      );
      return sendStored(reply, response);
    },
  );
}
