import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expireDuePayments } from '../../src/domain/expiry';
import { startWorker } from '../../src/worker/runner';
import { startHarness, testCard, type Harness, type TestMerchant } from '../helpers/harness';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const DAY_MS = 86400_000;

async function authorize(m: TestMerchant, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const res = await h.request({
      method: 'POST',
      url: '/api/v1/payments',
      key: m.secretKey,
      json: { amount: 100, currency: 'JPY', capture: false, payment_details: testCard() },
    });
    ids.push(res.body.id);
  }
  return ids;
}

async function expiredEvents(m: TestMerchant) {
  const res = await h.request({ url: '/api/v1/events?type=payment.expired&per_page=100', key: m.secretKey });
  return res.body.data as { data: { id: string } }[];
}

describe('expiry sweeps', () => {
  it('expire each due payment exactly once when two sweeps run at the same time', async () => {
    const m = await h.merchant();
    const ids = await authorize(m, 30);
    h.clock.advance(9 * DAY_MS);
    try {
      const counts = await Promise.all([expireDuePayments(h.services.db, h.clock), expireDuePayments(h.services.db, h.clock)]);
      expect(counts[0] + counts[1]).toBeGreaterThanOrEqual(30);
      const events = await expiredEvents(m);
      expect(events.map((e) => e.data.id).sort()).toEqual([...ids].sort());
    } finally {
      h.clock.advance(-9 * DAY_MS);
    }
  });

  it('leave payments before their deadline alone', async () => {
    const m = await h.merchant();
    const [id] = await authorize(m, 1);
    await expireDuePayments(h.services.db, h.clock, m.id);
    expect((await h.request({ url: `/api/v1/payments/${id}`, key: m.secretKey })).body.status).toBe('authorized');
  });

  it('run on a timer in the worker, without anyone moving the clock', async () => {
    const m = await h.merchant();
    const [id] = await authorize(m, 1);
    h.clock.advance(9 * DAY_MS);
    const errors: unknown[] = [];
    const worker = startWorker(h.services, { info: () => {}, error: (details) => errors.push(details) }, [
      { name: 'expire-payments', everyMs: 50, run: (s) => expireDuePayments(s.db, s.clock, m.id) },
    ]);
    try {
      await expect
        .poll(async () => (await h.request({ url: `/api/v1/payments/${id}`, key: m.secretKey })).body.status, { timeout: 5000 })
        .toBe('expired');
    } finally {
      await worker.stop();
      h.clock.advance(-9 * DAY_MS);
    }
    expect(errors).toEqual([]);
  });
});
