import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError } from '../../kernel/errors';
// For the FastifyReply.idempotentReplay it declares (set by sendStored).
import '../reply';

/** `slow:<ms>` holds an answer this long at most. */
export const MAX_SLOW_MS = 30_000;

/** What a transport fault does to one request (docs/testing.md "API faults"). */
export type ApiFault =
  | { kind: 'timeout_after_commit' }
  | { kind: 'server_error' }
  | { kind: 'unavailable' }
  | { kind: 'rate_limited' }
  | { kind: 'slow'; ms: number };

declare module 'fastify' {
  interface FastifyRequest {
    /** The fault `Komoju-Scenario` asked for, test mode; null for none (or a decline code). */
    fault: ApiFault | null;
  }
}

const SIMPLE = new Set(['timeout_after_commit', 'server_error', 'unavailable', 'rate_limited']);

/**
 * The fault a `Komoju-Scenario` value names; null when it names none (a decline code, which the
 * payment routes read). `slow:` with anything but 0…MAX_SLOW_MS is refused.
 *
 *   parseFault('slow:1500'); // { kind: 'slow', ms: 1500 }
 *   parseFault('insufficient_funds'); // null
 */
export function parseFault(value: string): ApiFault | null {
  if (SIMPLE.has(value)) return { kind: value } as ApiFault;
  if (!value.startsWith('slow:')) return null;
  const ms = /^\d{1,5}$/.test(value.slice(5)) ? Number(value.slice(5)) : NaN;
  if (!(ms <= MAX_SLOW_MS)) {
    throw new ApiError('bad_request', { param: 'Komoju-Scenario', message: `Komoju-Scenario slow:<ms> takes 0 to ${MAX_SLOW_MS} milliseconds, not ${value.slice(5)}` });
  }
  return { kind: 'slow', ms };
}

/**
 * API faults by request header, test mode: `Komoju-Scenario: timeout_after_commit | server_error
 * | unavailable | rate_limited | slow:<ms>` on any authenticated API request, so a merchant can
 * prove its client survives what only production networks do.
 *
 * The header is read right after authentication, before the body is parsed: the three refusals
 * (500, 503, 429) answer there, so nothing is read or written. A fault value is then removed from
 * the request's headers: it is no decline code, so no session or customer keeps it and it is no
 * part of the idempotency fingerprint (a retry without it replays the same key's answer).
 * `timeout_after_commit` lets the request run to its commit (the idempotency record included)
 * and destroys the connection instead of answering; a replay of a committed key is answered, so
 * the retry gets through, and so is a refused request (4xx, 5xx: nothing was committed). `slow` holds the answer, after the work, for its milliseconds.
 *
 * Live merchants get 400 for a fault value, as for any Komoju-Scenario. Register after auth.
 */
export function registerFaults(app: FastifyInstance): void {
  app.decorateRequest('fault', null);

  app.addHook('onRequest', async (request: FastifyRequest, reply) => {
    const header = request.headers['komoju-scenario'];
    const value = Array.isArray(header) ? header[0] : header;
    if (value === undefined || !request.actor) return;
    const fault = parseFault(value);
    if (!fault) return;
    if (request.actor.merchant.mode !== 'test') {
      throw new ApiError('bad_request', { param: 'Komoju-Scenario', message: 'Komoju-Scenario works in test mode only' });
    }
    delete request.headers['komoju-scenario'];
    if (fault.kind === 'server_error') throw new ApiError('internal_server_error');
    // sendError adds `Retry-After: 1` to every 503.
    if (fault.kind === 'unavailable') throw new ApiError('service_unavailable');
    if (fault.kind === 'rate_limited') {
      reply.header('Retry-After', '1');
      throw new ApiError('too_many_requests');
    }
    request.fault = fault;
  });

  app.decorateReply('idempotentReplay', false);

  app.addHook('onSend', async (request, reply, payload) => {
    const fault = request.fault;
    // Every request passes here: without a fault, nothing to wait for.
    if (fault === null) return payload;
    if (fault.kind === 'slow') await new Promise((resolve) => setTimeout(resolve, fault.ms));
    // A refusal (4xx, 5xx) committed nothing: it is answered, as without the fault.
    if (fault.kind === 'timeout_after_commit' && !reply.idempotentReplay && reply.statusCode < 400) {
      // The work is done and committed (onSend runs after the handler); the answer is lost.
      // Writes to the destroyed socket are dropped; the request log records a 499.
      request.raw.socket.destroy();
    }
    return payload;
  });
}
