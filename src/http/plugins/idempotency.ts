import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { IdempotencyKey } from '../../domain/commands';
import { ApiError } from '../../domain/errors';
import { canonicalText } from '../../lib/canonical';
import type { Vault } from '../../vault/vault';

declare module 'fastify' {
  interface FastifyRequest {
    idempotency: IdempotencyKey | null;
  }
}

export const IDEMPOTENCY_HEADER = 'x-komoju-idempotency';

/**
 * `X-KOMOJU-IDEMPOTENCY` on POST/PATCH: validates the key and fingerprints the request. Requests
 * with the same key in this process wait for nothing: while one is in flight the others get 409
 * (the advisory lock in runCommand does the same across processes).
 */
export function registerIdempotency(app: FastifyInstance, vault: Vault): void {
  const inFlight = new Set<string>();
  const inFlightSlot = new WeakMap<FastifyRequest, string>();
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
    const slot = `${request.actor?.merchant.id ?? 'public'}:${key}`;
    if (inFlight.has(slot)) throw new ApiError('conflict');
    inFlight.add(slot);
    // The request as the route reads it (route, parameters, query and the body after schema
    // coercion), not its bytes: the same JSON with its keys in another order, or sent as a form,
    // is the same request (see canonicalText for why scalars compare as strings).
    const route = request.routeOptions.url ?? request.url;
    const parsed = canonicalText({ params: request.params ?? null, query: request.query ?? null, body: request.body ?? null });
    request.idempotency = {
      key,
      // Keyed: bodies may hold card numbers, and a plain SHA-256 of one could be brute-forced.
      requestHash: vault.fingerprint(`${request.method} ${route}\n${parsed}`),
    };
    inFlightSlot.set(request, slot);
  });

  // onResponse runs once the reply is finished, whether the handler succeeded or threw.
  app.addHook('onResponse', async (request) => {
    const slot = inFlightSlot.get(request);
    if (slot) inFlight.delete(slot);
  });
}
