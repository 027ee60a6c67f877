import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, startTestWebhookWorker, usingPostgres, type Harness } from '../helpers/harness';
import { paymentApi } from '../helpers/payment-api';
import { startReceiver, type Receiver } from '../helpers/receiver';

/**
 * Several clients moving one merchant's test clock at once, while its webhook deliveries are
 * pending and being retried: every advance answers 200 (on PostgreSQL they used to deadlock,
 * each advance updating the merchant's pending deliveries in its own order), the offsets add up,
 * and every payment past its deadline expires exactly once.
 */
let h: Harness;
let worker: Awaited<ReturnType<typeof startTestWebhookWorker>>;
let receiver: Receiver;

beforeAll(async () => {
  h = await startHarness();
  worker = await startTestWebhookWorker(h);
  receiver = await startReceiver();
  // Every delivery fails, so deliveries stay pending (and are retried as the clock moves).
  receiver.respond = (_request, response) => {
    response.statusCode = 500;
    response.end('down');
  };
});
afterAll(async () => {
  await worker.stop();
  await receiver.close();
  await h.close();
  expect(worker.errors).toEqual([]);
});

const HOUR = 3600;
const CLIENTS = 10;
// PGlite runs one statement at a time (nothing to deadlock): fewer rounds check the behaviour.
const ROUNDS = usingPostgres ? 25 : 4;
const STEP = usingPostgres ? HOUR : 4 * HOUR;

describe('concurrent test clock advances', () => {
  it('all answer 200, add up, and expire each payment once', { timeout: 90_000 }, async () => {
    const m = await h.merchant();
    const api = paymentApi(h, m.secretKey);
    for (let i = 0; i < 3; i++) expect((await api.post('/api/v1/webhooks', { url: `${receiver.url}/${i}` })).status).toBe(200);
    const payments: any[] = [];
    for (let i = 0; i < 12; i++) {
      // Deadlines spread over the days the advances cover, and one well past them.
      const res = await api.post('/api/v1/payments', {
        amount: 1000 + i,
        currency: 'JPY',
        payment_details: { type: 'konbini', store: 'lawson', email: 'taro@example.com', expiry_days: [1, 2, 3, 30][i % 4] },
      });
      expect(res.status, res.text).toBe(200);
      payments.push(res.body);
    }
    // Retries that fall due as the clock moves keep deliveries changing under the advances.
    for (let i = 0; i < 100; i++) await api.create();

    let advanced = 0;
    let expiredCount = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const results = await Promise.all(
        Array.from({ length: CLIENTS }, () => api.post('/api/v1/test_helpers/clock/advance', { seconds: STEP })),
      );
      for (const res of results) {
        expect(res.status, res.text).toBe(200);
        expiredCount += res.body.expired_payments;
      }
      advanced += CLIENTS * STEP;
    }
    const clock = await api.get('/api/v1/test_helpers/clock');
    expect(clock.body.offset_seconds).toBe(advanced);

    const now = Date.parse(clock.body.now);
    const due = payments.filter((p) => Date.parse(p.payment_deadline) < now);
    expect(due.length).toBe(9);
    expect(expiredCount).toBe(due.length);
    for (const p of payments) {
      const status = (await api.get(`/api/v1/payments/${p.id}`)).body.status;
      expect(status).toBe(due.includes(p) ? 'expired' : 'authorized');
      const expired = (await api.eventTypes(p.id)).filter((type) => type === 'payment.expired');
      expect(expired).toHaveLength(due.includes(p) ? 1 : 0);
    }
  });
});
