import { once } from 'node:events';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { sql } from 'kysely';
import type { Services } from '../domain/context';

/** How long /ready waits for each dependency before calling it down. */
export const READY_TIMEOUT_MS = 1000;

type Check = { status: 'up'; ms: number } | { status: 'down'; ms: number; error: string };

/**
 * The probes a load balancer or orchestrator asks:
 * - GET /health — liveness: the process answers. Touches nothing, so a database outage never
 *   gets a healthy process restarted.
 * - GET /ready — readiness: the database answers `SELECT 1` within READY_TIMEOUT_MS (200), or not
 *   (503, so the balancer takes the process out until it is back). Redis, where configured, is
 *   checked and reported, but down it leaves the process ready: the rate limiter then lets
 *   requests through uncounted (http/plugins/rate-limit.ts), and taking every process out of the
 *   balancer because of the limiter would stop payments that can be taken.
 */
export function registerProbes(app: FastifyInstance, services: Services, redis: Redis | null): void {
  app.get(
    '/health',
    { config: { access: 'public', operation: { summary: 'Check liveness', tag: 'Meta', responses: { 200: 'Health' } } } },
    async () => ({ status: 'ok' }),
  );
  app.get('/ready', { config: { access: 'public' } }, async (_request, reply) => {
    const [database, cache] = await Promise.all([
      timed(() => sql`SELECT 1`.execute(services.db)),
      redis ? timed(() => pingRedis(redis)) : Promise.resolve(null),
    ]);
    const checks = { database, ...(cache ? { redis: cache } : {}) };
    const ready = database.status === 'up';
    return reply.code(ready ? 200 : 503).header('cache-control', 'no-store').send({ status: ready ? 'ready' : 'unavailable', checks });
  });
}

/**
 * PING; a client still (re)connecting is waited for first, as it fails commands at once (no
 * offline queue): the listener goes when the wait gives up, so an outage leaves none behind.
 */
async function pingRedis(redis: Redis): Promise<void> {
  if (redis.status !== 'ready') await once(redis, 'ready', { signal: AbortSignal.timeout(READY_TIMEOUT_MS) });
  await redis.ping();
}

/** Runs `probe`, giving up after READY_TIMEOUT_MS. */
async function timed(probe: () => Promise<unknown>): Promise<Check> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${READY_TIMEOUT_MS} ms`)), READY_TIMEOUT_MS);
  });
  try {
    await Promise.race([probe(), timeout]);
    return { status: 'up', ms: Math.round(performance.now() - started) };
  } catch (err) {
    // The probe is public: say what kind of failure (a timeout, ECONNREFUSED …), never the server's message (addresses, user names).
    return { status: 'down', ms: Math.round(performance.now() - started), error: failureKind(err) };
  } finally {
    clearTimeout(timer);
  }
}

function failureKind(err: unknown): string {
  if (err instanceof Error && err.message.startsWith('no answer within')) return err.message;
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' && /^[A-Z0-9_]{2,40}$/.test(code) ? code : 'failed';
}
