import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness, type TestMerchant } from '../helpers/harness';

/**
 * The Hosted Page through app.inject: rendering (amount, merchant, methods, languages, headers),
 * plain form posts (card success and decline, konbini, offsite, field errors) and "Return to
 * merchant". The browser-driven version is test/e2e/session.test.ts.
 */

let h: Harness;
let m: TestMerchant;

beforeAll(async () => {
  h = await startHarness();
  m = await h.merchant();
});
afterAll(() => h.close());

async function newSession(extra: Record<string, unknown> = {}) {
  const res = await h.request({
    method: 'POST',
    url: '/api/v1/sessions',
    key: m.secretKey,
    json: { amount: 1500, currency: 'JPY', return_url: 'https://shop.example/done?order=9', payment_types: ['credit_card', 'konbini', 'paypay'], ...extra },
  });
  expect(res.status, res.text).toBe(200);
  return res.body as { id: string; session_url: string };
}

function post(url: string, form: Record<string, string>) {
  return h.app.inject({ method: 'POST', url, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams(form).toString() });
}

const card = { type: 'credit_card', name: 'Taro Yamada', number: '4111 1111 1111 1111', expiry: '12/39', verification_value: '123' };

describe('GET /sessions/:id', () => {
  it('renders merchant, amount and one form per method, with strict headers', async () => {
    const session = await newSession();
    expect(session.session_url).toBe(`http://kessai.test/sessions/${session.id}`);
    const res = await h.app.inject({ url: `/sessions/${session.id}` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(String(res.headers['content-security-policy'])).toContain("default-src 'self'");
    expect(String(res.headers['content-security-policy'])).toContain('https://shop.example');
    expect(res.body).toContain('lang="ja"');
    expect(res.body).toContain('¥1,500');
    for (const type of ['credit_card', 'konbini', 'paypay']) expect(res.body).toContain(`data-method="${type}"`);
    expect(res.body).toContain('/assets/konbini/lawson.svg');
    // The card form shows the logos of the brands the session's `brands` lists, named for screen readers.
    for (const brand of ['visa', 'master', 'jcb', 'american_express']) expect(res.body).toContain(`src="/assets/cards/${brand}.svg"`);
    expect(res.body).toMatch(/<img src="\/assets\/cards\/visa.svg" alt="Visa"/);
    // One script, from this server (the CSP allows nothing else); no inline code.
    expect([...res.body.matchAll(/<script[^>]*>/g)].map((m) => m[0])).toEqual(['<script src="/assets/session.js" defer>']);
    expect(String(res.headers['content-security-policy'])).not.toContain('unsafe-inline');
    const script = await h.app.inject({ url: '/assets/session.js' });
    expect(script.statusCode).toBe(200);
    expect(String(script.headers['content-type'])).toContain('text/javascript');
    const en = await h.app.inject({ url: `/sessions/${session.id}?locale=en` });
    expect(en.body).toContain('lang="en"');
    expect(en.body).toContain('Card number');
    const ko = await h.app.inject({ url: `/sessions/${session.id}?locale=ko` });
    expect(ko.body).toContain('카드 번호');
  });

  it('an unknown session is a 404 page', async () => {
    const res = await h.app.inject({ url: '/sessions/nosuchsession0000000000000' });
    expect(res.statusCode).toBe(404);
  });
});

describe('the method picker', () => {
  const checked = (body: string) => [...body.matchAll(/<input type="radio" name="pick" value="([a-z_]+)"[^>]*?( checked)?>/g)].map((m) => `${m[1]}${m[2] ? '*' : ''}`);

  it('lists the methods as radios with icons, none chosen, each followed by its form; Pay shows the total', async () => {
    const session = await newSession();
    const res = await h.app.inject({ url: `/sessions/${session.id}?locale=en` });
    expect(checked(res.body)).toEqual(['credit_card', 'konbini', 'paypay']);
    expect(res.body).toMatch(/<fieldset class="methods" data-picker><legend><h2>Choose how to pay<\/h2><\/legend>/);
    expect(res.body).toContain('<img src="/payment_methods/konbini.svg" alt=""');
    expect(res.body).toMatch(/data-option="konbini"><label class="pick">[\s\S]*?<section class="method" data-method="konbini"/);
    expect(res.body).toContain('<button type="submit" class="button primary">Pay ¥1,500</button>');
    const ja = await h.app.inject({ url: `/sessions/${session.id}?locale=ja` });
    expect(ja.body).toContain('>¥1,500を支払う</button>');
  });

  it('opens the only method of a one-method session, and the method a refused attempt came from', async () => {
    const single = await newSession({ payment_types: ['konbini'] });
    expect(checked((await h.app.inject({ url: `/sessions/${single.id}` })).body)).toEqual(['konbini*']);
    const session = await newSession();
    const refused = await post(`/sessions/${session.id}/pay`, { type: 'konbini', store: 'nowhere', locale: 'en' });
    expect(checked(refused.body)).toEqual(['credit_card', 'konbini*', 'paypay']);
  });
});

describe('POST /sessions/:id/pay (plain form)', () => {
  it('card success: 303 to return_url with session_id; the session is completed', async () => {
    const session = await newSession();
    const res = await post(`/sessions/${session.id}/pay`, card);
    expect(res.statusCode, res.body).toBe(303);
    expect(res.headers.location).toBe(`https://shop.example/done?order=9&session_id=${session.id}`);
    const shown = await h.request({ url: `/api/v1/sessions/${session.id}`, key: m.secretKey });
    expect(shown.body.status).toBe('completed');
    expect(shown.body.payment.status).toBe('captured');
    const page = await h.app.inject({ url: `/sessions/${session.id}` });
    expect(page.body).toContain('data-state="completed"');
  });

  it('a decline is shown on the page (422) and the session stays payable', async () => {
    const session = await newSession();
    const res = await post(`/sessions/${session.id}/pay`, { ...card, number: '4123111111111059', locale: 'en' });
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain('data-error="credit_card"');
    expect(res.body).toContain('Your card was declined.');
    expect(res.body).not.toContain('4123111111111059');
    const ok = await post(`/sessions/${session.id}/pay`, card);
    expect(ok.statusCode).toBe(303);
  });

  it('a bad expiry is shown next to the field', async () => {
    const session = await newSession();
    const res = await post(`/sessions/${session.id}/pay`, { ...card, expiry: '13' });
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain('data-error="expiry"');
  });

  it('konbini: 303 to the instructions; offsite: to the simulator', async () => {
    const k = await newSession();
    const res = await post(`/sessions/${k.id}/pay`, { type: 'konbini', store: 'lawson', email: 'taro@example.com' });
    expect(res.statusCode, res.body).toBe(303);
    expect(res.headers.location).toMatch(/\/ja\/instructions\/[0-9a-z]+$/);
    // The instructions lead back to the merchant, with the session id.
    const instructions = await h.app.inject({ url: new URL(res.headers.location as string).pathname });
    expect(instructions.body).toContain(`href="https://shop.example/done?order=9&amp;session_id=${k.id}"`);
    const o = await newSession();
    const off = await post(`/sessions/${o.id}/pay`, { type: 'paypay' });
    expect(off.statusCode, off.body).toBe(303);
    expect(off.headers.location).toContain('/offsite/new?uuid=');
  });

  it('"Return to merchant" cancels the session and goes back with its id', async () => {
    const session = await newSession();
    const res = await post(`/sessions/${session.id}/cancel`, { locale: 'ja' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe(`https://shop.example/done?order=9&session_id=${session.id}`);
    const shown = await h.request({ url: `/api/v1/sessions/${session.id}`, key: m.secretKey });
    expect(shown.body.status).toBe('cancelled');
    const paid = await post(`/sessions/${session.id}/pay`, card);
    expect(paid.statusCode).toBe(422);
    // The ended page (cancelled here; completed alike) links back to the shop.
    const ended = await h.app.inject({ url: `/sessions/${session.id}?locale=en` });
    expect(ended.body).toContain('data-state="cancelled"');
    expect(ended.body).toContain(`<a class="button secondary" href="https://shop.example/done?order=9&amp;session_id=${session.id}" data-action="back-to-shop">Return to merchant</a>`);
    const completed = await newSession();
    await post(`/sessions/${completed.id}/pay`, card);
    expect((await h.app.inject({ url: `/sessions/${completed.id}` })).body).toContain('data-action="back-to-shop"');
  });

  it('a form posted from another site is refused', async () => {
    const session = await newSession();
    const res = await h.app.inject({
      method: 'POST',
      url: `/sessions/${session.id}/pay`,
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' },
      payload: new URLSearchParams(card).toString(),
    });
    expect(res.statusCode).toBe(403);
  });
});

describe('localized errors and store names', () => {
  it('a decline and a field error read in the page language, never the API\'s English', async () => {
    const session = await newSession();
    const ja = await post(`/sessions/${session.id}/pay`, { ...card, number: '4123111111111000', locale: 'ja' });
    expect(ja.statusCode).toBe(422);
    expect(ja.body).toContain('カードの残高が不足しています。');
    expect(ja.body).not.toContain('Insufficient funds');
    const ko = await post(`/sessions/${session.id}/pay`, { ...card, number: '4111111111111112', locale: 'ko' });
    expect(ko.statusCode).toBe(422);
    expect(ko.body).toContain('data-error="number"');
    expect(ko.body).toContain('올바른 카드 번호를 입력하세요.');
    const en = await post(`/sessions/${session.id}/pay`, { type: 'konbini', store: 'nowhere', locale: 'en' });
    expect(en.body).toContain('Choose a convenience store.');
  });

  it("starts every email field with the session's email, and keeps what the customer typed instead", async () => {
    const session = await newSession({ email: 'taro@shop.example' });
    const page = await h.app.inject({ url: `/sessions/${session.id}?locale=en` });
    expect(page.body).toMatch(/<input id="konbini-email" name="email" type="email"[^>]* value="taro@shop.example"/);
    const refused = await post(`/sessions/${session.id}/pay`, { type: 'konbini', store: 'nowhere', email: 'hanako@shop.example', locale: 'en' });
    expect(refused.body).toMatch(/<input id="konbini-email" name="email" type="email"[^>]* value="hanako@shop.example"/);
  });

  it('konbini stores by their translated names, each with its logo', async () => {
    const session = await newSession();
    const ja = await h.app.inject({ url: `/sessions/${session.id}?locale=ja` });
    expect(ja.body).toContain('<span data-store-name="lawson">ローソン</span>');
    expect(ja.body).toContain('<img src="/assets/konbini/seven-eleven.svg"');
    const en = await h.app.inject({ url: `/sessions/${session.id}?locale=en` });
    expect(en.body).toContain('<span data-store-name="family-mart">FamilyMart</span>');
    // KOMOJU's order (7-Eleven first, not the alphabet's last), under a legend that does not repeat
    // the method's heading (コンビニ) in Japanese.
    const order = [...ja.body.matchAll(/data-store-name="([a-z-]+)"/g)].map((match) => match[1]);
    expect(order).toEqual(['seven-eleven', 'family-mart', 'lawson', 'ministop', 'daily-yamazaki', 'seicomart']);
    expect(ja.body).toContain('<legend>お支払いするコンビニ</legend>');
  });
});

describe('international amounts on the page', () => {
  it('a USD session shows konbini at its converted JPY amount and rate', async () => {
    const session = await newSession({ amount: 6000, currency: 'USD' });
    const res = await h.app.inject({ url: `/sessions/${session.id}?locale=en` });
    expect(res.body).toContain('$60.00');
    expect(res.body).toContain('data-converted="konbini"');
    expect(res.body).toContain('Charged as ¥8,139 (rate 1 USD = 135.65 JPY).');
    const paid = await post(`/sessions/${session.id}/pay`, { type: 'konbini', store: 'lawson', locale: 'en' });
    expect(paid.statusCode, paid.body).toBe(303);
    const shown = await h.request({ url: `/api/v1/sessions/${session.id}`, key: m.secretKey });
    expect(shown.body.payment).toMatchObject({ amount: 8139, currency: 'JPY', session_currency: 'USD', exchange_rate: 135.65 });
  });
});

describe('one-click (external_customer_id)', () => {
  it('save the card, pay with it in one click next time, then remove it', async () => {
    const externalId = `page-shopper-${Date.now()}`;
    const first = await newSession({ external_customer_id: externalId });
    const page = await h.app.inject({ url: `/sessions/${first.id}?locale=en` });
    expect(page.body).toContain('name="save_card"');
    expect(page.body).not.toContain('data-saved-card');
    const saved = await post(`/sessions/${first.id}/pay`, { ...card, number: '5555555555554444', save_card: '1' });
    expect(saved.statusCode, saved.body).toBe(303);

    // Sessions without the id never offer saving or a saved card.
    const anonymous = await newSession();
    const plain = await h.app.inject({ url: `/sessions/${anonymous.id}` });
    expect(plain.body).not.toContain('save_card');
    expect(plain.body).not.toContain('data-saved-card');

    const second = await newSession({ external_customer_id: externalId, amount: 2200 });
    const shown = await h.app.inject({ url: `/sessions/${second.id}?locale=en` });
    expect(shown.body).toContain('data-saved-card');
    expect(shown.body).toContain('Mastercard ending in 4444');
    expect(shown.body).not.toContain('5555555555554444');
    const ja = await h.app.inject({ url: `/sessions/${second.id}?locale=ja` });
    expect(ja.body).toContain('Mastercard（下4桁 4444）');
    const oneClick = await post(`/sessions/${second.id}/pay`, { type: 'credit_card', saved_card: '1', locale: 'en' });
    expect(oneClick.statusCode, oneClick.body).toBe(303);
    expect(oneClick.headers.location).toBe(`https://shop.example/done?order=9&session_id=${second.id}`);
    const paid = await h.request({ url: `/api/v1/sessions/${second.id}`, key: m.secretKey });
    expect(paid.body.payment).toMatchObject({ status: 'captured', amount: 2200, payment_details: { brand: 'master', last_four_digits: '4444' } });

    // Another merchant's session with the same id sees nothing.
    const other = await h.merchant();
    const foreign = await h.request({ method: 'POST', url: '/api/v1/sessions', key: other.secretKey, json: { amount: 100, currency: 'JPY', external_customer_id: externalId } });
    expect((await h.app.inject({ url: `/sessions/${foreign.body.id}` })).body).not.toContain('data-saved-card');

    const third = await newSession({ external_customer_id: externalId });
    const removed = await post(`/sessions/${third.id}/saved_card/remove`, { locale: 'en' });
    expect(removed.statusCode).toBe(200);
    expect(removed.body).toContain('Your saved card was removed.');
    expect(removed.body).not.toContain('data-saved-card');
    const again = await post(`/sessions/${third.id}/pay`, { type: 'credit_card', saved_card: '1', locale: 'en' });
    expect(again.statusCode).toBe(422);
  });

  it('a saved card past its expiry (merchant clock moved) is shown as expired, not offered to pay with', async () => {
    const own = await h.merchant(); // its clock is moved
    const externalId = `expiring-page-${Date.now()}`;
    const create = async () => {
      const res = await h.request({
        method: 'POST',
        url: '/api/v1/sessions',
        key: own.secretKey,
        json: { amount: 1500, currency: 'JPY', return_url: 'https://shop.example/done', payment_types: ['credit_card'], external_customer_id: externalId },
      });
      expect(res.status, res.text).toBe(200);
      return res.body as { id: string };
    };
    const now = new Date((await h.request({ url: '/api/v1/test_helpers/clock', key: own.secretKey })).body.now);
    const mm = String(now.getUTCMonth() + 1).padStart(2, '0');
    const yy = String(now.getUTCFullYear() % 100).padStart(2, '0');
    const first = await create();
    const saved = await post(`/sessions/${first.id}/pay`, { ...card, expiry: `${mm}/${yy}`, save_card: '1' });
    expect(saved.statusCode, saved.body).toBe(303);
    // Still good this month: offered.
    const before = await h.app.inject({ url: `/sessions/${(await create()).id}?locale=en` });
    expect(before.body).toContain('data-action="pay-saved"');

    await h.request({ method: 'POST', url: '/api/v1/test_helpers/clock/advance', key: own.secretKey, json: { seconds: 32 * 86400 } });
    const later = await create();
    const page = await h.app.inject({ url: `/sessions/${later.id}?locale=en` });
    expect(page.body).toContain('data-saved-card');
    expect(page.body).toContain(`data-saved-expired`);
    expect(page.body).toContain(`expired ${mm}/${yy}`);
    expect(page.body).not.toContain('data-action="pay-saved"');
    expect(page.body).not.toContain('Pay with this card');
    expect(page.body).toContain('data-action="remove-saved"');
    // Posting the one-click form anyway is refused on the saved card, and the session stays payable.
    const forced = await post(`/sessions/${later.id}/pay`, { type: 'credit_card', saved_card: '1', locale: 'en' });
    expect(forced.statusCode).toBe(422);
    expect(forced.body).toContain('data-error="credit_card"');
    expect(forced.body).toContain('Your saved card can no longer be used. Use another card.');
    const paid = await post(`/sessions/${later.id}/pay`, card);
    expect(paid.statusCode, paid.body).toBe(303);
  });

  it('customer mode: the page saves the card ("Save"), with no amount', async () => {
    const session = await newSession({ mode: 'customer', amount: undefined, payment_types: ['credit_card'] });
    const page = await h.app.inject({ url: `/sessions/${session.id}?locale=en` });
    expect(page.body).toContain('Save your payment details');
    expect(page.body).toContain('Your card will be kept by the shop for later payments.');
    expect(page.body).not.toContain('data-total');
    const res = await post(`/sessions/${session.id}/pay`, card);
    expect(res.statusCode, res.body).toBe(303);
    const shown = await h.request({ url: `/api/v1/sessions/${session.id}`, key: m.secretKey });
    expect(shown.body.status).toBe('completed');
    const customer = await h.request({ url: `/api/v1/customers/${shown.body.customer_id}`, key: m.secretKey });
    expect(customer.body.source).toMatchObject({ brand: 'visa', last_four_digits: '1111' });
  });
});

describe('3-D Secure on the hosted page', () => {
  it('a challenge card goes to the 3-D Secure page; the right password pays and returns to the shop', async () => {
    const session = await newSession();
    const res = await post(`/sessions/${session.id}/pay`, { ...card, number: '4100000000005000', locale: 'en' });
    expect(res.statusCode, res.body).toBe(303);
    const challenge = new URL(res.headers.location as string);
    expect(challenge.pathname).toBe('/three_d_secure_service/offsite');
    const token = challenge.searchParams.get('token')!;
    const form = await h.app.inject({ url: `${challenge.pathname}${challenge.search}` });
    expect(form.statusCode).toBe(200);
    // The answer is redirected on to the shop: the challenge page's form-action allows it.
    expect(String(form.headers['content-security-policy'])).toContain('https://shop.example');
    const answered = await post('/three_d_secure_service/offsite', { token, password: '123456', locale: 'en' });
    expect(answered.statusCode).toBe(303);
    const back = new URL(answered.headers.location as string);
    expect(back.pathname).toBe(`/sessions/${session.id}/authenticated`);
    const done = await h.app.inject({ url: `${back.pathname}${back.search}` });
    expect(done.statusCode, done.body).toBe(303);
    expect(done.headers.location).toBe(`https://shop.example/done?order=9&session_id=${session.id}`);
    const shown = await h.request({ url: `/api/v1/sessions/${session.id}`, key: m.secretKey });
    expect(shown.body).toMatchObject({ status: 'completed', payment: { status: 'captured', payment_details: { last_four_digits: '5000' } } });
    // Reloading the return page changes nothing.
    const reload = await h.app.inject({ url: `${back.pathname}${back.search}` });
    expect(reload.statusCode).toBe(303);
  });

  it('a failed challenge is shown on the page, localized, and the session stays payable', async () => {
    const session = await newSession();
    const res = await post(`/sessions/${session.id}/pay`, { ...card, number: '4100000000300005', locale: 'ja' });
    const token = new URL(res.headers.location as string).searchParams.get('token')!;
    const answered = await post('/three_d_secure_service/offsite', { token, password: '111111', locale: 'ja' });
    const back = new URL(answered.headers.location as string);
    const page = await h.app.inject({ url: `${back.pathname}${back.search}` });
    expect(page.statusCode).toBe(422);
    expect(page.body).toContain('本人認証（3Dセキュア）ができませんでした');
    const ok = await post(`/sessions/${session.id}/pay`, card);
    expect(ok.statusCode).toBe(303);
  });
});
