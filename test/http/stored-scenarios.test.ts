import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, testCard, type Harness, type TestMerchant } from '../helpers/harness';

/**
 * `Komoju-Scenario` on POST /sessions and POST /customers (spec §5.3): "session create (every
 * payment via the session fails), customer create (payments with that customer fail)". The code
 * is kept with the session or customer, never shown, and every payment that results from it fails
 * with that code — through the API, the hosted page, 3-D Secure, a customer, a customer's secure
 * token, a customer_payment session.
 */

let h: Harness;
let m: TestMerchant;
beforeAll(async () => {
  h = await startHarness();
  m = await h.merchant();
});
afterAll(() => h.close());

const scenario = (code: string) => ({ 'komoju-scenario': code });

async function newSession(code: string | null, extra: Record<string, unknown> = {}) {
  const res = await h.request({
    method: 'POST',
    url: '/api/v1/sessions',
    key: m.secretKey,
    headers: code ? scenario(code) : {},
    json: { amount: 1500, currency: 'JPY', return_url: 'https://shop.example/done', default_locale: 'en', payment_types: ['credit_card', 'konbini'], ...extra },
  });
  expect(res.status, res.text).toBe(200);
  expect(JSON.stringify(res.body)).not.toContain('scenario');
  return res.body.id as string;
}

async function newCustomer(code: string | null) {
  const res = await h.request({ method: 'POST', url: '/api/v1/customers', key: m.secretKey, headers: code ? scenario(code) : {}, json: { payment_details: testCard() } });
  expect(res.status, res.text).toBe(200);
  expect(JSON.stringify(res.body)).not.toContain('scenario');
  return res.body.id as string;
}

const pay = (id: string, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  h.request({ method: 'POST', url: `/api/v1/sessions/${id}/pay`, key: m.publishableKey, json: body, headers });

const form = (url: string, fields: Record<string, string>) =>
  h.app.inject({ method: 'POST', url, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams(fields).toString() });

describe('Komoju-Scenario on POST /sessions', () => {
  it('every payment of the session fails with the code: card, konbini, and the hosted page; the session stays payable', async () => {
    const id = await newSession('insufficient_funds');
    const card = await pay(id, { payment_details: testCard() });
    expect(card.status).toBe(502);
    expect(card.body).toMatchObject({ status: 'error', error: { code: 'insufficient_funds' } });
    const konbini = await pay(id, { payment_details: { type: 'konbini', store: 'lawson', email: 'taro@example.com', phone: '0312345678' } });
    expect(konbini.body).toMatchObject({ status: 'error', error: { code: 'insufficient_funds' } });
    const page = await form(`/sessions/${id}/pay`, { type: 'credit_card', name: 'Taro Yamada', number: '4111111111111111', expiry: '12/39', verification_value: '123', locale: 'en' });
    expect(page.statusCode).toBe(422);
    expect(page.body).toContain('Your card has insufficient funds.');
    // The request's own header wins over the session's.
    const other = await pay(id, { payment_details: testCard() }, scenario('card_declined'));
    expect(other.body).toMatchObject({ status: 'error', error: { code: 'card_declined' } });

    const payments = await h.request({ url: '/api/v1/payments?per_page=10', key: m.secretKey });
    const ofSession = payments.body.data.filter((p: { session: string }) => p.session === id);
    expect(ofSession.map((p: { status: string }) => p.status)).toEqual(['failed', 'failed', 'failed', 'failed']);
    expect((await h.request({ url: `/api/v1/sessions/${id}`, key: m.secretKey })).body.status).toBe('pending');
    // A session without the header pays as usual.
    expect((await pay(await newSession(null), { payment_details: testCard() })).body).toMatchObject({ status: 'completed', payment: { status: 'captured' } });
  });

  it('a 3-D Secure card passes authentication, then its payment fails with the code', async () => {
    const id = await newSession('card_declined');
    const started = await pay(id, { payment_details: testCard({ number: '4100000000000100' }) });
    expect(started.body).toMatchObject({ status: 'pending', payment: null });
    const url = new URL(started.body.redirect_url);
    const authenticated = await h.app.inject({ url: url.pathname + url.search });
    const back = new URL(authenticated.headers.location as string);
    expect(back.pathname).toBe(`/sessions/${id}/authenticated`);
    const page = await h.app.inject({ url: back.pathname + back.search });
    expect(page.statusCode).toBe(422);
    expect(page.body).toContain('Your card was declined.');
    const shown = await h.request({ url: `/api/v1/sessions/${id}`, key: m.secretKey });
    expect(shown.body).toMatchObject({ status: 'pending' });
  });

  it('is refused unless it is a decline code, and outside test mode', async () => {
    for (const code of ['not_a_code', 'not_found']) {
      const res = await h.request({ method: 'POST', url: '/api/v1/sessions', key: m.secretKey, headers: scenario(code), json: { amount: 100, currency: 'JPY' } });
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'bad_request', param: 'Komoju-Scenario' });
    }
    const live = await h.merchant({ mode: 'live' });
    for (const url of ['/api/v1/sessions', '/api/v1/customers']) {
      const res = await h.request({ method: 'POST', url, key: live.secretKey, headers: scenario('card_declined'), json: { amount: 100, currency: 'JPY' } });
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'bad_request', param: 'Komoju-Scenario' });
    }
  });
});

describe('Komoju-Scenario on POST /customers', () => {
  it('payments with the customer fail with the code; its events do not show it', async () => {
    const customer = await newCustomer('exceeds_limit');
    const res = await h.request({ method: 'POST', url: '/api/v1/payments', key: m.secretKey, json: { amount: 1000, currency: 'JPY', customer } });
    expect(res.status).toBe(502);
    expect(res.body.error.code).toBe('exceeds_limit');
    const failed = await h.request({ url: '/api/v1/payments?per_page=1', key: m.secretKey });
    expect(failed.body.data[0]).toMatchObject({ status: 'failed', customer });
    const created = await h.request({ url: `/api/v1/events?type=customer.created&resource_id=${customer}`, key: m.secretKey });
    expect(created.body.data).toHaveLength(1);
    expect(JSON.stringify(created.body.data[0])).not.toContain('exceeds_limit');

    // A customer made without it pays.
    const plain = await newCustomer(null);
    const ok = await h.request({ method: 'POST', url: '/api/v1/payments', key: m.secretKey, json: { amount: 1000, currency: 'JPY', customer: plain } });
    expect(ok.body.status).toBe('captured');
  });

  it('a secure token of the customer, once verified, pays nothing either', async () => {
    const customer = await newCustomer('insufficient_funds');
    const token = await h.request({ method: 'POST', url: '/api/v1/secure_tokens', key: m.secretKey, json: { amount: 1000, currency: 'JPY', return_url: 'https://shop.example/back', customer } });
    expect(token.status, token.text).toBe(200);
    const url = new URL(token.body.authentication_url);
    expect((await h.app.inject({ url: url.pathname + url.search })).statusCode).toBe(303);
    const res = await h.request({ method: 'POST', url: '/api/v1/payments', key: m.secretKey, json: { amount: 1000, currency: 'JPY', payment_details: token.body.id } });
    expect(res.status, res.text).toBe(502);
    expect(res.body.error.code).toBe('insufficient_funds');
  });

  it("a customer_payment session of the customer: its payment fails with the customer's code", async () => {
    const customer = await newCustomer('card_declined');
    const id = await newSession(null, { mode: 'customer_payment', customer_id: customer, payment_types: ['credit_card'] });
    const res = await pay(id, { payment_details: testCard() });
    expect(res.body).toMatchObject({ status: 'error', error: { code: 'card_declined' } });
  });
});
