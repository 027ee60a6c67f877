import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness, type TestMerchant } from '../helpers/harness';
import { expectError, paymentApi } from '../helpers/payment-api';

/** Disbursements: paid from the balance and never past it; pending → paid or failed on the clock; cancel; report. */

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const ACCOUNT = { currency: 'JPY', account_number: '1234567', account_type: 'ordinary', account_name_kana: 'ヤマダ タロウ', bank_code: '0005', branch_code: '123' };

/** A merchant with 20,000 JPY captured: a balance of 20000 - 720 - 72 = 19,208. */
async function funded(): Promise<{ m: TestMerchant; api: ReturnType<typeof paymentApi> }> {
  const m = await h.merchant();
  const api = paymentApi(h, m.secretKey);
  await api.create({ amount: 20000, tax: 0 });
  return { m, api };
}

const balance = async (api: ReturnType<typeof paymentApi>) => (await api.get('/api/v1/balances/JPY')).body.total_balance_cents;

describe('POST /api/v1/disbursements', () => {
  it('debits the amount and its fee, and is paid a day later on the clock', async () => {
    const { api } = await funded();
    const res = await api.post('/api/v1/disbursements', { ...ACCOUNT, amount: 10000, external_id: 'payout-1' });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^[0-9a-z]{25}$/),
      currency: 'JPY',
      amount: 10000,
      fee: 220,
      fee_tax: 0,
      status: 'pending',
      bank_code: '0005',
      branch_code: '123',
      account_type: 'ordinary',
      account_number: '1234567',
      account_name_kana: 'ヤマダ タロウ',
      error: null,
      external_id: 'payout-1',
      created_at: expect.any(String),
      last_updated_at: expect.any(String),
    });
    expect(await balance(api)).toBe(19208 - 10220);
    const types = (await api.get('/api/v1/balances/JPY/transactions')).body.data.map((l: { type: string }) => l.type);
    expect(types).toEqual(expect.arrayContaining(['disbursement', 'disbursement_fee']));
    expect((await api.get('/api/v1/balances/JPY')).body.disbursements).toEqual({ disbursement_amount_total_cents: 10000, disbursement_fee_total_cents: 220, total_cents: -10220 });

    await api.post('/api/v1/test_helpers/clock/advance', { seconds: 86400 + 60 });
    const shown = await api.get(`/api/v1/disbursements/${res.body.id}`);
    expect(shown.body).toMatchObject({ status: 'paid', error: null });
    expect(await balance(api)).toBe(19208 - 10220);
  });

  it('cannot exceed the balance: 422, nothing written', async () => {
    const { api } = await funded();
    expectError(await api.post('/api/v1/disbursements', { ...ACCOUNT, amount: 19000 }), 422, 'unprocessable_entity', 'amount');
    expect((await api.get('/api/v1/disbursements')).body.total).toBe(0);
    expect((await api.post('/api/v1/disbursements', { ...ACCOUNT, amount: 18988 })).status).toBe(200);
    expect(await balance(api)).toBe(0);
    expectError(await api.post('/api/v1/disbursements', { ...ACCOUNT, amount: 1 }), 422, 'unprocessable_entity', 'amount');
  });

  it('concurrent disbursements never overdraw the balance', async () => {
    const { api } = await funded();
    const results = await Promise.all(Array.from({ length: 4 }, () => api.post('/api/v1/disbursements', { ...ACCOUNT, amount: 6000 })));
    expect(results.filter((r) => r.status === 200)).toHaveLength(3);
    expect(await balance(api)).toBe(19208 - 3 * 6220);
  });

  it('refuses bad input with the envelope', async () => {
    const { api } = await funded();
    expectError(await api.post('/api/v1/disbursements', { ...ACCOUNT }), 422, 'missing_parameter', 'amount');
    expectError(await api.post('/api/v1/disbursements', { ...ACCOUNT, amount: 100, bank_code: '12' }), 422, 'invalid_parameter', 'bank_code');
    expectError(await api.post('/api/v1/disbursements', { ...ACCOUNT, amount: 100, account_type: 'savings' }), 422, 'invalid_parameter', 'account_type');
    expectError(await api.post('/api/v1/disbursements', { ...ACCOUNT, amount: 100, account_name_kana: 'Taro' }), 422, 'invalid_parameter', 'account_name_kana');
    expectError(await api.post('/api/v1/disbursements', { ...ACCOUNT, amount: 100, currency: 'USD' }), 422, 'invalid_currency', 'currency');
    expectError(await api.post('/api/v1/disbursements', { ...ACCOUNT, amount: 100, currency: 'XYZ' }), 422, 'invalid_currency', 'currency');
  });

  it('to account 0000000 fails at the transfer, crediting amount and fee back', async () => {
    const { api } = await funded();
    const res = await api.post('/api/v1/disbursements', { ...ACCOUNT, amount: 5000, account_number: '0000000' });
    await api.post('/api/v1/test_helpers/clock/advance', { seconds: 86400 + 60 });
    const shown = (await api.get(`/api/v1/disbursements/${res.body.id}`)).body;
    expect(shown.status).toBe('failed');
    expect(shown.error).toEqual(expect.any(String));
    expect(await balance(api)).toBe(19208);
  });
});

describe('POST /api/v1/disbursements/:id/cancel', () => {
  it('cancels a pending one and credits it back; a paid one cannot be', async () => {
    const { api } = await funded();
    const first = (await api.post('/api/v1/disbursements', { ...ACCOUNT, amount: 3000 })).body;
    expectError(await api.post(`/api/v1/disbursements/${first.id}/cancel`, {}), 422, 'missing_parameter', 'cancel_reason');
    const cancelled = await api.post(`/api/v1/disbursements/${first.id}/cancel`, { cancel_reason: 'wrong account' });
    expect(cancelled.status, cancelled.text).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    expect(await balance(api)).toBe(19208);
    expectError(await api.post(`/api/v1/disbursements/${first.id}/cancel`, { cancel_reason: 'again' }), 422, 'unprocessable_entity');
    const second = (await api.post('/api/v1/disbursements', { ...ACCOUNT, amount: 3000 })).body;
    await api.post('/api/v1/test_helpers/clock/advance', { seconds: 86400 + 60 });
    expectError(await api.post(`/api/v1/disbursements/${second.id}/cancel`, { cancel_reason: 'late' }), 422, 'unprocessable_entity');
  });
});

describe('GET /api/v1/disbursements, /:id and /report', () => {
  it('lists newest first as disbursement_list, filters by currency, and is the merchant\'s own', async () => {
    const { api } = await funded();
    const other = await h.merchant();
    const a = (await api.post('/api/v1/disbursements', { ...ACCOUNT, amount: 1000 })).body;
    const b = (await api.post('/api/v1/disbursements', { ...ACCOUNT, amount: 2000, external_id: '=SUM(A1)' })).body;
    const list = (await api.get('/api/v1/disbursements')).body;
    expect(list).toMatchObject({ resource: 'disbursement_list', total: 2, page: 1, per_page: 10, last_page: 1 });
    expect(list.data.map((d: { id: string }) => d.id)).toEqual([b.id, a.id]);
    expect((await api.get('/api/v1/disbursements?currency=USD')).body.total).toBe(0);
    expectError(await api.get('/api/v1/disbursements?currency=XYZ'), 422, 'invalid_currency', 'currency');
    expectError(await paymentApi(h, other.secretKey).get(`/api/v1/disbursements/${a.id}`), 404, 'not_found', 'id');
    expectError(await paymentApi(h, other.secretKey).post(`/api/v1/disbursements/${a.id}/cancel`, { cancel_reason: 'x' }), 404, 'not_found', 'id');
    expect((await paymentApi(h, other.secretKey).get('/api/v1/disbursements')).body.total).toBe(0);

    const start = '2000-01-01T00:00:00Z';
    const end = '2100-01-01T00:00:00Z';
    const report = await api.get(`/api/v1/disbursements/report?start_time=${start}&end_time=${end}&currency=JPY&status=pending`);
    expect(report.status, report.text).toBe(200);
    expect(report.headers['content-type']).toBe('text/csv; charset=utf-8');
    const rows = report.text.trim().split('\n');
    expect(rows[0]).toBe('id,external_id,status,currency,amount,fee,fee_tax,bank_code,branch_code,account_type,account_number,account_name_kana,error,created_at,last_updated_at');
    expect(rows.slice(1).map((r) => r.split(',')[0])).toEqual([a.id, b.id]);
    // A cell a spreadsheet would run as a formula is quoted.
    expect(rows[2].split(',')[1]).toBe("'=SUM(A1)");
    expect((await api.get(`/api/v1/disbursements/report?start_time=${start}&end_time=${end}&currency=JPY&status=paid`)).text.trim().split('\n')).toHaveLength(1);
    expectError(await api.get(`/api/v1/disbursements/report?start_time=${start}&end_time=${end}&currency=JPY`), 422, 'missing_parameter', 'status');
  });
});
