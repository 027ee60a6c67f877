import type { FastifyInstance } from 'fastify';
import { runCommand } from '../../domain/commands';
import type { Services } from '../../domain/context';
import { cancelSession } from '../../domain/sessions';
import { jsonResponse, sendStored } from '../reply';
import { IdParams } from '../schemas';
import { serializeSession } from '../../wire/session';

/** POST /api/v1/sessions/:id/cancel — the merchant withdraws a pending session (docs/decisions.md #9). */
export default function route(app: FastifyInstance, services: Services): void {
  app.post<{ Params: IdParams }>('/api/v1/sessions/:id/cancel', { schema: { params: IdParams } }, async (request, reply) => {
    const response = await runCommand(
      services.db,
      request.actor,
      request.idempotency,
      (trx) => cancelSession(trx, request.actor, request.params.id),
      (view) => jsonResponse(200, serializeSession(services, view, request.apiVersion, request.actor.clock.now())),
    );
    return sendStored(reply, response);
  });
}
