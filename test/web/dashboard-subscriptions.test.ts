import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDashboardUser } from '../../src/domain/dashboard/auth';
import { startHarness, testCard, type Harness, type TestMerchant } from '../helpers/harness';

/** The dashboard's subscriptions list and detail page: what the API shows, one merchant's only, nothing secret. */

const PASSWORD = 'correct horse battery';
let h: Harness;
let shop: TestMerchant;
let other: TestMerchant;
beforeAll(async () => {
  h = await startHarness();
  shop = await h.merchant();
  other = await h.merchant();
  await createDashboardUser(h.store.db, h.clock.now(), { merchantId: shop.id, email: 'ops@subs.example', password: PASSWORD });
  await createDashboardUser(h.store.db, h.clock.now(), { merchantId: other.id, email: 'ops@other.example', password: PASSWORD });
});
afterAll(() => h.close());

async function signIn(email: string) {
  const cookies = new Map<string, string>();
  const send = async (method: 'GET' | 'POST', url: string, form?: Record<string, string>) => {
    const headers: Record<string, string> = { 'accept-language': 'en' };
    if (cookies.size) headers.cookie = [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (form) headers['content-type'] = 'application/x-www-form-urlencoded';
    const res = await h.app.inject({ method, url, headers, payload: form ? new URLSearchParams(form).toString() : undefined });
    for (const cookie of [res.headers['set-cookie'] ?? []].flat()) {
      const [name, value] = cookie.split(';')[0].split('=');
      cookies.set(name, value);
    }
    return res;
  };
  const login = await send('GET', '/dashboard/login');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(login.body)![1];
  expect((await send('POST', '/dashboard/login', { _csrf: csrf, email, password: PASSWORD })).statusCode).toBe(303);
  return (url: string) => send('GET', url);
}

async function api(method: 'POST' | 'PATCH', url: string, json: unknown) {
  const res = await h.request({ method, url, key: shop.secretKey, json });
  expect(res.status, res.text).toBe(200);
  return res.body;
}

describe('dashboard subscriptions', () => {
  it('lists them with a status filter, and shows one with its schedule, retry and payments, no card number', async () => {
    const number = '5555555555554444';
    const customer = await api('POST', '/api/v1/customers', { email: 'hanako@example.com', payment_details: testCard({ number }) });
    const monthly = await api('POST', '/api/v1/subscriptions', { customer: customer.id, amount: 1980, currency: 'JPY', period: 'monthly', metadata: { plan: 'basic' } });
    const weekly = await api('POST', '/api/v1/subscriptions', { customer: customer.id, amount: 500, currency: 'JPY', period: 'weekly' });
    await h.request({ method: 'DELETE', url: `/api/v1/subscriptions/${weekly.id}`, key: shop.secretKey });
    await api('PATCH', `/api/v1/customers/${customer.id}`, { payment_details: testCard({ number: '4123111111111059' }) });
    await api('POST', '/api/v1/test_helpers/clock/advance', { seconds: 32 * 86400 });

    const get = await signIn('ops@subs.example');
    const list = await get('/dashboard/subscriptions');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain(`href="/dashboard/subscriptions/${monthly.id}"`);
    expect(list.body).toContain(`data-row="${weekly.id}"`);
    expect(list.body).toContain('href="/dashboard/subscriptions"');
    const active = await get('/dashboard/subscriptions?status=active');
    expect(active.body).toContain(monthly.id);
    expect(active.body).not.toContain(weekly.id);
    expect((await get('/dashboard/subscriptions?status=cancelled')).body).toContain('data-subscription-status="cancelled"');

    const page = await get(`/dashboard/subscriptions/${monthly.id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('data-subscription-status="active"');
    expect(page.body).toContain('data-field="retry_at"');
    expect(page.body).toContain('data-notice="error"');
    expect(page.body).toContain('•••• 1059');
    expect(page.body).toContain('&quot;plan&quot;');
    const now = (await h.request({ url: `/api/v1/subscriptions/${monthly.id}`, key: shop.secretKey })).body;
    expect(now.payments).toHaveLength(2);
    for (const id of now.payments) expect(page.body).toContain(`href="/dashboard/payments/${id}"`);
    expect(page.body).toContain('data-status="failed"');
    for (const url of ['/dashboard/subscriptions', `/dashboard/subscriptions/${monthly.id}`]) {
      for (const locale of ['ja', 'en']) {
        const res = await get(`${url}?locale=${locale}`);
        expect(res.statusCode).toBe(200);
        expect(res.body).not.toContain(number);
        expect(res.body).not.toContain('4123111111111059');
        expect(res.body).not.toMatch(/<script/i);
      }
    }
    expect((await get('/dashboard/subscriptions?locale=ja')).body).toContain('定期購入');
  });

  it("another merchant's subscription is not found, and not listed", async () => {
    const customer = await api('POST', '/api/v1/customers', { payment_details: testCard() });
    const subscription = await api('POST', '/api/v1/subscriptions', { customer: customer.id, amount: 100, currency: 'JPY', period: 'yearly' });
    const get = await signIn('ops@other.example');
    expect((await get(`/dashboard/subscriptions/${subscription.id}`)).statusCode).toBe(404);
    expect((await get('/dashboard/subscriptions/not-an-id!')).statusCode).toBe(404);
    expect((await get('/dashboard/subscriptions')).body).not.toContain(subscription.id);
  });
});
