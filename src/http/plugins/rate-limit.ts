import rateLimit from '@fastify/rate-limit';
import type { FastifyBaseLogger, FastifyInstance, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import { ApiError } from '../../kernel/errors';

/** Requests per second allowed per API key, by the merchant's mode; 0 means no limit. */
export interface RateLimits {
  live: number;
  test: number;
}

/**
 * Per-key rate limits on the API (@fastify/rate-limit), counted per merchant and key kind in
 * windows of one second: in the Redis at `redisUrl` when given, shared by every process behind a balancer,
 * else in this process (N processes then allow up to N times the limit). While Redis cannot be
 * reached, requests go through uncounted rather than failing: the payment API stays up without
 * its limiter. Beyond the limit the API answers 429 `too_many_requests` with `Retry-After`;
 * every response to a limited key carries `X-RateLimit-Limit`, `-Remaining` and `-Reset`. Runs
 * after authentication (which identifies the key) and before the body is parsed, so a limited
 * request costs little. Public routes and unlimited modes are not counted.
 *
 * Must be registered before any route. Answers the Redis client, for /ready to check.
 */
export async function registerRateLimit(app: FastifyInstance, limits: RateLimits, redisUrl: string | null = null): Promise<Redis | null> {
  if (limits.live === 0 && limits.test === 0) return null;
  const redis = redisUrl ? await rateLimitRedis(redisUrl, app.log) : null;
  if (redis) app.addHook('onClose', async () => redis.disconnect());
  const limitOf = (request: FastifyRequest) => (request.actor ? limits[request.actor.merchant.mode === 'live' ? 'live' : 'test'] : 0);
  await app.register(rateLimit, {
    hook: 'preParsing',
    ...(redis ? { redis, nameSpace: 'kessai-rate-limit:', skipOnError: true } : {}),
    timeWindow: 1000,
    max: (request) => limitOf(request),
    allowList: (request) => limitOf(request) === 0,
    // Asked before allowList, so also for public routes, where no key identifies the caller.
    keyGenerator: (request) => (request.actor ? `${request.actor.merchant.id}:${request.keyKind}` : ''),
    errorResponseBuilder: (_request, context) =>
      new ApiError('too_many_requests', { message: `Too many requests: this key may make ${context.max} per second. Retry after ${context.after}.` }),
  });
  return redis;
}

/**
 * A Redis client for the limiter's counts: a command fails at once while disconnected (no
 * offline queue, one retry) instead of holding the request, and the limiter then lets it through.
 * Connection errors are logged once per outage, not once per reconnection attempt.
 */
async function rateLimitRedis(url: string, log: FastifyBaseLogger): Promise<Redis> {
  // Loaded only when a Redis is configured: it is a quarter of a second of every start otherwise.
  const { Redis } = await import('ioredis');
  const redis = new Redis(url, { connectTimeout: 500, maxRetriesPerRequest: 1, enableOfflineQueue: false });
  let reachable = true;
  redis.on('error', (err) => {
    if (reachable) log.warn({ err }, 'rate limits: Redis unreachable; counting nothing until it is back');
    reachable = false;
  });
  redis.on('ready', () => {
    if (!reachable) log.info('rate limits: Redis reachable again');
    reachable = true;
  });
  return redis;
}
