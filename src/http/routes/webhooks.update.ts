import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { runCommand } from '../../domain/commands';
import type { Services } from '../../domain/context';
import { updateEndpoint } from '../../domain/webhooks';
import type { Operation } from '../openapi/operation';
import { jsonResponse, sendStored } from '../reply';
import { IdParams } from '../schemas';
import { serializeEndpoint } from '../../wire/webhook';
import { EndpointFields } from './webhooks.create';

const Body = Type.Partial(Type.Object(EndpointFields));

const operation: Operation = {
  summary: 'Update a webhook endpoint',
  description: '`active: false` pauses its deliveries. `simulate` (test mode only, else 403) replaces its receiver faults; `{}` turns them off.',
  tag: 'Webhooks',
  responses: { 200: 'Webhook' },
};

/** PATCH /api/v1/webhooks/:id — url, secret_token, events, active (`false` pauses deliveries), simulate (test mode). */
export default function route(app: FastifyInstance, services: Services): void {
  app.patch<{ Params: IdParams; Body: Static<typeof Body> }>(
    '/api/v1/webhooks/:id',
    { schema: { params: IdParams, body: Body }, config: { operation } },
    async (request, reply) => {
      const response = await runCommand(
        services.db,
        request.actor,
        request.idempotency,
        (trx) => updateEndpoint(trx, services.webhooks, request.actor, request.params.id, request.body),
        (endpoint) => jsonResponse(200, serializeEndpoint(endpoint)),
      );
      return sendStored(reply, response);
    },
  );
}
