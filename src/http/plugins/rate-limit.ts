import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError } from '../../domain/errors';

/** Requests per second allowed per API key, by the merchant's mode; 0 means no limit. */
export interface RateLimits {
  live: number;
  test: number;
}

/**
 * Per-key rate limits on the API (@fastify/rate-limit), counted per merchant and key kind in
 * windows of one second, in this process: N processes allow up to N times the limit. Beyond it
 * the API answers 429 `too_many_requests` with `Retry-After`; every response to a limited key
 * carries `X-RateLimit-Limit`, `-Remaining` and `-Reset`. Runs after authentication (which identifies the
 * key) and before the body is parsed, so a limited request costs little. Public routes and
 * unlimited modes are not counted.
 *
 * Must be registered before any route.
 */
export async function registerRateLimit(app: FastifyInstance, limits: RateLimits): Promise<void> {
  if (limits.live === 0 && limits.test === 0) return;
  const limitOf = (request: FastifyRequest) => (request.actor ? limits[request.actor.merchant.mode === 'live' ? 'live' : 'test'] : 0);
  await app.register(rateLimit, {
    hook: 'preParsing',
    timeWindow: 1000,
    max: (request) => limitOf(request),
    allowList: (request) => limitOf(request) === 0,
    // Asked before allowList, so also for public routes, where no key identifies the caller.
    keyGenerator: (request) => (request.actor ? `${request.actor.merchant.id}:${request.keyKind}` : ''),
    errorResponseBuilder: (_request, context) =>
      new ApiError('too_many_requests', { message: `Too many requests: this key may make ${context.max} per second. Retry after ${context.after}.` }),
  });
}
