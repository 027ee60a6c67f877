import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDashboardUser } from '../../src/domain/dashboard/auth';
import { cutoffOf, cycleOf } from '../../src/domain/settlements';
import { DASHBOARD_PASSWORD, signedIn } from '../helpers/dashboard-browser';
import { startHarness, type Harness, type TestMerchant } from '../helpers/harness';
import { paymentApi } from '../helpers/payment-api';

/**
 * The dashboard's balances, settlements and disbursements pages: what the API shows, in ja and
 * en, their empty states, the settlement's files, "Cancel disbursement", one merchant's only.
 */

let h: Harness;
let shop: TestMerchant;
let other: TestMerchant;
let settlement: any;
beforeAll(async () => {
  h = await startHarness();
  [shop, other] = [await h.merchant(), await h.merchant()];
  await createDashboardUser(h.store.db, h.clock.now(), { merchantId: shop.id, email: 'ops@ledger.example', password: DASHBOARD_PASSWORD });
  await createDashboardUser(h.store.db, h.clock.now(), { merchantId: other.id, email: 'ops@other.example', password: DASHBOARD_PASSWORD });
  // 20,000 JPY captured in this month, settled at its end; 30,000 in the next, still in the balance.
  const api = paymentApi(h, shop.secretKey);
  await api.create({ amount: 20000, tax: 0 });
  const clock = await api.get('/api/v1/test_helpers/clock');
  const cutoff = cutoffOf(cycleOf(new Date(clock.body.now)));
  await api.post('/api/v1/test_helpers/clock/advance', { seconds: Math.ceil((cutoff.getTime() - Date.parse(clock.body.now)) / 1000) + 60 });
  [settlement] = (await api.get('/api/v1/settlements')).body.data;
  await api.create({ amount: 30000, tax: 0 });
});
afterAll(() => h.close());

const ACCOUNT = { currency: 'JPY', account_number: '1234567', account_type: 'ordinary', account_name_kana: 'ヤマダ タロウ', bank_code: '0005', branch_code: '123' };

async function bothLanguages(email: string, url: string): Promise<string[]> {
  const browser = await signedIn(h.app, email);
  const bodies: string[] = [];
  for (const locale of ['en', 'ja']) {
    const res = await browser.get(`${url}?locale=${locale}`);
    expect(res.statusCode, `${url} ${locale}`).toBe(200);
    expect(res.body).not.toMatch(/<script/i);
    bodies.push(res.body);
  }
  return bodies;
}

describe('dashboard balances', () => {
  it('show each currency the ledger has: its unsettled balance and newest lines', async () => {
    const [en, ja] = await bothLanguages('ops@ledger.example', '/dashboard/balances');
    const balance = (await paymentApi(h, shop.secretKey).get('/api/v1/balances/JPY')).body.total_balance_cents;
    expect(balance).toBe(30000 - 1080 - 108);
    expect(en).toContain('data-currency="JPY"');
    expect(en).toContain('¥28,812');
    expect(en).toContain('data-type="payment"');
    expect(en).toContain('data-type="fee"');
    expect(en).toContain(`href="/dashboard/settlements/${settlement.id}"`);
    expect(en).toContain('href="/dashboard/balances" aria-current="page"');
    expect(ja).toContain('未精算残高');
    const [detail] = await bothLanguages('ops@ledger.example', '/dashboard/balances/JPY');
    expect(detail).toContain('data-field="processing_fees"');
    expect(detail).toContain('JPY transactions');
  });

  it('say there is none yet; an unknown currency is not found', async () => {
    const [en, ja] = await bothLanguages('ops@other.example', '/dashboard/balances');
    expect(en).toContain('<p class="dash-empty">No balance yet');
    expect(ja).toContain('残高はまだありません');
    const browser = await signedIn(h.app, 'ops@other.example');
    expect((await browser.get('/dashboard/balances/JPY')).body).toContain('No transactions yet.');
    expect((await browser.get('/dashboard/balances/XYZ')).statusCode).toBe(404);
  });
});

describe('dashboard settlements', () => {
  it('list them and show one with its totals and its CSV, PDF and XLSX', async () => {
    const [list, ja] = await bothLanguages('ops@ledger.example', '/dashboard/settlements');
    expect(list).toContain(`data-row="${settlement.id}"`);
    expect(list).toContain('data-settlement-status="pending"');
    expect(ja).toContain('精算');
    const [page] = await bothLanguages('ops@ledger.example', `/dashboard/settlements/${settlement.id}`);
    expect(page).toContain('¥20,000');
    expect(page).toContain('data-field="settlement_amount"');
    const browser = await signedIn(h.app, 'ops@ledger.example');
    const api = await h.app.inject({ url: `/api/v1/settlements/${settlement.id}/csv`, headers: { authorization: `Basic ${Buffer.from(`${shop.secretKey}:`).toString('base64')}` } });
    const files = { csv: ['text/csv', 'transaction_id,'], pdf: ['application/pdf', '%PDF'], xlsx: ['application/vnd.openxmlformats', 'PK'] };
    for (const [format, [type, start]] of Object.entries(files)) {
      expect(page).toContain(`href="/dashboard/settlements/${settlement.id}/${format}"`);
      const res = await browser.get(`/dashboard/settlements/${settlement.id}/${format}`);
      expect(res.statusCode, format).toBe(200);
      expect(res.headers['content-type']).toContain(type);
      expect(res.rawPayload.subarray(0, start.length).toString('latin1')).toBe(start);
      if (format === 'csv') expect(res.body).toBe(api.body);
    }
    expect((await browser.get(`/dashboard/settlements/${settlement.id}/exe`)).statusCode).toBe(404);
  });

  it("say there is none yet; another merchant's settlement and files are not found", async () => {
    const [en, ja] = await bothLanguages('ops@other.example', '/dashboard/settlements');
    expect(en).toContain('No settlements yet.');
    expect(ja).toContain('精算はまだありません。');
    const browser = await signedIn(h.app, 'ops@other.example');
    expect((await browser.get(`/dashboard/settlements/${settlement.id}`)).statusCode).toBe(404);
    expect((await browser.get(`/dashboard/settlements/${settlement.id}/csv`)).statusCode).toBe(404);
  });
});

describe('dashboard disbursements', () => {
  it('list them and show one; Cancel while pending puts the money back, as the API does', async () => {
    const api = paymentApi(h, shop.secretKey);
    const before = (await api.get('/api/v1/balances/JPY')).body.total_balance_cents;
    const created = await api.post('/api/v1/disbursements', { ...ACCOUNT, amount: 10000, external_id: 'payout-7' });
    expect(created.status, created.text).toBe(200);
    const id = created.body.id;
    const [list] = await bothLanguages('ops@ledger.example', '/dashboard/disbursements');
    expect(list).toContain(`data-row="${id}"`);
    expect(list).toContain('¥10,000');
    const [page] = await bothLanguages('ops@ledger.example', `/dashboard/disbursements/${id}`);
    expect(page).toContain('data-form="cancel"');
    expect(page).toContain('payout-7');
    expect(page).toContain('0005-123');

    const intruder = await signedIn(h.app, 'ops@other.example');
    expect((await intruder.get(`/dashboard/disbursements/${id}`)).statusCode).toBe(404);
    expect((await intruder.post(`/dashboard/disbursements/${id}/cancel`, { cancel_reason: 'mine' })).statusCode).toBe(404);
    expect((await intruder.get('/dashboard/disbursements')).body).not.toContain(id);

    const browser = await signedIn(h.app, 'ops@ledger.example');
    expect((await browser.post(`/dashboard/disbursements/${id}/cancel`, { cancel_reason: '' })).statusCode).toBe(422);
    expect((await browser.post(`/dashboard/disbursements/${id}/cancel`, { cancel_reason: 'x' }, null)).statusCode).toBe(403);
    expect((await api.get(`/api/v1/disbursements/${id}`)).body.status).toBe('pending');
    const res = await browser.post(`/dashboard/disbursements/${id}/cancel`, { cancel_reason: 'Wrong account' });
    expect(res.statusCode, res.body).toBe(303);
    expect((await api.get(`/api/v1/disbursements/${id}`)).body).toMatchObject({ status: 'cancelled' });
    expect((await api.get('/api/v1/balances/JPY')).body.total_balance_cents).toBe(before);
    const after = await browser.get(res.headers.location as string);
    expect(after.body).toContain('data-notice="ok"');
    expect(after.body).toContain('data-disbursement-status="cancelled"');
    expect(after.body).not.toContain('data-form="cancel"');
    expect(after.body).toContain('Wrong account');
    expect((await browser.post(`/dashboard/disbursements/${id}/cancel`, { cancel_reason: 'again' })).statusCode).toBe(422);
  });

  it('say there is none yet', async () => {
    const [en, ja] = await bothLanguages('ops@other.example', '/dashboard/disbursements');
    expect(en).toContain('No disbursements yet.');
    expect(ja).toContain('出金はまだありません。');
  });
});
