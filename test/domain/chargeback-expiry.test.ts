import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expireDueChargebacks } from '../../src/domain/chargeback-expiry';
import { JOBS } from '../../src/worker/runner';
import { startHarness, testCard, type Harness, type TestMerchant } from '../helpers/harness';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const DAY_MS = 86_400_000;

async function dispute(m: TestMerchant): Promise<string> {
  const payment = await h.request({ method: 'POST', url: '/api/v1/payments', key: m.secretKey, json: { amount: 1200, currency: 'JPY', payment_details: testCard() } });
  const opened = await h.request({ method: 'POST', url: `/api/v1/test_helpers/payments/${payment.body.id}/chargeback`, key: m.secretKey, json: {} });
  expect(opened.status, opened.text).toBe(201);
  return opened.body.id;
}

describe('the chargeback sweep', () => {
  it('is one of the jobs every worker process runs', () => {
    expect(JOBS.map((job) => job.name)).toContain('expire-chargebacks');
  });

  it('expires a dispute past its due date exactly once, however many sweeps run at the same time', async () => {
    const m = await h.merchant();
    const due = await dispute(m);
    const notDue = await dispute(m);
    // The later one is not yet due when the clock passes the first one's due date.
    await h.services.db.updateTable('chargebacks').set({ due_date: new Date(Date.now() + 30 * DAY_MS) }).where('id', '=', notDue).execute();
    expect(await expireDueChargebacks(h.services, m.id)).toBe(0);

    h.clock.advance(15 * DAY_MS);
    try {
      const counts = await Promise.all([1, 2, 3, 4].map(() => expireDueChargebacks(h.services, m.id)));
      expect(counts.reduce((a, b) => a + b, 0)).toBe(1);
    } finally {
      h.clock.advance(-15 * DAY_MS);
    }
    const rows = await h.services.db.selectFrom('chargebacks').select(['id', 'status', 'debited_at']).where('merchant_id', '=', m.id).orderBy('seq').execute();
    expect(rows.map((r) => [r.id, r.status])).toEqual([
      [due, 'expired'],
      [notDue, 'pending'],
    ]);
    expect(rows[0].debited_at).not.toBeNull();
    const events = await h.request({ url: '/api/v1/events?type=chargeback.expired', key: m.secretKey });
    expect(events.body.data).toHaveLength(1);
    expect(events.body.data[0].data).toMatchObject({ resource: 'chargeback', id: due, status: 'expired' });
    // Swept two weeks after: the dispute expired at its due date, and its event and ledger line say so.
    const dueDate = events.body.data[0].data.due_date;
    expect(events.body.data[0].created_at).toBe(dueDate);
    expect(events.body.data[0].data.timeline.at(-1)).toMatchObject({ type: 'expired', occurred_at: dueDate });
    const lines = await h.request({ url: '/api/v1/balances/JPY/transactions?per_page=100', key: m.secretKey });
    const debit = lines.body.data.filter((l: { type: string }) => l.type === 'chargeback');
    expect(debit).toHaveLength(1);
    expect(debit[0].happened_at).toBe(dueDate);
  });
});
