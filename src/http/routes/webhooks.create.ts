import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { runCommand } from '../../domain/commands';
import type { Services } from '../../domain/context';
import { createEndpoint } from '../../domain/webhooks';
import { MAX_DELAY_SECONDS, MAX_WINDOW_SECONDS } from '../../domain/webhook-simulation';
import type { Operation } from '../openapi/operation';
import { jsonResponse, sendStored } from '../reply';
import { serializeEndpoint } from '../../wire/webhook';

/** The writable fields of an endpoint (PATCH takes the same, all optional). */
export const EndpointFields = {
  url: Type.String({ minLength: 1, maxLength: 2048 }),
  secret_token: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
  events: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 50 })),
  active: Type.Optional(Type.Boolean()),
  simulate: Type.Optional(
    Type.Object(
      {
        duplicate: Type.Optional(Type.Boolean()),
        out_of_order: Type.Optional(Type.Object({ window_seconds: Type.Integer({ minimum: 1, maximum: MAX_WINDOW_SECONDS }) })),
        delay_seconds: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_DELAY_SECONDS })),
        bad_signature: Type.Optional(Type.Boolean()),
        wrong_content_type: Type.Optional(Type.Boolean()),
      },
      { description: 'Test mode: simulated receiver faults (docs/webhooks.md); replaces the endpoint\'s, keys left out are off.' },
    ),
  ),
};

const Body = Type.Object(EndpointFields);

const operation: Operation = {
  summary: 'Create a webhook endpoint',
  description:
    'The secret is generated when absent; `events` empty means every type. The endpoint is sent a `ping`. `simulate` (test mode only, else 403) sets receiver faults.',
  tag: 'Webhooks',
  responses: { 200: 'Webhook' },
};

/**
 * POST /api/v1/webhooks {url, secret_token?, events?, active?} — registers an endpoint (secret
 * generated when absent, `events` empty = every type) and sends it a `ping`.
 */
export default function route(app: FastifyInstance, services: Services): void {
  app.post<{ Body: Static<typeof Body> }>('/api/v1/webhooks', { schema: { body: Body }, config: { operation } }, async (request, reply) => {
    const response = await runCommand(
      services.db,
      request.actor,
      request.idempotency,
      (trx) => createEndpoint(trx, services.webhooks, request.actor, request.body),
      (endpoint) => jsonResponse(200, serializeEndpoint(endpoint)),
    );
    return sendStored(reply, response);
  });
}
