import type { FastifyInstance } from 'fastify';
import { runCommand } from '../../domain/commands';
import type { Services } from '../../domain/context';
import { deleteEndpoint } from '../../domain/webhooks';
import type { Operation } from '../openapi/operation';
import { jsonResponse, sendStored } from '../reply';
import { IdParams } from '../schemas';
import { serializeEndpoint } from '../../wire/webhook';

const operation: Operation = {
  summary: 'Delete a webhook endpoint',
  description: 'With its delivery history; answers it as it was, with `deleted: true`.',
  tag: 'Webhooks',
  responses: { 200: 'DeletedWebhook' },
};

/** DELETE /api/v1/webhooks/:id — the endpoint as it was, with `deleted: true`; its deliveries go too. */
export default function route(app: FastifyInstance, services: Services): void {
  app.delete<{ Params: IdParams }>('/api/v1/webhooks/:id', { schema: { params: IdParams }, config: { operation } }, async (request, reply) => {
    const response = await runCommand(
      services.db,
      request.actor,
      null,
      (trx) => deleteEndpoint(trx, request.actor, request.params.id),
      (endpoint) => jsonResponse(200, { ...serializeEndpoint(endpoint), deleted: true }),
    );
    return sendStored(reply, response);
  });
}
