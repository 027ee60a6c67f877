import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness, type TestMerchant } from '../helpers/harness';
import { expectError, paymentApi } from '../helpers/payment-api';

/**
 * The balance ledger: a captured payment's lines (total, fee, fee tax) written with the capture,
 * refunds, GET /balances/:currency with its breakdown, its transactions, isolation.
 */

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

async function lines(m: TestMerchant, currency = 'JPY') {
  const res = await paymentApi(h, m.secretKey).get(`/api/v1/balances/${currency}/transactions?per_page=100`);
  expect(res.status, res.text).toBe(200);
  return res.body.data as { id: string; type: string; amount_cents: number; happened_at: string }[];
}

describe('balance transactions', () => {
  it('a captured card payment writes its total, fee (3.60 %) and fee tax (10 %)', async () => {
    const m = await h.merchant();
    const api = paymentApi(h, m.secretKey);
    await api.create(); // 1000 + 100 tax = 1100 JPY
    const data = await lines(m);
    // 1100 × 3.6 % = 39.6 → 40; 40 × 10 % = 4.
    expect(data.map(({ type, amount_cents }) => [type, amount_cents]).sort()).toEqual([['fee', 40], ['fee_tax', 4], ['payment', 1100]]);
    for (const line of data) {
      expect(line.id).toMatch(/^[0-9a-z]{25}$/);
      expect(line.happened_at).toMatch(ISO);
    }
    const balance = await api.get('/api/v1/balances/JPY');
    expect(balance.status, balance.text).toBe(200);
    expect(balance.body).toEqual({
      currency: 'JPY',
      total_balance_cents: 1056,
      payments: { captured_amount_total_cents: 1100, processing_fees_cents: 44, total_cents: 1056 },
      refunds: { refunded_amount_total_cents: 0, refund_processing_fees_cents: 0, refunded_customer_fees_cents: 0, total_cents: 0 },
      corrections: { total_cents: 0 },
      komoju_card_charges: { total_cents: 0 },
      disbursements: { disbursement_amount_total_cents: 0, disbursement_fee_total_cents: 0, total_cents: 0 },
      misc: { clearings_total_cents: 0, komoju_card_discount_total_cents: 0, chargeback_fixed_fee_total_cents: 0, other_fee_adjustments_total_cents: 0, total_cents: 0 },
    });
  });

  it('an authorized payment has no lines until captured; a partial capture counts what was captured', async () => {
    const m = await h.merchant();
    const api = paymentApi(h, m.secretKey);
    const payment = await api.create({ capture: false });
    expect(await lines(m)).toEqual([]);
    const captured = await api.post(`/api/v1/payments/${payment.id}/capture`, { amount: 500 });
    expect(captured.status, captured.text).toBe(200);
    const data = await lines(m);
    // 500 + 50 tax = 550; 550 × 3.6 % = 19.8 → 20; tax 2.
    expect(data.map(({ type, amount_cents }) => [type, amount_cents]).sort()).toEqual([['fee', 20], ['fee_tax', 2], ['payment', 550]]);
  });

  it('a refund is a debit; the processing fee stays charged', async () => {
    const m = await h.merchant();
    const api = paymentApi(h, m.secretKey);
    const payment = await api.create();
    const refunded = await api.post(`/api/v1/payments/${payment.id}/refund`, { amount: 300 });
    expect(refunded.status, refunded.text).toBe(200);
    const data = await lines(m);
    expect(data[0]).toMatchObject({ type: 'refund', amount_cents: 300 });
    const balance = (await api.get('/api/v1/balances/jpy')).body;
    expect(balance.total_balance_cents).toBe(1056 - 300);
    expect(balance.refunds).toEqual({ refunded_amount_total_cents: 300, refund_processing_fees_cents: 0, refunded_customer_fees_cents: 0, total_cents: -300 });
  });

  it('a konbini payment paid by the customer writes its lines at 2.75 %', async () => {
    const m = await h.merchant();
    const api = paymentApi(h, m.secretKey);
    const payment = await api.create({ amount: 5000, tax: 0, payment_details: { type: 'konbini', store: 'lawson', email: 'taro@example.com' } });
    expect(await lines(m)).toEqual([]);
    expect((await api.post(`/api/v1/test_helpers/payments/${payment.id}/pay`)).status).toBe(200);
    // KOMOJU's own example: 5,000 × 2.75 % = 138 (137.5 rounded), tax 14.
    expect((await lines(m)).map(({ type, amount_cents }) => [type, amount_cents]).sort()).toEqual([['fee', 138], ['fee_tax', 14], ['payment', 5000]]);
  });

  it('shows one line by id, in its currency only; lists filter by type', async () => {
    const m = await h.merchant();
    const api = paymentApi(h, m.secretKey);
    await api.create();
    const [line] = (await lines(m)).filter((l) => l.type === 'payment');
    const shown = await api.get(`/api/v1/balances/JPY/transactions/${line.id}`);
    expect(shown.status, shown.text).toBe(200);
    expect(shown.body).toEqual(line);
    expectError(await api.get(`/api/v1/balances/USD/transactions/${line.id}`), 404, 'not_found');
    const fees = await api.get('/api/v1/balances/JPY/transactions?type=fee');
    expect(fees.body).toMatchObject({ resource: 'list', total: 1, page: 1, per_page: 10, last_page: 1 });
    expect(fees.body.data.map((l: { type: string }) => l.type)).toEqual(['fee']);
    expectError(await api.get('/api/v1/balances/JPY/transactions?type=paid'), 422, 'invalid_parameter', 'type');
    expectError(await api.get('/api/v1/balances/XYZ'), 422, 'invalid_currency', 'currency');
    expect((await api.get('/api/v1/balances/USD')).body.total_balance_cents).toBe(0);
  });

  it("another merchant's line is 404, and its balance is not this one's", async () => {
    const m = await h.merchant();
    const other = await h.merchant();
    await paymentApi(h, m.secretKey).create();
    const [line] = await lines(m);
    expectError(await paymentApi(h, other.secretKey).get(`/api/v1/balances/JPY/transactions/${line.id}`), 404, 'not_found');
    expect((await paymentApi(h, other.secretKey).get('/api/v1/balances/JPY')).body.total_balance_cents).toBe(0);
  });

  it('needs the secret key', async () => {
    const m = await h.merchant();
    expectError(await h.request({ url: '/api/v1/balances/JPY', key: m.publishableKey }), 403, 'forbidden');
  });
});
