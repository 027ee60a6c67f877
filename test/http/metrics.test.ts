import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app';
import { startHarness, startTestWebhookWorker, testCard, type Harness } from '../helpers/harness';
import { startReceiver } from '../helpers/receiver';

// GET /metrics in Prometheus' text format: the figures move with the requests, payments and
// webhook deliveries made here. Counters are per process (and so shared by the apps this file
// builds): the tests compare before and after.
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

async function scrape(app = h.app, authorization?: string): Promise<Map<string, number>> {
  const res = await app.inject({ method: 'GET', url: '/metrics', headers: authorization ? { authorization } : {} });
  expect(res.statusCode, res.body).toBe(200);
  expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  const series = new Map<string, number>();
  for (const line of res.body.split('\n')) {
    const match = /^([a-z_]+(?:\{[^}]*\})?) (\S+)$/.exec(line);
    if (match) series.set(match[1], Number(match[2]));
  }
  return series;
}

const value = (series: Map<string, number>, name: string) => series.get(name) ?? 0;

describe('GET /metrics', () => {
  it('counts and times requests by route pattern and status, and payments by type and outcome', async () => {
    const m = await h.merchant();
    const before = await scrape();
    const pay = (number: string) => h.request({ method: 'POST', url: '/api/v1/payments', key: m.secretKey, json: { amount: 1000, currency: 'JPY', payment_details: testCard({ number }) } });
    expect((await pay('4111111111111111')).status).toBe(200);
    const declined = await pay('4123111111111059');
    expect(declined.body.error?.code, declined.text).toBe('card_declined');
    expect((await h.request({ method: 'GET', url: '/api/v1/payments/nothing-here', key: m.secretKey })).status).toBe(404);
    const after = await scrape();

    const requests = 'kessai_http_requests_total{route="/api/v1/payments",method="POST",status="200"}';
    expect(value(after, requests) - value(before, requests)).toBe(1);
    const missing = 'kessai_http_requests_total{route="/api/v1/payments/:id",method="GET",status="404"}';
    expect(value(after, missing) - value(before, missing)).toBe(1);
    const timed = 'kessai_http_request_duration_seconds_count{route="/api/v1/payments",method="POST",status="200"}';
    expect(value(after, timed) - value(before, timed)).toBe(1);
    const captured = 'kessai_payments_total{type="credit_card",change="created",status="captured",code=""}';
    expect(value(after, captured) - value(before, captured)).toBe(1);
    const failed = 'kessai_payments_total{type="credit_card",change="created",status="failed",code="card_declined"}';
    expect(value(after, failed) - value(before, failed)).toBe(1);
    // Node's own, event loop lag among them.
    expect(after.has('nodejs_eventloop_lag_seconds')).toBe(true);
    // No series per payment id.
    expect([...after.keys()].some((name) => name.includes(m.id))).toBe(false);
  });

  it('shows the webhook backlog, and counts attempts by endpoint and result', async () => {
    const m = await h.merchant();
    const receiver = await startReceiver();
    let answer = 500;
    receiver.respond = (_request, response) => {
      response.statusCode = answer;
      response.end();
    };
    try {
      const endpoint = await h.request({ method: 'POST', url: '/api/v1/webhooks', key: m.secretKey, json: { url: receiver.url, events: ['payment.captured'] } });
      expect(endpoint.status).toBe(200);
      for (let i = 0; i < 3; i++) await h.request({ method: 'POST', url: '/api/v1/payments', key: m.secretKey, json: { amount: 1000, currency: 'JPY', payment_details: testCard() } });
      // No worker yet: the ping and three captures wait.
      const waiting = await scrape();
      expect(value(waiting, 'kessai_webhook_queue_depth')).toBeGreaterThanOrEqual(4);
      expect(value(waiting, 'kessai_webhook_oldest_undelivered_seconds')).toBeGreaterThanOrEqual(0);

      const id = endpoint.body.id;
      const failed = `kessai_webhook_attempts_total{endpoint="${id}",result="failed"}`;
      const delivered = `kessai_webhook_attempts_total{endpoint="${id}",result="delivered"}`;
      const worker = await startTestWebhookWorker(h);
      try {
        await expect.poll(async () => value(await scrape(), failed), { timeout: 10_000 }).toBeGreaterThanOrEqual(4);
        answer = 200;
        // Retries follow the schedule: move the merchant's test clock past the first ones.
        await h.request({ method: 'POST', url: '/api/v1/test_helpers/clock/advance', key: m.secretKey, json: { seconds: 3600 } });
        await expect.poll(async () => value(await scrape(), delivered), { timeout: 10_000 }).toBeGreaterThanOrEqual(4);
      } finally {
        await worker.stop();
      }
    } finally {
      await receiver.close();
    }
  });

  it.runIf(process.env.DATABASE_URL)('shows the PostgreSQL pool (PostgreSQL only)', async () => {
    const series = await scrape();
    expect(value(series, 'kessai_db_pool_connections{state="total"}')).toBeGreaterThan(0);
    expect(series.has('kessai_db_pool_connections{state="waiting"}')).toBe(true);
  });

  it('asks for KESSAI_METRICS_TOKEN when one is set', async () => {
    const app = await buildApp(h.services, { metricsToken: 'scrape-me' });
    try {
      const refused = await app.inject({ method: 'GET', url: '/metrics' });
      expect(refused.statusCode).toBe(401);
      expect(refused.body).not.toContain('kessai_http_requests_total');
      expect((await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: 'Bearer scrape-mE' } })).statusCode).toBe(401);
      expect((await scrape(app, 'Bearer scrape-me')).has('kessai_http_requests_total{route="/metrics",method="GET",status="401"}')).toBe(true);
    } finally {
      await app.close();
    }
  });

  it('is off (404) without a token once the server has a live merchant', async () => {
    const own = await startHarness();
    try {
      expect((await own.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(200);
      await own.merchant({ mode: 'live' });
      const off = await own.app.inject({ method: 'GET', url: '/metrics' });
      expect(off.statusCode).toBe(404);
      expect(off.body).toContain('KESSAI_METRICS_TOKEN');
    } finally {
      await own.close();
    }
  });
});
