import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app';
import { READY_TIMEOUT_MS } from '../../src/http/probes';
import { startHarness, type Harness } from '../helpers/harness';

// /health is liveness and touches nothing; /ready asks the database (and Redis where configured).
// Readiness flipping with a stopped PostgreSQL is in test/store/connection-loss.test.ts.
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

describe('GET /ready', () => {
  it('answers 200 with the database check when the database answers', async () => {
    const res = await h.request({ url: '/ready' });
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toMatchObject({ status: 'ready', checks: { database: { status: 'up' } } });
    expect(res.body.checks.redis).toBeUndefined();
  });

  it('answers 503 when the database does not answer within the timeout, and /health stays 200', async () => {
    // A database that never answers: every query waits forever.
    const hanging = { ...h.services, db: Object.create(h.services.db, { getExecutor: { value: () => hangingExecutor(h.services.db) } }) };
    const app = await buildApp(hanging);
    try {
      const started = Date.now();
      const res = await app.inject({ method: 'GET', url: '/ready' });
      expect(res.statusCode).toBe(503);
      expect(Date.now() - started).toBeGreaterThanOrEqual(READY_TIMEOUT_MS - 50);
      expect(res.json()).toMatchObject({ status: 'unavailable', checks: { database: { status: 'down', error: `no answer within ${READY_TIMEOUT_MS} ms` } } });
      expect((await app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('reports Redis where the rate limiter uses one; an unreachable Redis leaves the process ready', async () => {
    const withRedis = await buildApp(h.services, { rateLimits: { live: 10, test: 10 }, redisUrl: 'redis://127.0.0.1:6379' });
    const withoutRedis = await buildApp(h.services, { rateLimits: { live: 10, test: 10 }, redisUrl: 'redis://127.0.0.1:1' });
    try {
      const up = await withRedis.inject({ method: 'GET', url: '/ready' });
      expect(up.statusCode).toBe(200);
      expect(up.json().checks.redis).toMatchObject({ status: 'up' });
      const down = await withoutRedis.inject({ method: 'GET', url: '/ready' });
      expect(down.statusCode).toBe(200);
      expect(down.json()).toMatchObject({ status: 'ready', checks: { database: { status: 'up' }, redis: { status: 'down' } } });
    } finally {
      await withRedis.close();
      await withoutRedis.close();
    }
  });
});

/** The executor of `db`, but its queries never answer. */
function hangingExecutor(db: Harness['services']['db']) {
  const real = db.getExecutor();
  return {
    adapter: real.adapter,
    plugins: real.plugins,
    transformQuery: real.transformQuery.bind(real),
    compileQuery: real.compileQuery.bind(real),
    executeQuery: () => new Promise(() => {}),
  };
}
