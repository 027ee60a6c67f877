import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app';
import { sql } from 'kysely';
import { createDashboardUser, createLoginLink, hashPassword, MAX_FAILURES, verifyPassword } from '../../src/domain/dashboard/auth';
import { startHarness, testCard, type Harness, type TestMerchant } from '../helpers/harness';
import { paymentApi } from '../helpers/payment-api';
import { METHOD_TYPES } from '../../src/methods';
import { DASHBOARD_PASSWORD, csrfOf, DashboardBrowser, signedIn as signedInAs } from '../helpers/dashboard-browser';

// The merchant dashboard through app.inject(): sign-in, rate limit, CSRF, isolation between
// merchants, the payment list's filters, the actions, the key roll and that no page shows a
// secret. The browser test (test/e2e/dashboard.test.ts) clicks through the same pages.

let h: Harness;
let shopA: TestMerchant;
let shopB: TestMerchant;
const PASSWORD = DASHBOARD_PASSWORD;

beforeAll(async () => {
  h = await startHarness();
  shopA = await h.merchant();
  shopB = await h.merchant();
  await createDashboardUser(h.store.db, h.clock.now(), { merchantId: shopA.id, email: 'ops@a.example', password: PASSWORD });
  await createDashboardUser(h.store.db, h.clock.now(), { merchantId: shopB.id, email: 'ops@b.example', password: PASSWORD });
});
afterAll(() => h.close());

const Browser = class extends DashboardBrowser {
  constructor(address?: string) {
    super(h.app, 'en', address);
  }
};

const signedIn = (email: string, address?: string) => signedInAs(h.app, email, { address });

describe('sign-in', () => {
  it('sends a browser without a session to the sign-in page, and refuses its posts', async () => {
    const anonymous = new Browser();
    const res = await anonymous.get('/dashboard/payments');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/dashboard/login');
    expect((await anonymous.post('/dashboard/settings/keys/roll', { grace: '0' }, null)).statusCode).toBe(403);
  });

  it('signs in with the right password: an HttpOnly, SameSite=Lax cookie for /dashboard (no Secure over http)', async () => {
    const browser = new Browser();
    const form = await browser.get('/dashboard/login');
    expect(form.statusCode).toBe(200);
    expect(form.headers['content-security-policy']).toContain("default-src 'self'");
    expect(form.headers['cache-control']).toBe('no-store');
    const res = await browser.request({ method: 'POST', url: '/dashboard/login', form: { _csrf: csrfOf(form.body), email: 'OPS@a.example ', password: PASSWORD } });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/dashboard');
    const cookie = [res.headers['set-cookie']].flat().find((c) => c!.startsWith('kessai_dashboard='))!;
    expect(cookie).toMatch(/; Path=\/dashboard; HttpOnly; SameSite=Lax; Max-Age=\d+$/);
    expect(cookie).not.toContain('Secure');
    const home = await browser.get('/dashboard');
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain('ops@a.example');
  });

  it('marks the cookie Secure when the public URL is https', async () => {
    const before = h.services.publicUrl;
    h.services.publicUrl = 'https://pay.example';
    try {
      const res = await new Browser().signIn('ops@a.example');
      expect(res.statusCode).toBe(303);
      expect([res.headers['set-cookie']].flat().find((c) => c!.startsWith('kessai_dashboard='))).toMatch(/; Secure$/);
    } finally {
      h.services.publicUrl = before;
    }
  });

  it('behind a trusted proxy: Secure when X-Forwarded-Proto is https, and the client address from X-Forwarded-For', async () => {
    const proxied = await buildApp(h.services, { trustProxy: true, logLevel: 'silent' });
    try {
      const form = await proxied.inject({ url: '/dashboard/login', headers: { 'x-forwarded-proto': 'https' } });
      const loginCookie = String([form.headers['set-cookie']].flat()[0]);
      expect(loginCookie).toMatch(/; Secure$/);
      const post = (password: string, client: string) =>
        proxied.inject({
          method: 'POST',
          url: '/dashboard/login',
          headers: { cookie: loginCookie.split(';')[0], 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-proto': 'https', 'x-forwarded-for': client },
          payload: new URLSearchParams({ _csrf: csrfOf(form.body), email: 'ops@a.example', password }).toString(),
        });
      for (let i = 0; i < MAX_FAILURES; i++) expect((await post('wrong password', '203.0.113.7')).statusCode).toBe(401);
      expect((await post(PASSWORD, '203.0.113.7')).statusCode).toBe(429);
      const ok = await post(PASSWORD, '203.0.113.8');
      expect(ok.statusCode).toBe(303);
      expect([ok.headers['set-cookie']].flat().find((c) => c!.startsWith('kessai_dashboard='))).toMatch(/; Secure$/);
    } finally {
      await proxied.close();
    }
  });

  it('refuses a wrong password (401, the form again) and a post without the form token (403)', async () => {
    const browser = new Browser();
    const res = await browser.signIn('ops@a.example', 'wrong password');
    expect(res.statusCode).toBe(401);
    expect(res.body).toContain('The email or password is wrong.');
    expect(browser.cookies.has('kessai_dashboard')).toBe(false);
    const unknown = await browser.signIn('nobody@a.example', 'whatever1');
    expect(unknown.statusCode).toBe(401);
    const forged = await new Browser().request({ method: 'POST', url: '/dashboard/login', form: { email: 'ops@a.example', password: PASSWORD } });
    expect(forged.statusCode).toBe(403);
  });

  it(`refuses the ${MAX_FAILURES + 1}th attempt within 15 minutes for one email and address (429), even with the right password`, async () => {
    const browser = new Browser('10.0.0.66');
    for (let i = 0; i < MAX_FAILURES; i++) expect((await browser.signIn('ops@b.example', `wrong ${i}`)).statusCode).toBe(401);
    const limited = await browser.signIn('ops@b.example');
    expect(limited.statusCode).toBe(429);
    expect(limited.body).toContain('Too many failed attempts');
    // Another address is not affected; after 15 minutes the first may try again.
    expect((await new Browser('10.0.0.67').signIn('ops@b.example')).statusCode).toBe(303);
    h.clock.advance(15 * 60_000 + 1000);
    expect((await browser.signIn('ops@b.example')).statusCode).toBe(303);
  });

  it('a one-time link signs in once', async () => {
    const token = await createLoginLink(h.store.db, shopA.id, h.clock.now());
    const browser = new Browser();
    const first = await browser.get(`/dashboard/login/${token}`);
    expect(first.statusCode).toBe(303);
    expect((await browser.get('/dashboard')).statusCode).toBe(200);
    const again = await new Browser().get(`/dashboard/login/${token}`);
    expect(again.statusCode).toBe(410);
    expect((await new Browser().get('/dashboard/login/not-a-token')).statusCode).toBe(410);
    // The link is a credential: the access log shows the path without it.
    const log = h.logs.join('');
    expect(log).toContain('/dashboard/login/[redacted]');
    expect(log).not.toContain(token);
  });

  it('stores a scrypt hash of the password and a SHA-256 of the session token, never either one', async () => {
    const stored = await hashPassword('a long secret');
    expect(stored).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(await hashPassword('a long secret')).not.toBe(stored);
    expect(await verifyPassword('a long secret', stored)).toBe(true);
    expect(await verifyPassword('a long secreT', stored)).toBe(false);
    // Tamper with the hash's first character: its last one carries two padding bits base64url
    // decoding ignores, so changing that one alone may leave the hash as it was.
    const hashStart = stored.lastIndexOf('$') + 1;
    const tampered = stored.slice(0, hashStart) + (stored[hashStart] === 'A' ? 'B' : 'A') + stored.slice(hashStart + 1);
    expect(await verifyPassword('a long secret', tampered)).toBe(false);
    expect(await verifyPassword('a long secret', 'plain')).toBe(false);

    const browser = await signedIn('ops@a.example');
    const token = browser.cookies.get('kessai_dashboard')!;
    const { rows } = await sql<Record<string, unknown>>`SELECT * FROM dashboard_sessions`.execute(h.store.db);
    const sessions = JSON.stringify(rows);
    expect(sessions).not.toContain(token);
    const users = JSON.stringify((await sql`SELECT * FROM dashboard_users`.execute(h.store.db)).rows);
    expect(users).not.toContain(PASSWORD);
    expect(users).toContain('scrypt$');
  });

  it('signs out: the cookie no longer works', async () => {
    const browser = await signedIn('ops@a.example');
    const cookie = browser.cookies.get('kessai_dashboard')!;
    const res = await browser.post('/dashboard/logout');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/dashboard/login');
    const stale = new Browser();
    stale.cookies.set('kessai_dashboard', cookie);
    expect((await stale.get('/dashboard')).statusCode).toBe(303);
  });
});

describe('CSRF and isolation', () => {
  it('refuses a POST without the CSRF token, or with another session\'s (403), and changes nothing', async () => {
    const api = paymentApi(h, shopA.secretKey);
    const payment = await api.create();
    const browser = await signedIn('ops@a.example');
    const other = await signedIn('ops@a.example', '10.0.0.2');
    const otherToken = await other.csrf();
    expect(otherToken).not.toBe(await browser.csrf());
    for (const csrf of [null, '', otherToken, 'x'.repeat(64)]) {
      const res = await browser.post(`/dashboard/payments/${payment.id}/refund`, {}, csrf);
      expect(res.statusCode, String(csrf)).toBe(403);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    }
    expect((await api.get(`/api/v1/payments/${payment.id}`)).body.status).toBe('captured');
    const done = await browser.post(`/dashboard/payments/${payment.id}/refund`, { amount: '100' });
    expect(done.statusCode).toBe(303);
    expect((await api.get(`/api/v1/payments/${payment.id}`)).body.amount_refunded).toBe(100);
  });

  it("answers 404 for another merchant's payment, event and webhook, and never touches them", async () => {
    const apiB = paymentApi(h, shopB.secretKey);
    const paymentB = await apiB.create({ external_order_num: 'b-secret-order' });
    const endpoint = (await apiB.post('/api/v1/webhooks', { url: 'http://127.0.0.1:9/hooks' })).body;
    const eventB = (await apiB.get(`/api/v1/events?resource_id=${paymentB.id}`)).body.data[0];
    const browser = await signedIn('ops@a.example');
    for (const url of [`/dashboard/payments/${paymentB.id}`, `/dashboard/developers/events/${eventB.id}`, `/dashboard/developers/webhooks/${endpoint.id}`]) {
      const res = await browser.get(url);
      expect(res.statusCode, url).toBe(404);
      expect(res.body).not.toContain(paymentB.id);
    }
    for (const action of ['refund', 'cancel', 'capture']) expect((await browser.post(`/dashboard/payments/${paymentB.id}/${action}`)).statusCode).toBe(404);
    expect((await browser.post(`/dashboard/developers/events/${eventB.id}/redeliver`)).statusCode).toBe(404);
    expect((await apiB.get(`/api/v1/payments/${paymentB.id}`)).body.amount_refunded).toBe(0);
    const list = await browser.get('/dashboard/payments?external_order_num=b-secret-order');
    expect(list.body).not.toContain(paymentB.id);
  });
});

describe('payments', () => {
  it('filters by order number, status, method, total and dates; bad filters are named, not errors', async () => {
    const m = await h.merchant();
    await createDashboardUser(h.store.db, h.clock.now(), { merchantId: m.id, email: 'filters@shop.example', password: PASSWORD });
    const api = paymentApi(h, m.secretKey);
    const card = await api.create({ external_order_num: 'order-1' });
    const authorized = await api.create({ external_order_num: 'order-2', capture: false, amount: 2000 });
    const konbini = await api.create({ external_order_num: 'order-3', payment_details: { type: 'konbini', store: 'lawson', email: 'a@b.example' } });
    const browser = await signedIn('filters@shop.example');
    const ids = async (query: string) => {
      const res = await browser.get(`/dashboard/payments${query}`);
      expect(res.statusCode, query).toBe(200);
      return [...res.body.matchAll(/<tr data-row="([0-9a-z]+)">/g)].map((match) => match[1]);
    };
    expect(await ids('')).toEqual([konbini.id, authorized.id, card.id]);
    expect(await ids('?external_order_num=order-2')).toEqual([authorized.id]);
    expect(await ids(`?external_order_num=${konbini.id}`)).toEqual([konbini.id]);
    expect(await ids('?status=authorized')).toEqual([konbini.id, authorized.id]);
    expect(await ids('?status=authorized&method=credit_card')).toEqual([authorized.id]);
    expect(await ids('?method=konbini')).toEqual([konbini.id]);
    expect(await ids(`?amount=${authorized.total}`)).toEqual([authorized.id]);
    const today = new Date(h.clock.now().getTime() + 9 * 3600_000).toISOString().slice(0, 10);
    expect(await ids(`?from=${today}&to=${today}`)).toHaveLength(3);
    expect(await ids('?to=2001-01-01')).toEqual([]);
    const bad = await browser.get('/dashboard/payments?status=paid&amount=-5&from=2026-02-30&page=abc');
    expect(bad.statusCode).toBe(200);
    expect(bad.body).toContain('Ignored an invalid filter: status.');
    expect(bad.body).toContain('Ignored an invalid filter: amount.');
    expect(bad.body).toContain('Ignored an invalid filter: from.');
    // The same box finds a customer's payments by email (any case) or customer id.
    expect(await ids('?external_order_num=A@B.example')).toEqual([konbini.id]);
    const customer = (await api.post('/api/v1/customers', { email: 'c@d.example', payment_details: testCard() })).body;
    const byCustomer = await api.create({ payment_details: undefined, customer: customer.id });
    expect(await ids(`?external_order_num=${customer.id}`)).toEqual([byCustomer.id]);
  });

  it('captures, refunds (partly, then the rest) and cancels through the domain commands; errors are shown on the page', async () => {
    const m = await h.merchant();
    await createDashboardUser(h.store.db, h.clock.now(), { merchantId: m.id, email: 'actions@shop.example', password: PASSWORD });
    const api = paymentApi(h, m.secretKey);
    const browser = await signedIn('actions@shop.example');

    const authorized = await api.create({ capture: false });
    const page = await browser.get(`/dashboard/payments/${authorized.id}`);
    expect(page.body).toContain('data-form="capture"');
    expect(page.body).toContain('data-form="cancel"');
    expect(page.body).not.toContain('data-form="refund"');
    // The merchant's word for an uncaptured card payment (the customer's pages say "Awaiting payment"),
    // and times with their zone, year first.
    expect(page.body).toContain('data-status="authorized">Authorized</span>');
    expect(page.body).toMatch(/\b20\d\d-\d\d-\d\d \d\d:\d\d:\d\d JST\b/);
    const inJapanese = await browser.get(`/dashboard/payments/${authorized.id}?locale=ja`);
    expect(inJapanese.body).toContain('data-status="authorized">オーソリ済み</span>');
    expect(inJapanese.body).toMatch(/\b20\d\d\/\d\d\/\d\d \d\d:\d\d:\d\d JST\b/);
    await browser.get(`/dashboard/payments/${authorized.id}?locale=en`);
    expect((await browser.post(`/dashboard/payments/${authorized.id}/capture`)).headers.location).toBe(`/dashboard/payments/${authorized.id}?done=captured`);
    expect((await api.get(`/api/v1/payments/${authorized.id}`)).body.status).toBe('captured');

    const tooMuch = await browser.post(`/dashboard/payments/${authorized.id}/refund`, { amount: '999999' });
    expect(tooMuch.statusCode).toBe(422);
    expect(tooMuch.body).toContain('The refund amount must be between 1 and 1100');
    const notANumber = await browser.post(`/dashboard/payments/${authorized.id}/refund`, { amount: '12.5' });
    expect(notANumber.statusCode).toBe(422);
    expect(notANumber.body).toContain('whole number');

    expect((await browser.post(`/dashboard/payments/${authorized.id}/refund`, { amount: '550', description: 'half' })).statusCode).toBe(303);
    const half = await browser.get(`/dashboard/payments/${authorized.id}?done=refunded`);
    expect(half.body).toContain('The refund was recorded.');
    expect(half.body).toContain('data-event-type="payment.refund.created"');
    expect((await browser.post(`/dashboard/payments/${authorized.id}/refund`)).statusCode).toBe(303);
    const refunded = (await api.get(`/api/v1/payments/${authorized.id}`)).body;
    expect(refunded.status).toBe('refunded');
    expect(refunded.refunds.map((r: any) => r.amount)).toEqual([550, 550]);
    expect(await api.eventTypes(authorized.id)).toEqual(['payment.authorized', 'payment.captured', 'payment.refund.created', 'payment.refund.created', 'payment.refunded']);
    const again = await browser.post(`/dashboard/payments/${authorized.id}/cancel`);
    expect(again.statusCode).toBe(422);
    expect(again.body).toContain('not_cancellable');

    // The capture field takes a total, tax included, as the refund field does.
    const partly = await api.create({ capture: false });
    expect((await browser.get(`/dashboard/payments/${partly.id}`)).body).toContain('placeholder="1100"');
    const overTotal = await browser.post(`/dashboard/payments/${partly.id}/capture`, { amount: '1101' });
    expect(overTotal.statusCode).toBe(422);
    expect(overTotal.body).toContain('between 1 and 1100');
    expect((await browser.post(`/dashboard/payments/${partly.id}/capture`, { amount: '550' })).statusCode).toBe(303);
    const captured = (await h.request({ url: `/api/v1/payments/${partly.id}`, key: m.secretKey, headers: { 'x-komoju-api-version': '2025-01-28' } })).body;
    expect([captured.amount, captured.tax, captured.total]).toEqual([500, 50, 550]);

    const toCancel = await api.create({ capture: false });
    expect((await browser.post(`/dashboard/payments/${toCancel.id}/cancel`)).statusCode).toBe(303);
    expect((await api.get(`/api/v1/payments/${toCancel.id}`)).body.status).toBe('cancelled');
    expect((await browser.get('/dashboard/payments/NOT-AN-ID')).statusCode).toBe(404);
  });
});

describe('test-mode actions on a payment', () => {
  const konbini = { payment_details: { type: 'konbini', store: 'lawson', email: 'shopper@example.com' } };

  it('simulates the customer paying or failing a konbini payment, through the test helpers\' domain commands', async () => {
    const m = await h.merchant();
    await createDashboardUser(h.store.db, h.clock.now(), { merchantId: m.id, email: 'simulate@shop.example', password: PASSWORD });
    const api = paymentApi(h, m.secretKey);
    const browser = await signedIn('simulate@shop.example');

    const toPay = await api.create(konbini);
    const page = await browser.get(`/dashboard/payments/${toPay.id}`);
    expect(page.body).toContain('data-form="simulate-payment"');
    expect(page.body).toContain('data-form="simulate-failure"');
    expect(page.body).not.toContain('data-form="refund-request"');
    expect((await browser.post(`/dashboard/payments/${toPay.id}/simulate-payment`)).headers.location).toBe(`/dashboard/payments/${toPay.id}?done=paid`);
    expect((await api.get(`/api/v1/payments/${toPay.id}`)).body.status).toBe('captured');
    expect(await api.eventTypes(toPay.id)).toEqual(['payment.authorized', 'payment.captured']);
    // Paid: nothing more to simulate; a second try is refused on the page.
    expect((await browser.get(`/dashboard/payments/${toPay.id}`)).body).not.toContain('data-form="simulate-payment"');
    const twice = await browser.post(`/dashboard/payments/${toPay.id}/simulate-payment`);
    expect(twice.statusCode).toBe(422);

    const toFail = await api.create(konbini);
    const failed = await browser.post(`/dashboard/payments/${toFail.id}/simulate-failure`, { code: 'insufficient_funds' });
    expect(failed.headers.location).toBe(`/dashboard/payments/${toFail.id}?done=failed`);
    const body = (await api.get(`/api/v1/payments/${toFail.id}`)).body;
    expect(body.status).toBe('failed');
    const badCode = await browser.post(`/dashboard/payments/${(await api.create(konbini)).id}/simulate-failure`, { code: 'not_a_code' });
    expect(badCode.statusCode).toBe(422);

    // A card payment is not paid by its customer outside the API: no forms, and the post is refused.
    const card = await api.create({ capture: false });
    expect((await browser.get(`/dashboard/payments/${card.id}`)).body).not.toContain('data-form="simulate-payment"');
    expect((await browser.post(`/dashboard/payments/${card.id}/simulate-payment`)).statusCode).toBe(422);
  });

  it('records a refund request of a captured konbini payment from its form, checked as the API checks it', async () => {
    const m = await h.merchant();
    await createDashboardUser(h.store.db, h.clock.now(), { merchantId: m.id, email: 'refunds@shop.example', password: PASSWORD });
    const api = paymentApi(h, m.secretKey);
    const browser = await signedIn('refunds@shop.example');
    const paid = await api.create(konbini);
    await api.post(`/api/v1/test_helpers/payments/${paid.id}/pay`);
    expect((await browser.get(`/dashboard/payments/${paid.id}`)).body).toContain('data-form="refund-request"');

    const form = { amount: '500', customer_name: 'ヤマダ タロウ', bank_name: 'Mizuho', branch_number: '123', account_type: 'normal', account_number: '1234567' };
    const badAccount = await browser.post(`/dashboard/payments/${paid.id}/refund-request`, { ...form, account_number: '12' });
    expect(badAccount.statusCode).toBe(422);
    expect(badAccount.body).toContain('account_number');
    const done = await browser.post(`/dashboard/payments/${paid.id}/refund-request`, { ...form, include_payment_method_fee: 'true' });
    expect(done.headers.location).toBe(`/dashboard/payments/${paid.id}?done=refundRequested`);
    const requests = (await api.get(`/api/v1/payments/${paid.id}`)).body.refund_requests;
    expect(requests).toMatchObject([{ amount: 500, status: 'pending', include_payment_method_fee: true }]);
  });

  it('are not offered to a live merchant, and refused if posted', async () => {
    // A konbini payment waiting for its customer, of a merchant then switched to live mode (live
    // mode here has no processor to take one).
    const live = await h.merchant();
    const waiting = await h.request({ method: 'POST', url: '/api/v1/payments', key: live.secretKey, json: { amount: 1000, currency: 'JPY', ...konbini } });
    expect(waiting.status, waiting.text).toBe(200);
    await sql`UPDATE merchants SET mode = 'live' WHERE id = ${live.id}`.execute(h.store.db);
    await createDashboardUser(h.store.db, h.clock.now(), { merchantId: live.id, email: 'live@shop.example', password: PASSWORD });
    const browser = await signedIn('live@shop.example');
    const page = await browser.get(`/dashboard/payments/${waiting.body.id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain('data-form="simulate-');
    for (const action of ['simulate-payment', 'simulate-failure']) expect((await browser.post(`/dashboard/payments/${waiting.body.id}/${action}`)).statusCode).toBe(403);
    expect((await sql<{ status: string }>`SELECT status FROM payments WHERE id = ${waiting.body.id}`.execute(h.store.db)).rows[0].status).toBe('authorized');
  });

  it('need the page\'s CSRF token', async () => {
    const m = await h.merchant();
    await createDashboardUser(h.store.db, h.clock.now(), { merchantId: m.id, email: 'csrf-actions@shop.example', password: PASSWORD });
    const api = paymentApi(h, m.secretKey);
    const browser = await signedIn('csrf-actions@shop.example');
    const waiting = await api.create(konbini);
    for (const action of ['simulate-payment', 'simulate-failure', 'refund-request']) expect((await browser.post(`/dashboard/payments/${waiting.id}/${action}`, {}, null)).statusCode).toBe(403);
    expect((await api.get(`/api/v1/payments/${waiting.id}`)).body.status).toBe('authorized');
  });
});

describe('bad input', () => {
  it('never answers 5xx: odd ids, queries and bodies get a page (200, 4xx) with the reason', async () => {
    const api = paymentApi(h, shopA.secretKey);
    const payment = await api.create();
    const browser = await signedIn('ops@a.example');
    const gets = [
      '/dashboard?days=abc',
      '/dashboard/payments?status[]=captured&method=1&amount=99999999999&from=yesterday&to=2026-13-01&page=-1',
      '/dashboard/payments?page=99999',
      `/dashboard/payments/${'a'.repeat(80)}`,
      '/dashboard/payments/%00',
      '/dashboard/developers/events?type=<script>&page=0',
      '/dashboard/developers/events/..%2F..%2Fetc',
      '/dashboard/developers/webhooks/NOPE',
      '/dashboard/tokens?page=1e9',
      '/dashboard/developers/clock?expired=lots',
    ];
    for (const url of gets) {
      const res = await browser.get(url);
      expect(res.statusCode, url).toBeLessThan(500);
      expect(res.headers['content-type'], url).toBe('text/html; charset=utf-8');
      expect(res.body, url).not.toContain('<script>');
    }
    const csrf = await browser.csrf();
    const posts: [string, string, string][] = [
      [`/dashboard/payments/${payment.id}/refund`, 'application/x-www-form-urlencoded', `_csrf=${csrf}&amount[a]=1&description[]=x`],
      [`/dashboard/payments/${payment.id}/refund`, 'application/json', JSON.stringify({ _csrf: csrf, amount: { $gt: 1 } })],
      [`/dashboard/payments/${payment.id}/refund`, 'application/json', '[1,2,3]'],
      [`/dashboard/payments/${payment.id}/capture`, 'application/json', 'not json'],
      ['/dashboard/developers/clock/advance', 'application/x-www-form-urlencoded', `_csrf=${csrf}&seconds=99999999999`],
      ['/dashboard/settings/methods', 'application/x-www-form-urlencoded', `_csrf=${csrf}&types[x]=konbini`],
      ['/dashboard/login', 'application/x-www-form-urlencoded', 'email[]=a&password[]=b&_csrf[]=c'],
    ];
    for (const [url, type, payload] of posts) {
      const res = await browser.request({ method: 'POST', url, headers: { 'content-type': type }, payload });
      expect(res.statusCode, `${url} ${payload}`).toBeLessThan(500);
      expect(res.statusCode, `${url} ${payload}`).toBeGreaterThanOrEqual(400);
    }
    expect((await api.get(`/api/v1/payments/${payment.id}`)).body.amount_refunded).toBe(0);
  });
});

describe('settings', () => {
  it('rolls the secret key: shown once, the old key answers 401 at once (grace 0) or after the grace period', async () => {
    const m = await h.merchant();
    await createDashboardUser(h.store.db, h.clock.now(), { merchantId: m.id, email: 'keys@shop.example', password: PASSWORD });
    const browser = await signedIn('keys@shop.example');
    const settings = await browser.get('/dashboard/settings');
    expect(settings.body).toContain(m.publishableKey);
    expect(settings.body).not.toContain(m.secretKey);

    const rolled = await browser.post('/dashboard/settings/keys/roll', { grace: '3600' });
    expect(rolled.statusCode).toBe(200);
    const second = /data-secret-key>([^<]+)</.exec(rolled.body)![1];
    expect(second).toMatch(/^sk_test_[a-z0-9]{32}$/);
    expect((await h.request({ url: '/api/v1/payments', key: m.secretKey })).status).toBe(200);
    expect((await h.request({ url: '/api/v1/payments', key: second })).status).toBe(200);
    expect((await browser.get('/dashboard/settings')).body).not.toContain(second);
    h.clock.advance(3601_000);
    expect((await h.request({ url: '/api/v1/payments', key: m.secretKey })).status).toBe(401);

    const third = /data-secret-key>([^<]+)</.exec((await browser.post('/dashboard/settings/keys/roll', { grace: '0' })).body)![1];
    expect((await h.request({ url: '/api/v1/payments', key: second })).status).toBe(401);
    expect((await h.request({ url: '/api/v1/payments', key: third })).status).toBe(200);
    expect((await browser.post('/dashboard/settings/keys/roll', { grace: '-1' })).statusCode).toBe(422);
  });

  it('changes the enabled payment methods', async () => {
    const m = await h.merchant();
    await createDashboardUser(h.store.db, h.clock.now(), { merchantId: m.id, email: 'methods@shop.example', password: PASSWORD });
    const browser = await signedIn('methods@shop.example');
    // The methods grouped by kind and country, as KOMOJU's dashboard shows them; each once.
    const page = (await browser.get('/dashboard/settings')).body;
    const groups = [...page.matchAll(/data-method-group="(\w+)"><legend>([^<]+)<\/legend>/g)].map((match) => match[1]);
    expect(groups).toEqual(['cards', 'japanLater', 'japanPrepaid', 'japanWallets', 'korea', 'china', 'southeastAsia', 'europe', 'americasOceania', 'worldwide']);
    const inGroup = (group: string) => [...page.split(`data-method-group="${group}"`)[1].split('</fieldset>')[0].matchAll(/name="types" value="(\w+)"/g)].map((match) => match[1]);
    expect(inGroup('japanLater')).toEqual(['konbini', 'bank_transfer', 'pay_easy', 'cvs']);
    expect(inGroup('china')).toEqual(expect.arrayContaining(['alipay', 'alipay_hk', 'wechatpay', 'unionpay']));
    expect([...page.matchAll(/name="types" value="(\w+)"/g)].length).toBe(METHOD_TYPES.length);
    const saved = await browser.post('/dashboard/settings/methods', { types: ['konbini', 'paypay'] });
    expect(saved.statusCode).toBe(303);
    const methods = await h.request({ url: '/api/v1/payment_methods', key: m.secretKey });
    expect(methods.body.map((x: any) => x.type_slug).sort()).toEqual(['konbini', 'paypay']);
    const refused = await h.request({ method: 'POST', url: '/api/v1/payments', key: m.secretKey, json: { amount: 1000, currency: 'JPY', payment_details: testCard() } });
    expect(refused.body.error.code).toBe('invalid_payment_type');
    const unknown = await browser.post('/dashboard/settings/methods', { types: ['bitcoin'] });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.body).toContain('bitcoin');
    // `types[x]=…` reaches the route as an object: named as sent, never "[object Object]".
    const csrf = await browser.csrf();
    const nested = await browser.request({ method: 'POST', url: '/dashboard/settings/methods', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `_csrf=${csrf}&types[x]=konbini` });
    expect(nested.statusCode).toBe(422);
    expect(nested.body).not.toContain('[object Object]');
    expect(nested.body).toContain('konbini');
  });
});

describe('developers', () => {
  it('logs API requests (no bodies) and shows them; advances the test clock', async () => {
    const m = await h.merchant();
    await createDashboardUser(h.store.db, h.clock.now(), { merchantId: m.id, email: 'dev@shop.example', password: PASSWORD });
    const api = paymentApi(h, m.secretKey);
    await api.post('/api/v1/payments', { amount: 1000, currency: 'JPY', payment_details: testCard() }, { 'X-KOMOJU-IDEMPOTENCY': 'idem-key-42' });
    await api.get('/api/v1/payments/doesnotexist');
    const browser = await signedIn('dev@shop.example');
    let log = '';
    for (let i = 0; i < 50 && !log.includes('/api/v1/payments/doesnotexist'); i++) {
      log = (await browser.get('/dashboard/developers/requests')).body;
      if (!log.includes('/api/v1/payments/doesnotexist')) await new Promise((r) => setTimeout(r, 20));
    }
    expect(log).toContain('idem-key-42');
    expect(log).toContain('/api/v1/payments/doesnotexist');
    expect(log).toContain('404');
    expect(log).not.toContain('4111111111111111');

    const clock = await browser.get('/dashboard/developers/clock');
    expect(clock.statusCode).toBe(200);
    expect((await browser.post('/dashboard/developers/clock/advance', { seconds: '86400' })).statusCode).toBe(303);
    expect((await api.get('/api/v1/test_helpers/clock')).body.offset_seconds).toBe(86400);
    expect((await browser.post('/dashboard/developers/clock/advance', { seconds: 'soon' })).statusCode).toBe(422);
  });

  it('shows no card number, CVV, secret key or token secret on any page, in ja and en', async () => {
    const m = await h.merchant();
    await createDashboardUser(h.store.db, h.clock.now(), { merchantId: m.id, email: 'secrets@shop.example', password: PASSWORD });
    const api = paymentApi(h, m.secretKey);
    const number = '5555555555554444';
    const payment = await api.create({ payment_details: testCard({ number, verification_value: '918' }) });
    await api.post('/api/v1/tokens', { payment_details: testCard({ number, verification_value: '918' }) });
    const customer = (await api.post('/api/v1/customers', { payment_details: testCard({ number, verification_value: '918' }) })).body;
    const session = (await api.post('/api/v1/sessions', { amount: 1000, currency: 'JPY', return_url: 'https://shop.example/done', email: 'taro@shop.example' })).body;
    const event = (await api.get(`/api/v1/events?resource_id=${payment.id}`)).body.data[0];
    const browser = await signedIn('secrets@shop.example');
    const pages = [
      '/dashboard',
      '/dashboard?days=30',
      '/dashboard/payments',
      `/dashboard/payments/${payment.id}`,
      '/dashboard/sessions',
      '/dashboard/customers',
      `/dashboard/sessions/${session.id}`,
      `/dashboard/customers/${customer.id}`,
      '/dashboard/tokens',
      '/dashboard/developers/requests',
      '/dashboard/developers/events',
      `/dashboard/developers/events/${event.id}`,
      '/dashboard/developers/webhooks',
      '/dashboard/developers/clock',
      '/dashboard/settings',
    ];
    for (const locale of ['ja', 'en']) {
      for (const url of pages) {
        const res = await browser.get(`${url}${url.includes('?') ? '&' : '?'}locale=${locale}`);
        expect(res.statusCode, url).toBe(200);
        expect(res.body, url).toContain(`<html lang="${locale}">`);
        for (const secret of [number, m.secretKey, '"918"', '>918<']) expect(res.body, `${url} shows ${secret}`).not.toContain(secret);
        expect(res.body).not.toMatch(/<script/i);
      }
    }
    expect((await browser.get('/dashboard/customers')).body).toContain(customer.id);
    expect((await browser.get('/dashboard/customers')).body).toContain('4444');
  });

  it('a session and a customer have their own pages, linked from the lists; another merchant\'s are 404', async () => {
    const m = await h.merchant();
    await createDashboardUser(h.store.db, h.clock.now(), { merchantId: m.id, email: 'records@shop.example', password: PASSWORD });
    const api = paymentApi(h, m.secretKey);
    const session = (await api.post('/api/v1/sessions', { amount: 1500, currency: 'JPY', return_url: 'https://shop.example/done', email: 'taro@shop.example' })).body;
    const customer = (await api.post('/api/v1/customers', { email: 'hanako@shop.example', payment_details: testCard() })).body;
    const browser = await signedIn('records@shop.example');
    expect((await browser.get('/dashboard/sessions')).body).toContain(`<a href="/dashboard/sessions/${session.id}" class="dash-id"`);
    expect((await browser.get('/dashboard/customers')).body).toContain(`<a href="/dashboard/customers/${customer.id}" class="dash-id"`);
    const page = await browser.get(`/dashboard/sessions/${session.id}?locale=en`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`<a href="${session.session_url}" data-session-url>`);
    expect(page.body).toContain('taro@shop.example');
    expect(page.body).toContain('&quot;resource&quot;: &quot;session&quot;');
    const shown = await browser.get(`/dashboard/customers/${customer.id}`);
    expect(shown.statusCode).toBe(200);
    expect(shown.body).toContain('hanako@shop.example');
    const other = await signedIn('ops@b.example');
    expect((await other.get(`/dashboard/sessions/${session.id}`)).statusCode).toBe(404);
    expect((await other.get(`/dashboard/customers/${customer.id}`)).statusCode).toBe(404);
    expect((await browser.get('/dashboard/sessions/NOT-AN-ID')).statusCode).toBe(404);
  });
});
