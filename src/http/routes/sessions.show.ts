import type { FastifyInstance } from 'fastify';
import type { Services } from '../../domain/context';
import { getSession } from '../../domain/sessions';
import { jsonResponse, sendStored } from '../reply';
import { IdParams } from '../schemas';
import { serializeSession } from '../../wire/session';

/** GET /api/v1/sessions/:id — secret key, or the publishable key for the browser (docs/decisions.md #2). */
export default function route(app: FastifyInstance, services: Services): void {
  app.get<{ Params: IdParams }>(
    '/api/v1/sessions/:id',
    { schema: { params: IdParams }, config: { access: 'publishable' } },
    async (request, reply) => {
      const view = await getSession(services.db, request.actor, request.params.id);
      return sendStored(reply, jsonResponse(200, serializeSession(services, view, request.apiVersion, request.actor.clock.now())));
    },
  );
}
