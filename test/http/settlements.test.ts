import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness, type TestMerchant } from '../helpers/harness';
import { expectError, paymentApi } from '../helpers/payment-api';
import { cutoffOf, cycleOf, payoutOf } from '../../src/domain/settlements';
import { sweepLedger } from '../../src/domain/ledger-sweep';

/**
 * Settlements: made from the ledger when the merchant's (test) clock passes a month's end in
 * Japan, paid at the end of the next month; exactly once; isolation; reset.
 */

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const DAY = 86400;

/** Seconds from the merchant's now to just past `at`. */
async function advanceTo(m: TestMerchant, at: Date): Promise<void> {
  const api = paymentApi(h, m.secretKey);
  const clock = await api.get('/api/v1/test_helpers/clock');
  const seconds = Math.ceil((at.getTime() - Date.parse(clock.body.now)) / 1000) + 60;
  const res = await api.post('/api/v1/test_helpers/clock/advance', { seconds });
  expect(res.status, res.text).toBe(200);
}

async function now(m: TestMerchant): Promise<Date> {
  return new Date((await paymentApi(h, m.secretKey).get('/api/v1/test_helpers/clock')).body.now);
}

describe('cycles', () => {
  it('are months in Japan time, closing at 00:00 JST on the 1st and paid on the last day of the next month', () => {
    expect(cycleOf(new Date('2026-11-30T14:59:59Z'))).toBe('2026-11');
    expect(cycleOf(new Date('2026-11-30T15:00:00Z'))).toBe('2026-12');
    expect(cutoffOf('2026-12').toISOString()).toBe('2026-12-31T15:00:00.000Z');
    expect(payoutOf('2026-12').toISOString()).toBe('2027-01-30T15:00:00.000Z');
    expect(payoutOf('2027-01').toISOString()).toBe('2027-02-27T15:00:00.000Z');
  });
});

describe('settlements', () => {
  it('close the month on the test clock, take the balance and are paid the next month', async () => {
    const m = await h.merchant();
    const api = paymentApi(h, m.secretKey);
    const p1 = await api.create({ amount: 20000, tax: 0 });
    await api.create({ amount: 15000, tax: 0 });
    await api.post(`/api/v1/payments/${p1.id}/refund`, { amount: 1000 });
    expect((await api.get('/api/v1/settlements')).body).toMatchObject({ resource: 'settlement_list', total: 0, data: [] });

    const cycle = cycleOf(await now(m));
    await advanceTo(m, cutoffOf(cycle));
    const list = await api.get('/api/v1/settlements');
    expect(list.status, list.text).toBe(200);
    expect(list.body).toMatchObject({ resource: 'settlement_list', total: 1, page: 1, per_page: 10, last_page: 1 });
    const [item] = list.body.data;
    // Fees: 20000 × 3.6 % = 720 (+72 tax), 15000 × 3.6 % = 540 (+54).
    const fees = 720 + 540;
    const taxes = 72 + 54;
    const amount = 35000 - 1000 - fees - taxes;
    expect(item).toEqual({
      id: expect.stringMatching(/^[0-9a-z]{25}$/),
      resource: 'settlement',
      reference: expect.stringMatching(new RegExp(`^${cycle.replace('-', '')}-JPY-`)),
      status: 'pending',
      merchant_name: expect.any(String),
      company_name: null,
      cycle,
      transaction_amount_cents: 34000,
      currency: 'JPY',
      fee_amount_cents: fees,
      fee_tax_amount_cents: taxes,
      settlement_amount_cents: amount,
      fx_currency: 'JPY',
      fx_conversion_rate: '1.0',
      fx_conversion_amount_cents: amount,
      bank_transfer_fee_amount_cents: 410,
      remittance_amount_cents: amount - 410,
      cutoff_time: cutoffOf(cycle).toISOString().replace('.000', ''),
      created_at: cutoffOf(cycle).toISOString().replace('.000', ''),
      download: { csv: `http://kessai.test/api/v1/settlements/${item.id}/csv`, xls: `http://kessai.test/api/v1/settlements/${item.id}/xls` },
    });
    const shown = await api.get(`/api/v1/settlements/${item.id}`);
    expect(shown.status, shown.text).toBe(200);
    expect(shown.body).toMatchObject({ ...item, payments: { captured_amount_total_cents: 35000, processing_fees_cents: fees + taxes, total_cents: 35000 - fees - taxes } });
    expect(shown.body.refunds).toMatchObject({ refunded_amount_total_cents: 1000, total_cents: -1000 });
    // The balance was taken.
    expect((await api.get('/api/v1/balances/JPY')).body.total_balance_cents).toBe(0);

    // A new payment belongs to the next month.
    await api.create();
    expect((await api.get('/api/v1/balances/JPY')).body.total_balance_cents).toBe(1056);

    await advanceTo(m, payoutOf(cycle));
    expect((await api.get(`/api/v1/settlements/${item.id}`)).body.status).toBe('paid');
  });

  it('leave a month that does not cover the transfer fee in the balance for the next', async () => {
    const m = await h.merchant();
    const api = paymentApi(h, m.secretKey);
    await api.create({ amount: 100, tax: 0 }); // 100 - 4 fee - 0 tax = 96 < 220
    const cycle = cycleOf(await now(m));
    await advanceTo(m, cutoffOf(cycle));
    expect((await api.get('/api/v1/settlements')).body.total).toBe(0);
    await api.create({ amount: 1000, tax: 0 }); // 1000 - 36 - 4 = 960
    const next = cycleOf(await now(m));
    await advanceTo(m, cutoffOf(next));
    const [settlement] = (await api.get('/api/v1/settlements')).body.data;
    expect(settlement).toMatchObject({ cycle: next, settlement_amount_cents: 96 + 960, bank_transfer_fee_amount_cents: 220, remittance_amount_cents: 96 + 960 - 220 });
  });

  it('are made once, by the sweep or the clock, whichever comes first', async () => {
    const m = await h.merchant();
    const api = paymentApi(h, m.secretKey);
    await api.create({ amount: 50000, tax: 0 });
    const cycle = cycleOf(await now(m));
    // The system clock (every merchant's) moves past the cutoff: the worker's sweep settles.
    const ahead = cutoffOf(cycle).getTime() - h.clock.now().getTime() + 60_000;
    h.clock.advance(ahead);
    try {
      await Promise.all([sweepLedger(h.services), sweepLedger(h.services)]);
      await sweepLedger(h.services);
      await api.post('/api/v1/test_helpers/clock/advance', { seconds: 60 });
    } finally {
      h.clock.advance(-ahead);
    }
    const list = (await api.get('/api/v1/settlements')).body;
    expect(list.total).toBe(1);
    expect(list.data[0].settlement_amount_cents).toBe(50000 - 1800 - 180);
    // Its event too: one settlement.created, written by whichever made it.
    const events = (await api.get(`/api/v1/events?resource_id=${list.data[0].id}`)).body;
    expect(events.data.map((e: { type: string }) => e.type)).toEqual(['settlement.created']);
  });

  it("are the merchant's own, and a reset deletes them with the ledger", async () => {
    const m = await h.merchant();
    const other = await h.merchant();
    const api = paymentApi(h, m.secretKey);
    await api.create({ amount: 50000, tax: 0 });
    await advanceTo(m, cutoffOf(cycleOf(await now(m))));
    const [settlement] = (await api.get('/api/v1/settlements')).body.data;
    expectError(await paymentApi(h, other.secretKey).get(`/api/v1/settlements/${settlement.id}`), 404, 'not_found', 'id');
    expect((await paymentApi(h, other.secretKey).get('/api/v1/settlements')).body.total).toBe(0);
    const reset = await api.post('/api/v1/test_helpers/reset');
    expect(reset.status, reset.text).toBe(200);
    expect(reset.body).toMatchObject({ balance_transactions: 3, settlements: 1, disbursements: 0 });
    expect((await api.get('/api/v1/settlements')).body.total).toBe(0);
    expect((await api.get('/api/v1/balances/JPY/transactions')).body.total).toBe(0);
    expectError(await api.get(`/api/v1/settlements/${settlement.id}`), 404, 'not_found');
  });

  it('list by start_time and end_time (created_at) and page', async () => {
    const m = await h.merchant();
    const api = paymentApi(h, m.secretKey);
    for (let i = 0; i < 3; i++) {
      await api.create({ amount: 50000, tax: 0 });
      await advanceTo(m, cutoffOf(cycleOf(await now(m))));
      await api.post('/api/v1/test_helpers/clock/advance', { seconds: DAY });
    }
    const all = (await api.get('/api/v1/settlements?per_page=2')).body;
    expect(all).toMatchObject({ total: 3, last_page: 2 });
    expect(all.data[0].created_at > all.data[1].created_at).toBe(true);
    const since = (await api.get(`/api/v1/settlements?start_time=${all.data[0].created_at}`)).body;
    expect(since.total).toBe(1);
  });
});
