import type { FastifyInstance } from 'fastify';
import type { Services } from '../../domain/context';
import { requestLogWriter } from '../../domain/request-log';
import { IDEMPOTENCY_HEADER } from './idempotency';

/**
 * Records every authenticated `/api/v1/*` request in the merchant's request log (the dashboard's
 * Developers → Requests) once its answer has been sent. The writer batches entries (see
 * requestLogWriter), so the API never waits for the log; what is waiting is written when the app
 * closes. Nothing of the body or the headers is kept but the idempotency key. A request without a
 * merchant (401, preflights) is not logged: there is no merchant to show it to.
 */
export function registerRequestLog(app: FastifyInstance, services: Services): void {
  const requestLog = requestLogWriter(services.db, app.log);
  app.addHook('onResponse', async (request, reply) => {
    const actor = request.actor;
    if (!actor || !request.url.startsWith('/api/v1/')) return;
    const header = request.headers[IDEMPOTENCY_HEADER];
    const key = Array.isArray(header) ? header[0] : header;
    requestLog.record({
      merchant_id: actor.merchant.id,
      method: request.method,
      path: request.url.slice(0, 2000),
      status_code: reply.statusCode,
      latency_ms: Math.round(reply.elapsedTime),
      idempotency_key: key ? key.slice(0, 100) : null,
      request_id: String(request.id),
      created_at: actor.clock.now(),
    });
  });
  app.addHook('onClose', async () => {
    await requestLog.flush();
  });
}
