import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDashboardUser, createLoginLink } from '../../src/domain/dashboard/auth';
import { startHarness, type Harness } from '../helpers/harness';
import { paymentApi } from '../helpers/payment-api';
import { DASHBOARD_PASSWORD, DashboardBrowser, signedIn as signedInAs } from '../helpers/dashboard-browser';

// The payment list as a merchant scans it (issue 19): what matters first, ids last, short and
// linked; empty states that say how to make the first payment; and the sign-in page.

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

/** A new merchant with a dashboard user, signed in. */
async function shop(email: string) {
  const m = await h.merchant();
  await createDashboardUser(h.store.db, h.clock.now(), { merchantId: m.id, email, password: DASHBOARD_PASSWORD });
  return { m, browser: await signedInAs(h.app, email) };
}

const headers = (body: string) => [...body.matchAll(/<th scope="col">([^<]*)<\/th>/g)].map((match) => match[1]);

describe('the payment list', () => {
  it('leads with created, total, status, method and customer; the id last, one line, linked, its full text in the title', async () => {
    const { m, browser } = await shop('scan@shop.example');
    const payment = await paymentApi(h, m.secretKey).create({ external_order_num: 'order-77', email: 'buyer@example.com' });
    const res = await browser.get('/dashboard/payments');
    expect(res.statusCode).toBe(200);
    expect(headers(res.body)).toEqual(['Created', 'Total', 'Status', 'Payment method', 'Customer / order', 'Refunded', 'ID']);
    expect(res.body).toContain(`<a href="/dashboard/payments/${payment.id}" class="dash-id" title="${payment.id}" data-id="${payment.id}"><code>${payment.id}</code></a>`);
    expect(res.body).toContain('buyer@example.com');
    expect(res.body).toContain('order-77');
    expect(res.body).toContain('class="dash-table-wrap dash-table-cards"');
    expect(res.body).toContain('<td class="id" data-label="ID">');
    const css = (await h.app.inject('/assets/dashboard.css')).body;
    expect(css).toMatch(/\.dash-id \{[^}]*white-space: nowrap[^}]*\}/);
    expect(css).toMatch(/\.dash-id \{[^}]*text-overflow: ellipsis[^}]*\}/);
  });

  it('links every payment id in the other lists to the payment, the same way', async () => {
    const { m, browser } = await shop('links@shop.example');
    const payment = await paymentApi(h, m.secretKey).create({});
    const balances = await browser.get('/dashboard/balances');
    expect(balances.body).toContain(`<a href="/dashboard/payments/${payment.id}" class="dash-id"`);
  });
});

describe('empty states', () => {
  it('an empty payment list says how to make the first payment: a curl that works once the secret key is put in', async () => {
    const { m, browser } = await shop('empty@shop.example');
    const res = await browser.get('/dashboard/payments');
    expect(res.body).toContain('No payments yet.');
    expect(res.body).toContain('<a href="/dashboard/settings">Settings</a>');
    const curl = /<pre class="dash-curl" data-curl>([^<]+)<\/pre>/.exec(res.body)![1];
    expect(curl).toContain('curl -u sk_test_…: ');
    expect(res.body).not.toContain(m.secretKey);
    const fields = Object.fromEntries([...curl.matchAll(/-d (\w+)=(\S+)/g)].map((match) => [match[1], match[2].replace(/&#x2F;|&#47;/g, '/')]));
    const url = new URL(/(https?:\/\/\S+)/.exec(curl)![1]);
    const made = await h.app.inject({ method: 'POST', url: url.pathname, headers: { authorization: `Basic ${Buffer.from(`${m.secretKey}:`).toString('base64')}` }, payload: fields });
    expect(made.statusCode, made.body).toBe(200);
    expect(made.json().session_url).toBeTruthy();
    expect((await browser.get('/dashboard/sessions')).body).not.toContain('data-empty="first-payment"');
    const filtered = await browser.get('/dashboard/payments?status=captured');
    expect(filtered.body).toContain('No payments match.');
    expect(filtered.body).not.toContain('data-curl');
  });

  it('an empty session list shows the same; the home chart with nothing captured is a sentence, not a ¥0 axis', async () => {
    const { browser } = await shop('nochart@shop.example');
    expect((await browser.get('/dashboard/sessions')).body).toContain('data-empty="first-payment"');
    const home = await browser.get('/dashboard');
    expect(home.body).toContain('No captured payments in the last 14 days.');
    expect(home.body).not.toContain('class="axis"');
    expect(home.body).not.toContain('<svg viewBox');
  });
});

describe('sign-in page', () => {
  it('is one card in the middle (no menu) and says how to get an account, in en and ja', async () => {
    for (const [language, heading] of [['en', 'No account yet?'], ['ja', 'アカウントがない場合']]) {
      const res = await new DashboardBrowser(h.app, language).get('/dashboard/login');
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('<div class="dash-body dash-alone">');
      expect(res.body).not.toContain('class="dash-nav"');
      expect(res.body).toContain(heading);
      expect(res.body).toContain('npx kessai users create --email you@shop.example');
    }
    const css = (await h.app.inject('/assets/dashboard.css')).body;
    expect(css).toMatch(/\.dash-alone \{[^}]*justify-content: center/);
  });

  it("shows the user's email in the header; after a one-time link, no stand-in for a name", async () => {
    const { m, browser } = await shop('who@shop.example');
    const home = await browser.get('/dashboard');
    expect(home.body).toContain('<span class="dash-email" data-user-email>who@shop.example</span>');
    expect(home.body).toContain('<div class="dash-body">');
    const linked = new DashboardBrowser(h.app, 'en');
    await linked.get(`/dashboard/login/${await createLoginLink(h.store.db, m.id, h.clock.now())}`);
    const page = await linked.get('/dashboard');
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain('one-time link');
    expect(page.body).not.toContain('dash-email');
    expect(page.body).toContain('data-action="sign-out"');
  });
});
