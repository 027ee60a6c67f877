import type { FastifyInstance } from 'fastify';
import type { Services } from '../../domain/context';
import { getSession, showSession } from '../../domain/sessions';
import type { Operation } from '../openapi/operation';
import { jsonResponse, sendStored } from '../reply';
import { IdParams } from '../schemas';
import { serializeSession } from '../../wire/session';

const operation: Operation = { summary: 'Retrieve a session', tag: 'Sessions', responses: { 200: 'Session' } };

/** GET /api/v1/sessions/:id — secret key, or the publishable key for the browser (docs/decisions.md #2). */
export default function route(app: FastifyInstance, services: Services): void {
  app.get<{ Params: IdParams }>(
    '/api/v1/sessions/:id',
    { schema: { params: IdParams }, config: { access: 'publishable', operation } },
    async (request, reply) => {
      const view = await getSession(services.db, request.actor, request.params.id);
      return sendStored(reply, jsonResponse(200, serializeSession(showSession(services, view, request.actor.clock.now(), request.actor.merchant.name), request.apiVersion)));
    },
  );
}
