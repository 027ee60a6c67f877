import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../domain/context';
import { requestLogWriter } from '../../domain/request-log';
import { IDEMPOTENCY_HEADER } from './idempotency';

/** nginx's status for a request whose client closed the connection before any answer was sent. */
export const CLIENT_CLOSED_REQUEST = 499;

/**
 * Records every authenticated `/api/v1/*` request in the merchant's request log (the dashboard's
 * Developers → Requests) once it ends: when its answer has been sent, or, when the client closed
 * the connection first (onResponse never runs then), at that moment with status 499, so that a
 * merchant debugging a timed-out client sees the request it gave up on (the server still finishes
 * the command; a retry with the same idempotency key replays its result). The writer batches
 * entries (see requestLogWriter), so the API never waits for the log; what is waiting is written
 * when the app closes. Nothing of the body or the headers is kept but the idempotency key. A
 * request without a merchant (401, preflights) is not logged: there is no merchant to show it to.
 */
export function registerRequestLog(app: FastifyInstance, services: Services): void {
  const requestLog = requestLogWriter(services.db, app.log);
  const recorded = new WeakSet<FastifyRequest>();
  const record = (request: FastifyRequest, reply: FastifyReply, status: number) => {
    const actor = request.actor;
    if (!actor || !request.url.startsWith('/api/v1/') || recorded.has(request)) return;
    recorded.add(request);
    const header = request.headers[IDEMPOTENCY_HEADER];
    const key = Array.isArray(header) ? header[0] : header;
    requestLog.record({
      merchant_id: actor.merchant.id,
      method: request.method,
      path: request.url.slice(0, 2000),
      status_code: status,
      latency_ms: Math.round(reply.elapsedTime),
      idempotency_key: key ? key.slice(0, 100) : null,
      request_id: String(request.id),
      created_at: actor.clock.now(),
    });
  };
  app.addHook('onRequest', async (request, reply) => {
    if (!request.url.startsWith('/api/v1/')) return;
    // Gone already (while authentication or rate limiting waited): 'close' will not come again.
    if (reply.raw.destroyed) return record(request, reply, CLIENT_CLOSED_REQUEST);
    // 'close' comes after onResponse's 'finish' for an answered request, and alone for one whose
    // client left first. An event stream, which only ends that way, had its status sent.
    reply.raw.once('close', () => {
      if (!reply.raw.writableFinished) record(request, reply, reply.raw.headersSent ? reply.statusCode : CLIENT_CLOSED_REQUEST);
    });
  });
  app.addHook('onResponse', async (request, reply) => record(request, reply, reply.statusCode));
  app.addHook('onClose', async () => {
    await requestLog.flush();
  });
}
