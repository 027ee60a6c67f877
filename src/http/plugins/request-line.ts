import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';

/**
 * The kind of key a request was authenticated with, for the log: `sk_test`, `pk_live` …, or
 * `none` (no key, a page, a refused key). Never the key itself.
 */
export function keyKindOf(request: FastifyRequest): string {
  const actor = request.actor;
  if (!actor) return 'none';
  return `${request.keyKind === 'publishable' ? 'pk' : 'sk'}_${actor.merchant.mode}`;
}

/**
 * One log line per request, when its answer has been sent: Fastify's default logs two ("incoming
 * request", then "request completed"), which doubles the log's cost on the hot path and splits
 * what a reader wants on one line. The line keeps the default's fields (`req`, `res`,
 * `responseTime`, `reqId`) and adds `keyKind`:
 *
 *   {"level":30,"reqId":"…","req":{"method":"POST","url":"/api/v1/payments",…},"res":{"statusCode":200},
 *    "responseTime":3.2,"keyKind":"sk_test","msg":"request completed"}
 *
 * It is written by the app's logger with `reqId` as a field rather than by the request's child
 * logger: that child is made lazily (lib/log.ts lazyChildLogger), and this line alone would
 * otherwise make one for every request. A request whose client left before any answer has no
 * line here (no 'finish'); the merchant's request log (request-log.ts) records it as 499.
 */
export class RequestLineLogController extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const line = { reqId: request.id, req: request, res: reply, responseTime: reply.elapsedTime, keyKind: keyKindOf(request) };
    if (error) request.server.log.error({ ...line, err: error }, 'request errored');
    else request.server.log.info(line, 'request completed');
  }
}
