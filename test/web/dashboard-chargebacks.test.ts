import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDashboardUser } from '../../src/domain/dashboard/auth';
import { DASHBOARD_PASSWORD, signedIn, type DashboardBrowser } from '../helpers/dashboard-browser';
import { startHarness, type Harness, type TestMerchant } from '../helpers/harness';
import { paymentApi } from '../helpers/payment-api';

/**
 * The dashboard's chargeback pages: the list (status, due date, amount) and the detail (timeline,
 * defense, documents), Accept and Defend through the API's domain commands, one merchant's only.
 */

let h: Harness;
let shop: TestMerchant;
let other: TestMerchant;
let empty: TestMerchant;
beforeAll(async () => {
  h = await startHarness();
  [shop, other, empty] = [await h.merchant(), await h.merchant(), await h.merchant()];
  for (const [m, email] of [[shop, 'ops@cb.example'], [other, 'ops@other.example'], [empty, 'ops@empty.example']] as const) {
    await createDashboardUser(h.store.db, h.clock.now(), { merchantId: m.id, email, password: DASHBOARD_PASSWORD });
  }
});
afterAll(() => h.close());

const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
const CARD = '4111111111111111';

/** A captured card payment of `shop`, disputed: the pending chargeback as the API shows it. */
async function disputed(amount = 5000) {
  const api = paymentApi(h, shop.secretKey);
  const payment = await api.create({ amount, tax: 0 });
  const res = await api.post(`/api/v1/test_helpers/payments/${payment.id}/chargeback`, {});
  expect(res.status, res.text).toBe(201);
  return res.body;
}

async function status(id: string) {
  return (await paymentApi(h, shop.secretKey).get(`/api/v1/chargeback_requests/${id}`)).body.status;
}

async function pagesHold(browser: DashboardBrowser, urls: string[], check: (body: string) => void) {
  for (const url of urls) {
    for (const locale of ['ja', 'en']) {
      const res = await browser.get(`${url}${url.includes('?') ? '&' : '?'}locale=${locale}`);
      expect(res.statusCode, `${url} ${locale}`).toBe(200);
      expect(res.body).not.toMatch(/<script/i);
      check(res.body);
    }
  }
}

describe('dashboard chargebacks', () => {
  it('says there are none, in both languages, with the nav entry', async () => {
    const browser = await signedIn(h.app, 'ops@empty.example');
    const en = await browser.get('/dashboard/chargebacks?locale=en');
    expect(en.body).toContain('<p class="dash-empty">No chargebacks yet.</p>');
    expect(en.body).toContain('href="/dashboard/chargebacks" aria-current="page"');
    expect((await browser.get('/dashboard/chargebacks?locale=ja')).body).toContain('チャージバックはまだありません。');
  });

  it('lists them with status, due date and amount, and shows one with its timeline and the two answers', async () => {
    const chargeback = await disputed(5000);
    const browser = await signedIn(h.app, 'ops@cb.example');
    const list = await browser.get('/dashboard/chargebacks?locale=en');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain(`data-row="${chargeback.id}"`);
    expect(list.body).toContain(`href="/dashboard/chargebacks/${chargeback.id}"`);
    expect(list.body).toContain('data-chargeback-status="pending"');
    expect(list.body).toContain('¥5,000');
    expect((await browser.get('/dashboard/chargebacks?status=accepted')).body).not.toContain(`data-row="${chargeback.id}"`);

    const page = await browser.get(`/dashboard/chargebacks/${chargeback.id}?locale=en`);
    expect(page.body).toContain('data-field="due_date"');
    expect(page.body).toContain('data-step="created"');
    expect(page.body).toContain('•••• 1111');
    expect(page.body).toContain('data-form="accept"');
    expect(page.body).toContain('enctype="multipart/form-data"');
    expect(page.body).toContain('data-defense="none"');
    await pagesHold(browser, ['/dashboard/chargebacks', `/dashboard/chargebacks/${chargeback.id}`], (body) => expect(body).not.toContain(CARD));
  });

  it('Accept debits the dispute as the API does; the answers are then gone', async () => {
    const chargeback = await disputed(3000);
    const browser = await signedIn(h.app, 'ops@cb.example');
    const res = await browser.post(`/dashboard/chargebacks/${chargeback.id}/accept`);
    expect(res.statusCode, res.body).toBe(303);
    expect(res.headers.location).toBe(`/dashboard/chargebacks/${chargeback.id}?done=accepted`);
    expect(await status(chargeback.id)).toBe('accepted');
    const ledger = (await paymentApi(h, shop.secretKey).get('/api/v1/balances/JPY/transactions?type=chargeback')).body.data;
    expect(ledger).toContainEqual(expect.objectContaining({ type: 'chargeback', amount_cents: 3000 }));
    const page = await browser.get(res.headers.location as string);
    expect(page.body).toContain('data-notice="ok"');
    expect(page.body).toContain('data-chargeback-status="accepted"');
    expect(page.body).toContain('data-step="accepted"');
    expect(page.body).not.toContain('data-form="accept"');
    expect(page.body).not.toContain('data-form="defend"');
    const again = await browser.post(`/dashboard/chargebacks/${chargeback.id}/defend`, { description: 'late' });
    expect(again.statusCode).toBe(422);
  });

  it('Defend uploads the document with the defense; the page lists it and its link downloads it', async () => {
    const chargeback = await disputed();
    const browser = await signedIn(h.app, 'ops@cb.example');
    const missing = await browser.postMultipart(`/dashboard/chargebacks/${chargeback.id}/defend`, { description: 'Signed for.' });
    expect(missing.statusCode).toBe(422);
    expect(missing.body).toContain('data-notice="error"');
    expect(await status(chargeback.id)).toBe('pending');

    const res = await browser.postMultipart(
      `/dashboard/chargebacks/${chargeback.id}/defend`,
      { description: 'The customer signed for the parcel.', tracking_number: 'JP123', recipient_name: 'Taro' },
      { document: { name: 'receipt.png', type: 'image/png', bytes: PNG } },
    );
    expect(res.statusCode, res.body).toBe(303);
    expect(await status(chargeback.id)).toBe('defended');
    const page = await browser.get(`/dashboard/chargebacks/${chargeback.id}?locale=en`);
    expect(page.body).toContain('The customer signed for the parcel.');
    expect(page.body).toContain('JP123');
    const link = /<a href="([^"]+)" data-document="receipt.png">/.exec(page.body);
    expect(link).not.toBeNull();
    const file = await h.app.inject({ method: 'GET', url: new URL(link![1].replaceAll('&amp;', '&')).pathname + new URL(link![1].replaceAll('&amp;', '&')).search });
    expect(file.statusCode).toBe(200);
    expect(file.rawPayload.equals(PNG)).toBe(true);
  });

  it("another merchant's chargeback is not found, not listed, and cannot be answered", async () => {
    const chargeback = await disputed();
    const browser = await signedIn(h.app, 'ops@other.example');
    expect((await browser.get(`/dashboard/chargebacks/${chargeback.id}`)).statusCode).toBe(404);
    expect((await browser.get('/dashboard/chargebacks')).body).not.toContain(chargeback.id);
    expect((await browser.post(`/dashboard/chargebacks/${chargeback.id}/accept`)).statusCode).toBe(404);
    const defend = await browser.postMultipart(`/dashboard/chargebacks/${chargeback.id}/defend`, { description: 'x' }, { document: { name: 'a.png', type: 'image/png', bytes: PNG } });
    expect(defend.statusCode).toBe(404);
    expect(await status(chargeback.id)).toBe('pending');
    const owner = await signedIn(h.app, 'ops@cb.example');
    expect((await owner.post(`/dashboard/chargebacks/${chargeback.id}/accept`, {}, null)).statusCode).toBe(403);
    expect(await status(chargeback.id)).toBe('pending');
  });

  it('offers no answer once the due date has passed on the merchant\'s clock, and refuses one', async () => {
    const chargeback = await disputed();
    expect((await paymentApi(h, shop.secretKey).post('/api/v1/test_helpers/clock/advance', { seconds: 15 * 86400 })).status).toBe(200);
    const browser = await signedIn(h.app, 'ops@cb.example');
    const page = await browser.get(`/dashboard/chargebacks/${chargeback.id}`);
    expect(page.body).toContain('data-step="expired"');
    expect(page.body).not.toContain('data-form="accept"');
    expect(page.body).not.toContain('data-form="defend"');
    expect((await browser.post(`/dashboard/chargebacks/${chargeback.id}/accept`)).statusCode).toBe(422);
    expect(await status(chargeback.id)).toBe('expired');
  });

  it('never answers 5xx to odd ids, queries and bodies on the money pages', async () => {
    const chargeback = await disputed();
    const browser = await signedIn(h.app, 'ops@cb.example');
    const gets = [
      '/dashboard/chargebacks?status=<script>&page=-1',
      '/dashboard/chargebacks?status[]=pending&page=1e9',
      '/dashboard/chargebacks/%00',
      `/dashboard/chargebacks/${'a'.repeat(80)}`,
      '/dashboard/balances/%00',
      `/dashboard/balances/${'x'.repeat(80)}?page=abc`,
      '/dashboard/settlements/NOPE/csv',
      '/dashboard/settlements?page=0',
      '/dashboard/disbursements?status[]=paid',
      '/dashboard/disbursements/..%2F..%2Fetc',
    ];
    for (const url of gets) {
      const res = await browser.get(url);
      expect(res.statusCode, url).toBeLessThan(500);
      expect(res.headers['content-type'], url).toBe('text/html; charset=utf-8');
      expect(res.body, url).not.toContain('<script>');
    }
    const csrf = await browser.csrf();
    const defend = `/dashboard/chargebacks/${chargeback.id}/defend`;
    const posts: [string, string, string][] = [
      [defend, 'multipart/form-data; boundary=xyz', 'not multipart at all'],
      [defend, 'multipart/form-data', `--x\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${csrf}\r\n--x--\r\n`],
      [defend, 'application/json', JSON.stringify({ _csrf: csrf, description: 'x', document: { document_base64: 'iVBORw0KGgo=' } })],
      [defend, 'application/x-www-form-urlencoded', `_csrf=${csrf}&description[]=x&document=abc`],
      [`/dashboard/chargebacks/${chargeback.id}/accept`, 'application/json', '[1,2,3]'],
      ['/dashboard/disbursements/NOPE/cancel', 'application/x-www-form-urlencoded', `_csrf=${csrf}&cancel_reason[]=x`],
    ];
    for (const [url, type, payload] of posts) {
      const res = await browser.request({ method: 'POST', url, headers: { 'content-type': type }, payload });
      expect(res.statusCode, `${url} ${payload}`).toBeLessThan(500);
      expect(res.statusCode, `${url} ${payload}`).toBeGreaterThanOrEqual(400);
    }
    const file = { name: 'a.png', type: 'image/png', bytes: PNG };
    expect((await browser.postMultipart(defend, { description: 'Signed for.' }, { _csrf: file, document: file })).statusCode).toBe(403);
    expect((await browser.postMultipart(defend, {}, { description: file, document: file })).statusCode).toBe(422);
    expect(await status(chargeback.id)).toBe('pending');
  });
});
