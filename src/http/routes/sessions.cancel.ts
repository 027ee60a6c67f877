import type { FastifyInstance } from 'fastify';
import { runCommand } from '../../domain/commands';
import type { Services } from '../../domain/context';
import { cancelSession, showSession } from '../../domain/sessions';
import type { Operation } from '../openapi/operation';
import { jsonResponse, sendStored } from '../reply';
import { IdParams } from '../schemas';
import { serializeSession } from '../../wire/session';

const operation: Operation = { summary: 'Cancel a session', tag: 'Sessions', responses: { 200: 'Session' } };

/** POST /api/v1/sessions/:id/cancel — the merchant withdraws a pending session (docs/decisions.md #9). */
export default function route(app: FastifyInstance, services: Services): void {
  app.post<{ Params: IdParams }>('/api/v1/sessions/:id/cancel', { schema: { params: IdParams }, config: { operation } }, async (request, reply) => {
    const response = await runCommand(
      services.db,
      request.actor,
      request.idempotency,
      (trx) => cancelSession(trx, request.actor, request.params.id),
      (view) => jsonResponse(200, serializeSession(showSession(services, view, request.actor.clock.now(), request.actor.merchant.name), request.apiVersion)),
    );
    return sendStored(reply, response);
  });
}
