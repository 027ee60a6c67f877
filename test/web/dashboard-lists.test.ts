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
    const sessions = (await browser.get('/dashboard/sessions')).body;
    expect(sessions).not.toContain('data-empty="first-payment"');
    // A session has no page of its own yet: its id is on one line, cut short, the full id in the title.
    expect(sessions).toContain(`<td class="id" data-label="ID"><span class="dash-cell"><a href="/dashboard/sessions/${made.json().id}" class="dash-id" title="${made.json().id}" data-id="${made.json().id}">`);
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

describe('CSV export', () => {
  it('exports every payment of the filtered list, all pages, as quoted UTF-8 CSV with the API\'s field names', async () => {
    const { m, browser } = await shop('csv@shop.example');
    const api = paymentApi(h, m.secretKey);
    const made: { id: string; created_at: string }[] = [];
    for (let i = 0; i < 27; i++) made.push(await api.create({ external_order_num: i === 3 ? '=HYPERLINK("x")' : `csv-${i}`, description: 'tea, "green"' }));
    const konbini = await api.create({ payment_details: { type: 'konbini', store: 'lawson', email: 'kon@example.com' } });
    const list = await browser.get('/dashboard/payments?method=credit_card');
    expect(list.body).toContain('<a href="/dashboard/payments.csv?method=credit_card" data-action="export-csv" download>Export CSV</a>');

    const res = await browser.get('/dashboard/payments.csv?method=credit_card&page=2');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="payments-\d{4}-\d{2}-\d{2}\.csv"$/);
    expect(res.body.startsWith('\uFEFF"id","created_at","status","payment_type","currency","amount","tax","payment_method_fee","total","amount_refunded","external_order_num","email","description"\r\n')).toBe(true);
    const lines = res.body.trimEnd().split('\r\n').slice(1);
    expect(lines).toHaveLength(27);
    expect(lines.map((line) => line.slice(1, line.indexOf('"', 1)))).toEqual(made.map((p) => p.id).reverse());
    const fourth = lines.find((line) => line.startsWith(`"${made[3].id}"`))!;
    expect(fourth).toContain(`"'=HYPERLINK(""x"")"`);
    expect(fourth).toContain('"tea, ""green"""');
    expect(fourth).toContain(`"${made[3].created_at}","captured","credit_card","JPY"`);
    expect(res.body).not.toContain(konbini.id);

    const all = await browser.get('/dashboard/payments.csv?status=nonsense');
    expect(all.statusCode).toBe(200);
    expect(all.body.trimEnd().split('\r\n')).toHaveLength(29);
    expect(all.body).toContain('kon@example.com');
    // Another merchant's payments are never in it, and no session means no file.
    const other = await shop('csv-other@shop.example');
    expect((await other.browser.get('/dashboard/payments.csv')).body.trimEnd().split('\r\n')).toHaveLength(1);
    expect((await new DashboardBrowser(h.app, 'en').get('/dashboard/payments.csv')).statusCode).toBe(303);
  });
});
