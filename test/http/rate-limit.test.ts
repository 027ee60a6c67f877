import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config';
import { startHarness, testCard, type Harness } from '../helpers/harness';

/**
 * Per-key rate limits (docs/decisions.md "Security baseline"): KESSAI_RATE_LIMIT for live-mode keys
 * (default 100/s), KESSAI_TEST_RATE_LIMIT for test-mode keys (default none). Windows are one
 * second of real time, counted from a key's first request; each test uses new merchants' keys.
 */
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ rateLimits: { live: 3, test: 2 } });
});
afterAll(() => h.close());

const nextWindow = () => new Promise((resolve) => setTimeout(resolve, 1100));

describe('rate limits per key', () => {
  it('answers 429 too_many_requests with Retry-After beyond the limit, and again within it a second later', async () => {
    const m = await h.merchant();
    const first = await h.request({ url: '/api/v1/payments', key: m.secretKey });
    expect(first.status).toBe(200);
    expect(first.headers['x-ratelimit-limit']).toBe('2');
    expect(first.headers['x-ratelimit-remaining']).toBe('1');
    expect((await h.request({ url: '/api/v1/payments', key: m.secretKey })).status).toBe(200);
    const limited = await h.request({ url: '/api/v1/payments', key: m.secretKey });
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({
      error: { code: 'too_many_requests', param: null, message: expect.stringContaining('2 per second') },
    });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    await nextWindow();
    expect((await h.request({ url: '/api/v1/payments', key: m.secretKey })).status).toBe(200);
  });

  it('counts each key on its own: the publishable key and other merchants are not held back', async () => {
    const [a, b] = [await h.merchant(), await h.merchant()];
    for (let i = 0; i < 2; i++) expect((await h.request({ url: '/api/v1/payments', key: a.secretKey })).status).toBe(200);
    expect((await h.request({ url: '/api/v1/payments', key: a.secretKey })).status).toBe(429);
    expect((await h.request({ url: '/api/v1/payment_methods', key: a.publishableKey })).status).toBe(200);
    expect((await h.request({ url: '/api/v1/payments', key: b.secretKey })).status).toBe(200);
  });

  it('gives live-mode keys their own limit', async () => {
    const live = await h.merchant({ mode: 'live' });
    for (let i = 0; i < 3; i++) expect((await h.request({ url: '/api/v1/payments', key: live.secretKey })).status).toBe(200);
    expect((await h.request({ url: '/api/v1/payments', key: live.secretKey })).status).toBe(429);
  });

  it('refuses a limited request before reading its body: nothing is written', async () => {
    const m = await h.merchant();
    for (let i = 0; i < 2; i++) expect((await h.request({ url: '/api/v1/payments', key: m.secretKey })).status).toBe(200);
    const create = await h.request({
      method: 'POST',
      url: '/api/v1/payments',
      key: m.secretKey,
      json: { amount: 1000, currency: 'JPY', payment_details: testCard() },
    });
    expect(create.status).toBe(429);
    const malformed = await h.request({ method: 'POST', url: '/api/v1/payments', key: m.secretKey, headers: { 'content-type': 'application/json' } });
    expect(malformed.status).toBe(429);
    const rows = await h.store.db.selectFrom('payments').select('id').where('merchant_id', '=', m.id).execute();
    expect(rows).toEqual([]);
  });

  it('leaves unauthenticated requests, public routes and pages alone (they carry no key)', async () => {
    for (let i = 0; i < 5; i++) {
      const unknown = await h.request({ url: '/api/v1/payments', key: 'sk_test_nobody' });
      expect(unknown.status).toBe(401);
      expect(unknown.headers['x-ratelimit-limit']).toBeUndefined();
      const health = await h.request({ url: '/health' });
      expect(health.status).toBe(200);
      expect(health.headers['x-ratelimit-limit']).toBeUndefined();
    }
  });
});

describe('rate limit settings', () => {
  it('limits live keys to 100 per second and test keys not at all by default', () => {
    expect(loadConfig({}).rateLimits).toEqual({ live: 100, test: 0 });
    expect(loadConfig({ KESSAI_RATE_LIMIT: '0', KESSAI_TEST_RATE_LIMIT: '25' }).rateLimits).toEqual({ live: 0, test: 25 });
    expect(() => loadConfig({ KESSAI_RATE_LIMIT: 'lots' })).toThrow(ConfigError);
    expect(() => loadConfig({ KESSAI_TEST_RATE_LIMIT: '-1' })).toThrow(ConfigError);
    expect(loadConfig({}).redisUrl).toBeNull();
    expect(loadConfig({ KESSAI_REDIS_URL: 'rediss://user:secret@cache.internal:6380/2' }).redisUrl).toBe('rediss://user:secret@cache.internal:6380/2');
    for (const wrong of ['cache.internal:6379', 'http://cache.internal', 'redis//x']) {
      expect(() => loadConfig({ KESSAI_REDIS_URL: wrong }), wrong).toThrow(ConfigError);
    }
    // The message never repeats the URL, which may carry a password.
    expect(() => loadConfig({ KESSAI_REDIS_URL: 'https://user:hunter2@cache.internal' })).toThrow(/https:\/\/ URL$/);
    expect(() => loadConfig({ KESSAI_REDIS_URL: 'https://user:hunter2@cache.internal' })).not.toThrow(/hunter2/);
  });

  it('sends no rate-limit headers where the mode has no limit', async () => {
    const unlimited = await startHarness({ rateLimits: { live: 5, test: 0 } });
    try {
      const m = await unlimited.merchant();
      for (let i = 0; i < 8; i++) {
        const res = await unlimited.request({ url: '/api/v1/payments', key: m.secretKey });
        expect(res.status).toBe(200);
        expect(res.headers['x-ratelimit-limit']).toBeUndefined();
      }
    } finally {
      await unlimited.close();
    }
  });
});
