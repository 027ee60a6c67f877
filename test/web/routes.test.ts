import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness, type TestMerchant } from '../helpers/harness';
import { testProcessor } from '../../src/processors/test-processor';

// The customer pages through app.inject(): status codes, headers, redirects and refusals. The
// browser tests (test/e2e) press the same buttons in Chromium.
let h: Harness;
let merchant: TestMerchant;
beforeAll(async () => {
  h = await startHarness();
  merchant = await h.merchant();
});
afterAll(() => h.close());

const KONBINI = { type: 'konbini', store: 'lawson', email: 'taro@example.com', phone: '090-1111-2222' };

async function create(paymentDetails: Record<string, unknown>, extra: Record<string, unknown> = {}, key = merchant.secretKey) {
  const res = await h.request({ method: 'POST', url: '/api/v1/payments', key, json: { amount: 1000, currency: 'JPY', payment_details: paymentDetails, ...extra } });
  expect(res.status, res.text).toBe(200);
  return res.body;
}

async function status(id: string, key = merchant.secretKey): Promise<string> {
  return (await h.request({ url: `/api/v1/payments/${id}`, key })).body.status;
}

const path = (url: string) => new URL(url).pathname + new URL(url).search;
const form = (body: Record<string, string>, headers: Record<string, string> = {}) => ({
  headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
  payload: new URLSearchParams(body).toString(),
});

describe('instructions page', () => {
  it('is HTML with a strict CSP, no-store, nosniff and a same-origin referrer policy', async () => {
    const payment = await create(KONBINI, { locale: 'en' });
    const res = await h.app.inject({ url: path(payment.payment_details.instructions_url) });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("form-action 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('same-origin');
    expect(res.body).toContain(payment.payment_details.receipt);
    expect(res.body).toContain('Lawson');
  });

  it('follows the locale in the URL', async () => {
    const payment = await create(KONBINI, { locale: 'ja' });
    expect(payment.payment_details.instructions_url).toContain('/ja/instructions/');
    const ja = await h.app.inject({ url: `/ja/instructions/${payment.id}` });
    expect(ja.body).toContain('<html lang="ja">');
    expect(ja.body).toContain('ローソン');
    const ko = await h.app.inject({ url: `/ko/instructions/${payment.id}` });
    expect(ko.body).toContain('로손');
  });

  it('answers a 404 page for an unknown payment, another type, a malformed id or locale', async () => {
    const card = await create({ type: 'credit_card', number: '4111111111111111', month: 12, year: new Date().getUTCFullYear() + 2, verification_value: '123', name: 'T Y' });
    const line = await create({ type: 'line_pay' });
    for (const url of [
      '/en/instructions/aaaaaaaaaaaaaaaaaaaaaaaaa',
      `/en/instructions/${card.id}`,
      `/en/instructions/${line.id}`,
      '/en/instructions/NOT-AN-ID',
      `/fr/instructions/${line.id}`,
    ]) {
      const res = await h.app.inject({ url });
      expect(res.statusCode, url).toBe(404);
      expect(res.headers['content-type'], url).toBe('text/html; charset=utf-8');
      expect(res.headers['content-security-policy'], url).toContain("frame-ancestors 'none'");
    }
    expect((await h.app.inject({ url: '/en/instructions/aaaaaaaaaaaaaaaaaaaaaaaaa' })).body).toContain('Page not found');
  });

  it('"Simulate payment" captures the payment and shows the page again (303)', async () => {
    const payment = await create({ type: 'bank_transfer', family_name: '山田', given_name: '太郎', family_name_kana: 'ヤマダ', given_name_kana: 'タロウ', email: 'taro@example.com', phone: '080-1111-2222' });
    const page = path(payment.payment_details.instructions_url);
    const res = await h.app.inject({ method: 'POST', url: `${page}/simulate`, ...form({}, { origin: 'http://localhost:80', host: 'localhost:80' }) });
    expect(res.statusCode, res.body).toBe(303);
    expect(res.headers.location).toBe(page);
    expect(await status(payment.id)).toBe('captured');
    const again = await h.app.inject({ url: page });
    expect(again.body).toContain('data-status="captured"');
    expect(again.body).not.toContain('<form');
    // Pressing it again (another tab) changes nothing and still shows the page.
    const twice = await h.app.inject({ method: 'POST', url: `${page}/simulate` });
    expect(twice.statusCode).toBe(303);
  });

  it('refuses a form posted from another site, leaving the payment as it was', async () => {
    const payment = await create(KONBINI);
    const simulate = `${path(payment.payment_details.instructions_url)}/simulate`;
    const refused: Record<string, string>[] = [{ origin: 'http://evil.example' }, { origin: 'null' }, { referer: 'http://evil.example/page' }];
    for (const headers of refused) {
      const res = await h.app.inject({ method: 'POST', url: simulate, ...form({}, headers) });
      expect(res.statusCode, JSON.stringify(headers)).toBe(403);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    }
    expect(await status(payment.id)).toBe('authorized');
    // The public URL's origin is ours.
    const ok = await h.app.inject({ method: 'POST', url: simulate, ...form({}, { origin: 'http://kessai.test' }) });
    expect(ok.statusCode).toBe(303);
    expect(await status(payment.id)).toBe('captured');
  });

  it('has no simulate button in live mode, and the POST is refused', async () => {
    const live = await h.merchant({ mode: 'live' });
    // Live mode takes payments only through a configured processor: a stand-in here.
    h.services.liveProcessor = testProcessor();
    const payment = await create(KONBINI, {}, live.secretKey).finally(() => delete h.services.liveProcessor);
    const page = path(payment.payment_details.instructions_url);
    const res = await h.app.inject({ url: page });
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain('<form');
    expect(res.body).not.toContain('class="ribbon"');
    const post = await h.app.inject({ method: 'POST', url: `${page}/simulate` });
    expect(post.statusCode).toBe(403);
    expect(await status(payment.id, live.secretKey)).toBe('authorized');
  });
});

describe('offsite simulator', () => {
  const OUTCOMES = [
    ['approve', 'captured'],
    ['decline', 'failed'],
    ['cancel', 'cancelled'],
  ] as const;

  for (const [action, expected] of OUTCOMES) {
    it(`${action} → ${expected}, then 303 to return_url with payment_id (query kept)`, async () => {
      const payment = await create({ type: 'paypay' }, { return_url: 'https://shop.example/done?order=42' });
      const res = await h.app.inject({ method: 'POST', url: `/offsite/${payment.id}`, ...form({ action }) });
      expect(res.statusCode, res.body).toBe(303);
      expect(res.headers.location).toBe(`https://shop.example/done?order=42&payment_id=${payment.id}`);
      expect(await status(payment.id)).toBe(expected);
    });
  }

  it('shows provider, amount and merchant; its CSP lets the form redirect to the shop only', async () => {
    const payment = await create({ type: 'line_pay', return_url: 'https://shop.example:8443/back' }, { locale: 'en' });
    const res = await h.app.inject({ url: path(payment.payment_details.redirect_url) });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Pay with LINE Pay');
    expect(res.body).toContain('¥1,100');
    expect(res.headers['content-security-policy']).toContain("form-action 'self' https://shop.example:8443");
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.headers['cache-control']).toBe('no-store');
    // The carrier appears beside the method's name.
    const docomo = await create({ type: 'japan_mobile', brand: 'docomo' }, { locale: 'en' });
    expect((await h.app.inject({ url: `/offsite/new?uuid=${docomo.id}` })).body).toContain('(docomo)');
  });

  it('follows the payment locale, or ?locale=', async () => {
    const payment = await create({ type: 'merpay' }, { locale: 'ja' });
    expect((await h.app.inject({ url: `/offsite/new?uuid=${payment.id}` })).body).toContain('承認する');
    expect((await h.app.inject({ url: `/offsite/new?uuid=${payment.id}&locale=en` })).body).toContain('Approve');
  });

  it('without a return_url lands on the result page', async () => {
    const payment = await create({ type: 'line_pay' }, { locale: 'en' });
    const res = await h.app.inject({ method: 'POST', url: `/offsite/${payment.id}`, ...form({ action: 'approve', locale: 'en' }) });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`/offsite/${payment.id}?locale=en`);
    const result = await h.app.inject({ url: res.headers.location as string });
    expect(result.body).toContain('Payment complete');
    expect(result.body).toContain('You can close this page.');
  });

  it('acts only on authorized payments: otherwise it shows where the payment stands', async () => {
    const payment = await create({ type: 'line_pay' }, { return_url: 'https://shop.example/done', locale: 'en' });
    await h.app.inject({ method: 'POST', url: `/offsite/${payment.id}`, ...form({ action: 'cancel' }) });
    const again = await h.app.inject({ method: 'POST', url: `/offsite/${payment.id}`, ...form({ action: 'approve' }) });
    expect(again.statusCode).toBe(303);
    expect(again.headers.location).toBe(`/offsite/${payment.id}?locale=en`);
    expect(await status(payment.id)).toBe('cancelled');
    const page = await h.app.inject({ url: `/offsite/new?uuid=${payment.id}` });
    expect(page.body).not.toContain('<form');
    expect(page.body).toContain('no longer waiting');
    const result = await h.app.inject({ url: `/offsite/${payment.id}` });
    expect(result.body).toContain(`href="https://shop.example/done?payment_id=${payment.id}"`);
  });

  it('never sends the customer to a return_url that is not http(s)', async () => {
    // The API refuses such a URL (test/http/return-url.test.ts); one stored before that rule still
    // never becomes a redirect.
    const refused = await h.request({ method: 'POST', url: '/api/v1/payments', key: merchant.secretKey, json: { amount: 1000, currency: 'JPY', payment_details: { type: 'line_pay', return_url: 'javascript:alert(1)' } } });
    expect(refused.status).toBe(422);
    const payment = await create({ type: 'line_pay', return_url: 'https://shop.example/back' });
    await h.store.db.updateTable('payments').set({ return_url: 'javascript:alert(1)' }).where('id', '=', payment.id).execute();
    const res = await h.app.inject({ method: 'POST', url: `/offsite/${payment.id}`, ...form({ action: 'approve' }) });
    expect(res.headers.location).toBe(`/offsite/${payment.id}?locale=ja`);
    expect((await h.app.inject({ url: `/offsite/${payment.id}` })).body).not.toContain('javascript:');
  });

  it('refuses a cross-site post, a bad action, and payments of other kinds', async () => {
    const payment = await create({ type: 'line_pay' });
    const cross = await h.app.inject({ method: 'POST', url: `/offsite/${payment.id}`, ...form({ action: 'approve' }, { origin: 'http://evil.example' }) });
    expect(cross.statusCode).toBe(403);
    expect(cross.body).toContain('リクエストを拒否しました');
    const bad = await h.app.inject({ method: 'POST', url: `/offsite/${payment.id}`, ...form({ action: 'steal' }) });
    expect(bad.statusCode).toBe(400);
    expect(await status(payment.id)).toBe('authorized');
    const konbini = await create(KONBINI);
    expect((await h.app.inject({ url: `/offsite/new?uuid=${konbini.id}` })).statusCode).toBe(404);
    expect((await h.app.inject({ method: 'POST', url: `/offsite/${konbini.id}`, ...form({ action: 'approve' }) })).statusCode).toBe(404);
    expect((await h.app.inject({ url: '/offsite/new' })).statusCode).toBe(404);
    expect(await status(konbini.id)).toBe('authorized');
  });
});

describe('assets', () => {
  it('serves the stylesheet and nothing else', async () => {
    const css = await h.app.inject({ url: '/assets/kessai.css' });
    expect(css.statusCode).toBe(200);
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(css.headers['cache-control']).toBe('public, max-age=3600');
    expect((await h.app.inject({ url: '/assets/missing.css' })).statusCode).toBe(404);
    // Paths climbing out of the folder reach no file (the router may not even route them here).
    for (const url of ['/assets/%2e%2e/routes/assets.ts', '/assets/..%2froutes%2fassets.ts', '/assets/../routes/assets.ts']) {
      const res = await h.app.inject({ url });
      expect(res.statusCode, url).toBeGreaterThanOrEqual(400);
      expect(res.body, url).not.toContain('readdirSync');
    }
  });
});
