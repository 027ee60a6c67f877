import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDashboardUser } from '../../src/domain/dashboard/auth';
import { startHarness, testCard, type Harness, type TestMerchant } from '../helpers/harness';
import { DASHBOARD_PASSWORD, signedIn } from '../helpers/dashboard-browser';

// The dashboard's Mail page through app.inject(): the list with its filters, one mail (facts,
// HTML in a sandboxed frame, text), the frame's own document and its headers, and isolation
// between merchants.

let h: Harness;
let shop: TestMerchant;
let other: TestMerchant;
const PASSWORD = DASHBOARD_PASSWORD;

beforeAll(async () => {
  h = await startHarness();
  shop = await h.merchant();
  other = await h.merchant();
  await createDashboardUser(h.store.db, h.clock.now(), { merchantId: shop.id, email: 'ops@mail.example', password: PASSWORD });
  await createDashboardUser(h.store.db, h.clock.now(), { merchantId: other.id, email: 'ops@other.example', password: PASSWORD });
});
afterAll(() => h.close());

/** A signed-in browser's GET. */
async function signIn(email: string, language = 'en') {
  const browser = await signedIn(h.app, email, { language });
  return (url: string) => browser.get(url);
}

async function pay(m: TestMerchant, body: Record<string, unknown>) {
  const res = await h.request({ method: 'POST', url: '/api/v1/payments', key: m.secretKey, json: { amount: 1500, currency: 'JPY', ...body } });
  expect(res.status).toBe(200);
  return res.body;
}

describe('the Mail page', () => {
  it('lists the mails, filters them, and shows one as HTML (sandboxed) and text', async () => {
    const konbini = await pay(shop, { locale: 'ja', description: '<b>bold</b>', payment_details: { type: 'konbini', store: 'lawson', email: 'hanako@example.com' } });
    const card = await pay(shop, { locale: 'en', payment_details: testCard({ email: 'taro@example.com' }) });
    const get = await signIn('ops@mail.example');

    const home = await get('/dashboard');
    expect(home.body).toContain('href="/dashboard/developers/mail"');

    const list = await get('/dashboard/developers/mail');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('hanako@example.com');
    expect(list.body).toContain('taro@example.com');
    expect(list.body).toContain('Payment instructions');
    expect(list.body).toContain('Kept (test mode)');

    const filtered = await get('/dashboard/developers/mail?recipient=TARO%40example.com');
    expect(filtered.body).toContain('taro@example.com');
    expect(filtered.body).not.toContain('hanako@example.com');
    const byPayment = await get(`/dashboard/developers/mail?payment=${konbini.id}`);
    expect(byPayment.body).toContain('hanako@example.com');
    expect(byPayment.body).not.toContain('taro@example.com');

    const id = /href="\/dashboard\/developers\/mail\/([a-z0-9]+)"/.exec(byPayment.body)![1];
    const one = await get(`/dashboard/developers/mail/${id}`);
    expect(one.statusCode).toBe(200);
    expect(one.body).toMatch(/<iframe class="dash-mail" sandbox="" src="\/dashboard\/developers\/mail\/[a-z0-9]+\/html"/);
    expect(one.body).toContain(konbini.payment_details.receipt);
    expect(one.body).toContain('ローソン');
    // The text is shown escaped; the merchant's markup never becomes the dashboard's.
    expect(one.body).toContain('&lt;b&gt;bold&lt;/b&gt;');
    expect(one.body).not.toContain('<b>bold</b>');

    const frame = await get(`/dashboard/developers/mail/${id}/html`);
    expect(frame.statusCode).toBe(200);
    expect(frame.headers['content-type']).toContain('text/html');
    expect(frame.headers['content-security-policy']).toMatch(/^sandbox;.*default-src 'none'.*frame-ancestors 'self'/);
    expect(frame.body).toMatch(/^<!doctype html>/);
    expect(frame.body).toContain(konbini.payment_details.receipt);
    expect(card.id).toBeTruthy();
  });

  it('speaks Japanese', async () => {
    const get = await signIn('ops@mail.example', 'ja');
    const list = await get('/dashboard/developers/mail');
    expect(list.body).toContain('<h1>メール</h1>');
    expect(list.body).toContain('保存（テストモード）');
  });

  it("shows another merchant's mail to nobody", async () => {
    await pay(shop, { payment_details: testCard({ email: 'private@example.com' }) });
    const mine = await signIn('ops@mail.example');
    const id = /href="\/dashboard\/developers\/mail\/([a-z0-9]+)"/.exec((await mine('/dashboard/developers/mail')).body)![1];
    const theirs = await signIn('ops@other.example');
    expect((await theirs('/dashboard/developers/mail')).body).not.toContain('private@example.com');
    expect((await theirs(`/dashboard/developers/mail/${id}`)).statusCode).toBe(404);
    expect((await theirs(`/dashboard/developers/mail/${id}/html`)).statusCode).toBe(404);
    const signedOut = await h.app.inject({ method: 'GET', url: `/dashboard/developers/mail/${id}/html` });
    expect(signedOut.statusCode).toBe(303);
  });
});
