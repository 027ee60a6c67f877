import type { FastifyInstance, FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify';
import type { IdempotencyKey } from '../../domain/commands';
import { ApiError } from '../../kernel/errors';
import { canonicalText } from '../../lib/canonical';
import type { Vault } from '../../vault/vault';

declare module 'fastify' {
  interface FastifyRequest {
    idempotency: IdempotencyKey | null;
  }
}

export const IDEMPOTENCY_HEADER = 'x-komoju-idempotency';

/**
 * `X-KOMOJU-IDEMPOTENCY` on POST/PATCH: validates the key and fingerprints the request.
 *
 * What makes a key execute once is the database, in every process alike: runCommand holds the
 * key's advisory lock for the command's transaction (another request meanwhile: 409) and commits
 * the stored response with the change (later requests: its replay). The set below only answers a
 * second request with the key in this process 409 at once, while the first one's handler runs,
 * instead of letting it queue for the database (on the embedded database, where transactions run
 * one at a time, it would wait and replay). It is taken and released around the handler, in a
 * `finally`: a client that leaves before the answer (so that onResponse never runs) cannot keep
 * the key locked, and a handler keeps running to its commit after its client has left.
 */
export function registerIdempotency(app: FastifyInstance, vault: Vault): void {
  const inFlight = new Set<string>();
  app.decorateRequest('idempotency', null);

  app.addHook('preHandler', async (request: FastifyRequest) => {
    if (request.method !== 'POST' && request.method !== 'PATCH') return;
    const header = request.headers[IDEMPOTENCY_HEADER];
    if (header === undefined) return;
    const key = Array.isArray(header) ? header[0] : header;
    if (key.length === 0 || key.length > 100 || !/^[\x20-\x7e]+$/.test(key)) {
      throw new ApiError('bad_request', {
        param: 'X-KOMOJU-IDEMPOTENCY',
        message: 'The idempotency key must be 1 to 100 printable ASCII characters.',
      });
    }
    // The request as the route reads it (route, parameters, query and the body after schema
    // coercion), not its bytes: the same JSON with its keys in another order, or sent as a form,
    // is the same request (see canonicalText for why scalars compare as strings).
    const route = request.routeOptions.url ?? request.url;
    // Komoju-Scenario changes what a request makes (a session or customer keeps it for its
    // payments), so a retry with another scenario is another request.
    const scenario = request.headers['komoju-scenario'] ?? null;
    const parsed = canonicalText({ params: request.params ?? null, query: request.query ?? null, body: request.body ?? null, scenario });
    request.idempotency = {
      key,
      // Keyed: bodies may hold card numbers, and a plain SHA-256 of one could be brute-forced.
      requestHash: vault.fingerprint(`${request.method} ${route}\n${parsed}`),
    };
  });

  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (!methods.some((m) => m === 'POST' || m === 'PATCH')) return;
    const handler = route.handler as (this: FastifyInstance, request: FastifyRequest, reply: FastifyReply) => unknown;
    route.handler = function (this: FastifyInstance, request: FastifyRequest, reply: FastifyReply) {
      if (!request.idempotency) return handler.call(this, request, reply);
      const slot = `${request.actor?.merchant.id ?? 'public'}:${request.idempotency.key}`;
      if (inFlight.has(slot)) throw new ApiError('conflict');
      inFlight.add(slot);
      let result: unknown;
      try {
        result = handler.call(this, request, reply);
      } catch (error) {
        inFlight.delete(slot);
        throw error;
      }
      return Promise.resolve(result).finally(() => inFlight.delete(slot));
    } as RouteHandlerMethod;
  });
}
