import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config';
import { convertAmount, defaultRates, exchangeRate, parseRates, RatesError } from '../../src/domain/rates';
import { startHarness, testCard, type Harness, type TestMerchant } from '../helpers/harness';

/**
 * Sessions beyond the seed: international amounts (spec §6.3: a method that does not take the
 * session's currency is offered converted, and the payment is made in its currency, recording
 * the session's amount, currency and rate), customer modes (save details without paying, or pay
 * and save), one-click through the API (`payment_details.external_customer_id`,
 * DELETE /external_customers/:id) and 3-D Secure test cards sent to the authentication page.
 * The hosted page's side of these is test/web/session-page.test.ts.
 */

let h: Harness;
let m: TestMerchant;

beforeAll(async () => {
  h = await startHarness();
  m = await h.merchant();
});
afterAll(() => h.close());

async function newSession(json: Record<string, unknown>) {
  const res = await h.request({ method: 'POST', url: '/api/v1/sessions', key: m.secretKey, json: { return_url: 'https://shop.example/done', ...json } });
  expect(res.status, res.text).toBe(200);
  return res.body;
}

function pay(id: string, body: Record<string, unknown>, key = m.publishableKey) {
  return h.request({ method: 'POST', url: `/api/v1/sessions/${id}/pay`, key, json: body });
}

describe('exchange rates', () => {
  it('converts with the currency minor units, rounding half up (the digest\'s examples)', () => {
    expect(convertAmount(6000, 'USD', 'JPY', 135.65)).toBe(8139);
    expect(convertAmount(6000, 'JPY', 'EUR', 0.00697)).toBe(4182);
    expect(convertAmount(1, 'JPY', 'USD', 0.005)).toBe(1); // 0.5 cent rounds up
    expect(convertAmount(1234, 'JPY', 'JPY', 1)).toBe(1234);
    expect(convertAmount(1000, 'KRW', 'JPY', 0.1)).toBe(100);
  });

  it('cross rates come from the table, kept to 8 significant digits', () => {
    const rates = defaultRates();
    expect(exchangeRate(rates, 'USD', 'JPY')).toBe(135.65);
    expect(exchangeRate(rates, 'JPY', 'JPY')).toBe(1);
    const eurJpy = exchangeRate(rates, 'EUR', 'JPY')!;
    expect(eurJpy.toPrecision(8)).toBe(String(eurJpy));
    expect(eurJpy).toBeCloseTo(135.65 / 0.9455, 4);
    expect(exchangeRate(parseRates({ base: 'USD', rates: { JPY: 150 } }, 't'), 'USD', 'EUR')).toBeNull();
  });

  it('refuses a malformed rates document', () => {
    expect(() => parseRates([], 'x')).toThrow(RatesError);
    expect(() => parseRates({ base: 'XXX', rates: {} }, 'x')).toThrow(/base/);
    expect(() => parseRates({ base: 'USD', rates: { JPY: -1 } }, 'x')).toThrow(/positive/);
    expect(() => parseRates({ base: 'USD', rates: { ZZZ: 1 } }, 'x')).toThrow(/unknown currency/);
  });

  it('KESSAI_RATES_FILE replaces the built-in rates; a bad file is a configuration error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kessai-rates-'));
    const file = join(dir, 'rates.json');
    writeFileSync(file, JSON.stringify({ base: 'JPY', rates: { USD: 0.0066 } }));
    const config = loadConfig({ KESSAI_RATES_FILE: file });
    expect(exchangeRate(config.rates, 'JPY', 'USD')).toBe(0.0066);
    expect(exchangeRate(config.rates, 'JPY', 'EUR')).toBeNull();
    expect(exchangeRate(loadConfig({}).rates, 'USD', 'JPY')).toBe(135.65);
    writeFileSync(file, '{nope');
    expect(() => loadConfig({ KESSAI_RATES_FILE: file })).toThrow(ConfigError);
    expect(() => loadConfig({ KESSAI_RATES_FILE: join(dir, 'missing.json') })).toThrow(/KESSAI_RATES_FILE/);
  });
});

describe('international sessions (spec §6.3)', () => {
  it('a USD session offers konbini in JPY at the converted amount; the card in USD', async () => {
    const session = await newSession({ amount: 6000, currency: 'USD', payment_types: ['credit_card', 'konbini'] });
    const [card, konbini] = session.payment_methods;
    expect(card).toMatchObject({ type: 'credit_card', amount: 6000, currency: 'USD', exchange_rate: 1 });
    expect(konbini).toMatchObject({ type: 'konbini', amount: 8139, currency: 'JPY', exchange_rate: 135.65 });
    expect(konbini.brands).toBeDefined();
  });

  it('by default a USD session offers the JPY-only methods too, converted', async () => {
    const session = await newSession({ amount: 1000, currency: 'USD' });
    const types = session.payment_methods.map((e: { type: string }) => e.type);
    expect(types).toEqual(expect.arrayContaining(['credit_card', 'konbini']));
    const konbini = session.payment_methods.find((e: { type: string }) => e.type === 'konbini');
    expect(konbini).toMatchObject({ currency: 'JPY', amount: 1357 }); // $10.00 × 135.65 = 1356.5 → 1357
  });

  it('paying by konbini makes a JPY payment recording the session amount, currency and rate', async () => {
    const session = await newSession({ amount: 6000, currency: 'USD', payment_types: ['credit_card', 'konbini'] });
    const res = await pay(session.id, { payment_details: { type: 'konbini', store: 'lawson', email: 'taro@example.com' } });
    expect(res.status, res.text).toBe(200);
    expect(res.body.payment).toMatchObject({
      amount: 8139,
      tax: 0,
      total: 8139,
      currency: 'JPY',
      session: session.id,
      session_amount: 6000,
      session_currency: 'USD',
      exchange_rate: 135.65,
    });
    const shown = await h.request({ url: `/api/v1/payments/${res.body.payment.id}`, key: m.secretKey });
    expect(shown.body).toMatchObject({ currency: 'JPY', session_amount: 6000, session_currency: 'USD', exchange_rate: 135.65 });
    const events = await h.request({ url: `/api/v1/events?resource_id=${res.body.payment.id}`, key: m.secretKey });
    expect(events.body.data[0].data).toMatchObject({ currency: 'JPY', exchange_rate: 135.65, session: session.id });
  });

  it('paying by card stays in the session currency, rate 1', async () => {
    const session = await newSession({ amount: 6000, currency: 'USD', payment_types: ['credit_card', 'konbini'] });
    const res = await pay(session.id, { payment_details: testCard() });
    expect(res.status, res.text).toBe(200);
    expect(res.body.payment).toMatchObject({ amount: 6000, currency: 'USD', session_amount: 6000, session_currency: 'USD', exchange_rate: 1 });
  });

  it('a payment not made through a session has none of the session keys', async () => {
    const res = await h.request({ method: 'POST', url: '/api/v1/payments', key: m.secretKey, json: { amount: 100, currency: 'JPY', payment_details: testCard() } });
    expect(res.status).toBe(200);
    expect(res.body).not.toHaveProperty('exchange_rate');
    expect(res.body).not.toHaveProperty('session_amount');
  });

  it('the converted total is held to the method\'s limits (konbini ≤ ¥300,000)', async () => {
    const session = await newSession({ amount: 500_000, currency: 'USD', payment_types: ['konbini'] });
    expect(session.payment_methods[0]).toMatchObject({ currency: 'JPY', amount: 678_250 });
    const res = await pay(session.id, { payment_details: { type: 'konbini', store: 'lawson' } });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ status: 'error', error: { code: 'invalid_parameter', param: 'amount' } });
  });

  it('a session keeps the rates of its creation: a new rates table changes new sessions only', async () => {
    const session = await newSession({ amount: 6000, currency: 'USD', payment_types: ['konbini'] });
    const saved = h.services.rates;
    h.services.rates = parseRates({ base: 'USD', rates: { JPY: 150 } }, 'test');
    try {
      const shown = await h.request({ url: `/api/v1/sessions/${session.id}`, key: m.secretKey });
      expect(shown.body.payment_methods[0]).toMatchObject({ amount: 8139, exchange_rate: 135.65 });
      const fresh = await newSession({ amount: 6000, currency: 'USD', payment_types: ['konbini'] });
      expect(fresh.payment_methods[0]).toMatchObject({ amount: 9000, exchange_rate: 150 });
      const res = await pay(session.id, { payment_details: { type: 'konbini', store: 'lawson' } });
      expect(res.status, res.text).toBe(200);
      expect(res.body.payment).toMatchObject({ amount: 8139, exchange_rate: 135.65 });
    } finally {
      h.services.rates = saved;
    }
  });

  it('with rates that cannot convert, the method is not offered, and asking for it is invalid_currency', async () => {
    const saved = h.services.rates;
    h.services.rates = parseRates({ base: 'USD', rates: { EUR: 0.9 } }, 'test');
    try {
      const session = await newSession({ amount: 1000, currency: 'USD' });
      expect(session.payment_methods.map((e: { type: string }) => e.type)).not.toContain('konbini');
      const res = await h.request({ method: 'POST', url: '/api/v1/sessions', key: m.secretKey, json: { amount: 1000, currency: 'USD', payment_types: ['konbini'] } });
      expect(res.status).toBe(422);
      expect(res.body.error).toMatchObject({ code: 'invalid_currency', param: 'currency' });
    } finally {
      h.services.rates = saved;
    }
  });
});

describe('customer modes', () => {
  it('customer: the customer exists from creation; paying saves the card without a payment', async () => {
    const session = await newSession({ mode: 'customer', currency: 'JPY', email: 'hanako@example.com' });
    expect(session.customer_id).toMatch(/^[0-9a-z]{25}$/);
    expect(session.payment_methods.map((e: { type: string }) => e.type)).toEqual(['credit_card']);
    expect(session.payment_methods[0]).not.toHaveProperty('amount');
    const before = await h.request({ url: `/api/v1/customers/${session.customer_id}`, key: m.secretKey });
    expect(before.body).toMatchObject({ email: 'hanako@example.com', source: null });

    const res = await pay(session.id, { payment_details: testCard() });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ status: 'completed', redirect_url: `https://shop.example/done?session_id=${session.id}`, payment: null });
    expect(res.body.customer).toMatchObject({ id: session.customer_id, source: { type: 'credit_card', brand: 'visa', last_four_digits: '1111' } });

    const shown = await h.request({ url: `/api/v1/sessions/${session.id}`, key: m.secretKey });
    expect(shown.body).toMatchObject({ status: 'completed', payment: null, customer_id: session.customer_id });
    const events = await h.request({ url: `/api/v1/events?resource_id=${session.customer_id}`, key: m.secretKey });
    expect(events.body.data.map((e: { type: string }) => e.type)).toEqual(['customer.updated', 'customer.created']);
    // The saved card pays later, by customer.
    const later = await h.request({ method: 'POST', url: '/api/v1/payments', key: m.secretKey, json: { amount: 500, currency: 'JPY', customer: session.customer_id } });
    expect(later.status, later.text).toBe(200);
    expect(later.body.customer).toBe(session.customer_id);
    // Completed: it cannot be used again.
    expect((await pay(session.id, { payment_details: testCard() })).status).toBe(422);
  });

  it('customer_payment: pays and saves the card on the customer; customer_id names an existing one', async () => {
    const customer = await h.request({ method: 'POST', url: '/api/v1/customers', key: m.secretKey, json: { email: 'jiro@example.com' } });
    const session = await newSession({ mode: 'customer_payment', amount: 1200, currency: 'JPY', customer_id: customer.body.id });
    expect(session.customer_id).toBe(customer.body.id);
    const res = await pay(session.id, { payment_details: testCard({ number: '5555555555554444' }) });
    expect(res.status, res.text).toBe(200);
    expect(res.body.payment).toMatchObject({ status: 'captured', amount: 1200, customer: customer.body.id, session: session.id });
    expect(res.body.customer.source).toMatchObject({ brand: 'master', last_four_digits: '4444' });
  });

  it('customer_payment: a decline saves nothing and leaves the session payable', async () => {
    const session = await newSession({ mode: 'customer_payment', amount: 1200, currency: 'JPY' });
    const declined = await pay(session.id, { payment_details: testCard({ number: '4123111111111059' }) });
    expect(declined.status).toBe(502);
    const customer = await h.request({ url: `/api/v1/customers/${session.customer_id}`, key: m.secretKey });
    expect(customer.body.source).toBeNull();
  });

  it('refuses an unknown customer_id, and customer_id outside customer modes', async () => {
    const unknown = await h.request({ method: 'POST', url: '/api/v1/sessions', key: m.secretKey, json: { mode: 'customer', currency: 'JPY', customer_id: 'nosuchcustomer00000000000' } });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.param).toBe('customer_id');
    const payment = await h.request({ method: 'POST', url: '/api/v1/sessions', key: m.secretKey, json: { amount: 1, currency: 'JPY', customer_id: 'x' } });
    expect(payment.status).toBe(422);
  });
});

describe('one-click through the API', () => {
  it('pays with the card saved for the session\'s external_customer_id; DELETE /external_customers/:id erases it', async () => {
    const externalId = `shopper-${Date.now()}`;
    // Save a card through the hosted page (the only place a customer ticks "save this card").
    const first = await newSession({ amount: 1000, currency: 'JPY', external_customer_id: externalId });
    const saved = await h.app.inject({
      method: 'POST',
      url: `/sessions/${first.id}/pay`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ type: 'credit_card', name: 'Taro', number: '3530111333300000', expiry: '12/39', verification_value: '123', save_card: '1' }).toString(),
    });
    expect(saved.statusCode, saved.body).toBe(303);

    const second = await newSession({ amount: 2000, currency: 'JPY', external_customer_id: externalId });
    const res = await pay(second.id, { payment_details: { type: 'credit_card', external_customer_id: externalId } });
    expect(res.status, res.text).toBe(200);
    expect(res.body.payment).toMatchObject({ status: 'captured', amount: 2000, payment_details: { brand: 'jcb', last_four_digits: '0000' } });

    // Only the session's own id, and never another merchant's card.
    const third = await newSession({ amount: 2000, currency: 'JPY', external_customer_id: 'someone-else' });
    const other = await pay(third.id, { payment_details: { type: 'credit_card', external_customer_id: externalId } });
    expect(other.status).toBe(422);
    expect(other.body.error.param).toBe('payment_details.external_customer_id');
    const stranger = await h.merchant();
    expect((await h.request({ method: 'DELETE', url: `/api/v1/external_customers/${externalId}`, key: stranger.secretKey })).status).toBe(404);
    expect((await h.request({ method: 'DELETE', url: `/api/v1/external_customers/${externalId}`, key: m.publishableKey })).status).toBe(403);

    const deleted = await h.request({ method: 'DELETE', url: `/api/v1/external_customers/${externalId}`, key: m.secretKey });
    expect(deleted.status, deleted.text).toBe(200);
    expect(deleted.body).toEqual({ id: expect.stringMatching(/^[0-9a-z]{25}$/) });
    expect((await h.request({ method: 'DELETE', url: `/api/v1/external_customers/${externalId}`, key: m.secretKey })).status).toBe(404);
    const fourth = await newSession({ amount: 2000, currency: 'JPY', external_customer_id: externalId });
    const gone = await pay(fourth.id, { payment_details: { type: 'credit_card', external_customer_id: externalId } });
    expect(gone.status).toBe(422);
  });

  it('a saved card past its expiry cannot pay: invalid_parameter, as a typed expired card, and nothing is written', async () => {
    // A merchant of its own: its clock is moved.
    const own = await h.merchant();
    const externalId = `expiring-${Date.now()}`;
    const create = async () => {
      const res = await h.request({ method: 'POST', url: '/api/v1/sessions', key: own.secretKey, json: { amount: 1000, currency: 'JPY', return_url: 'https://shop.example/done', external_customer_id: externalId } });
      expect(res.status, res.text).toBe(200);
      return res.body;
    };
    // A card good until the end of the merchant's current month, saved through the page.
    const clock = await h.request({ url: '/api/v1/test_helpers/clock', key: own.secretKey });
    const now = new Date(clock.body.now);
    const expiry = `${String(now.getUTCMonth() + 1).padStart(2, '0')}/${String(now.getUTCFullYear() % 100).padStart(2, '0')}`;
    const first = await create();
    const saved = await h.app.inject({
      method: 'POST',
      url: `/sessions/${first.id}/pay`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ type: 'credit_card', name: 'Taro', number: '4111111111111111', expiry, verification_value: '123', save_card: '1' }).toString(),
    });
    expect(saved.statusCode, saved.body).toBe(303);

    const advanced = await h.request({ method: 'POST', url: '/api/v1/test_helpers/clock/advance', key: own.secretKey, json: { seconds: 32 * 86400 } });
    expect(advanced.status, advanced.text).toBe(200);
    const second = await create();
    const res = await h.request({
      method: 'POST',
      url: `/api/v1/sessions/${second.id}/pay`,
      key: own.publishableKey,
      json: { payment_details: { type: 'credit_card', external_customer_id: externalId } },
    });
    expect(res.status, res.text).toBe(422);
    const expired = { code: 'invalid_parameter', param: 'payment_details.external_customer_id', message: 'The saved card has expired' };
    expect(res.body).toEqual({ status: 'error', error: { ...expired, details: { errors: [expired] } } });
    // The card path answers a typed expired card with the same code.
    const typed = await h.request({
      method: 'POST',
      url: `/api/v1/sessions/${second.id}/pay`,
      key: own.publishableKey,
      json: { payment_details: testCard({ month: now.getUTCMonth() + 1, year: now.getUTCFullYear() }) },
    });
    expect(typed.status, typed.text).toBe(422);
    expect(typed.body.error.code).toBe('invalid_parameter');
    // No payment was made; the session is still payable, with another card.
    const payments = await h.request({ url: '/api/v1/payments', key: own.secretKey });
    expect(payments.body.data).toHaveLength(1);
    const again = await h.request({ method: 'POST', url: `/api/v1/sessions/${second.id}/pay`, key: own.publishableKey, json: { payment_details: testCard() } });
    expect(again.status, again.text).toBe(200);
    expect(again.body.payment.status).toBe('captured');
  });

  it('the saved card is sealed: no number in the row', async () => {
    const { rows } = await h.store.db.selectFrom('external_customers').selectAll().execute().then((rows) => ({ rows }));
    for (const row of rows) {
      expect(JSON.stringify(row)).not.toMatch(/3530111333300000|4111111111111111/);
      expect(row.secret_details).toMatch(/^[^.]+\./);
    }
  });
});

describe('3-D Secure test cards', () => {
  it('a challenge card is sent to the authentication page; the session stays pending until then', async () => {
    const session = await newSession({ amount: 1000, currency: 'JPY', payment_types: ['credit_card'] });
    const res = await pay(session.id, { payment_details: testCard({ number: '4100000000005000' }) });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ status: 'pending', payment: null });
    expect(res.body.redirect_url).toMatch(/\/three_d_secure_service\/offsite\?token=tok_[0-9a-z]{25}&locale=ja$/);
    const shown = await h.request({ url: `/api/v1/sessions/${session.id}`, key: m.secretKey });
    expect(shown.body.status).toBe('pending');
  });

  it('a token of a challenge card (KOMOJU Fields: tokenise, then pay) is authenticated too, and used up', async () => {
    const session = await newSession({ amount: 1500, currency: 'JPY', payment_types: ['credit_card'] });
    const token = await h.request({ method: 'POST', url: '/api/v1/tokens', key: m.publishableKey, json: { payment_details: testCard({ number: '4100000000005000' }) } });
    expect(token.status, token.text).toBe(200);
    const res = await pay(session.id, { payment_details: token.body.id });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ status: 'pending', payment: null });
    const secureToken = new URL(res.body.redirect_url).searchParams.get('token')!;
    expect(secureToken).not.toBe(token.body.id);
    const again = await pay(session.id, { payment_details: token.body.id });
    expect(again.body).toMatchObject({ status: 'error', error: { code: 'invalid_token' } });

    const form = (url: string, fields: Record<string, string>) =>
      h.app.inject({ method: 'POST', url, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams(fields).toString() });
    const answered = await form('/three_d_secure_service/offsite', { token: secureToken, password: '123456' });
    const back = new URL(answered.headers.location as string);
    expect(back.pathname).toBe(`/sessions/${session.id}/authenticated`);
    const returned = await h.app.inject({ url: `${back.pathname}${back.search}` });
    expect(returned.statusCode).toBe(303);
    expect(returned.headers.location).toBe(`https://shop.example/done?session_id=${session.id}`);
    const shown = await h.request({ url: `/api/v1/sessions/${session.id}`, key: m.secretKey });
    expect(shown.body).toMatchObject({ status: 'completed', payment: { status: 'captured', amount: 1500, payment_details: { last_four_digits: '5000' } } });
  });

  it('a token bound to another currency is refused before any authentication', async () => {
    const session = await newSession({ amount: 1500, currency: 'JPY', payment_types: ['credit_card'] });
    const token = await h.request({
      method: 'POST',
      url: '/api/v1/tokens',
      key: m.publishableKey,
      json: { currency: 'USD', payment_details: testCard({ number: '4100000000005000' }) },
    });
    expect(token.status, token.text).toBe(200);
    const res = await pay(session.id, { payment_details: token.body.id });
    expect(res.body).toMatchObject({ status: 'error', error: { code: 'invalid_currency' } });
    const unused = await h.store.db.selectFrom('tokens').select('used_at').where('id', '=', token.body.id).executeTakeFirstOrThrow();
    expect(unused.used_at).toBeNull();
  });
});

describe('secrets of the hosted page flows', () => {
  it('after saving, one-click and 3-D Secure through the page, no card number or CVV in the database or the logs', async () => {
    const form = (url: string, fields: Record<string, string>) =>
      h.app.inject({ method: 'POST', url, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams(fields).toString() });
    const externalId = `secret-${Date.now()}`;
    const card = { type: 'credit_card', name: 'Taro', expiry: '12/39', verification_value: '9876' };
    const one = await newSession({ amount: 1000, currency: 'JPY', external_customer_id: externalId });
    expect((await form(`/sessions/${one.id}/pay`, { ...card, number: '3782 822463 10005', save_card: '1' })).statusCode).toBe(303);
    const two = await newSession({ amount: 1000, currency: 'JPY', external_customer_id: externalId });
    expect((await form(`/sessions/${two.id}/pay`, { type: 'credit_card', saved_card: '1' })).statusCode).toBe(303);
    const three = await newSession({ amount: 1000, currency: 'JPY', external_customer_id: externalId });
    const challenge = await form(`/sessions/${three.id}/pay`, { ...card, number: '5100000000005007', save_card: '1' });
    const token = new URL(challenge.headers.location as string).searchParams.get('token')!;
    const answered = await form('/three_d_secure_service/offsite', { token, password: '123456' });
    const back = new URL(answered.headers.location as string);
    expect((await h.app.inject({ url: `${back.pathname}${back.search}` })).statusCode).toBe(303);
    const customer = await newSession({ mode: 'customer', currency: 'JPY' });
    expect((await form(`/sessions/${customer.id}/pay`, { ...card, number: '3530111333300000' })).statusCode).toBe(303);

    const { rows: tables } = await sql<{ table_name: string }>`
      SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'
    `.execute(h.store.db);
    let dump = '';
    for (const { table_name } of tables) {
      const { rows } = await sql<{ row: string }>`SELECT row_to_json(t)::text AS row FROM ${sql.table(table_name)} t`.execute(h.store.db);
      dump += rows.map((r) => r.row).join('\n');
    }
    const logs = h.logs.join('\n');
    for (const secret of ['378282246310005', '3782 822463 10005', '5100000000005007', '3530111333300000']) {
      expect(dump, secret).not.toContain(secret);
      expect(logs, secret).not.toContain(secret);
    }
    expect(dump).not.toMatch(/(?<![0-9A-Za-z._:+-])9876(?![0-9A-Za-z._:+-])/);
    // The second card saved (3-D Secure) replaced the first, and pays: encrypted, not lost.
    const saved = await h.store.db.selectFrom('external_customers').selectAll().where('external_customer_id', '=', externalId).executeTakeFirstOrThrow();
    expect(h.services.vault.open(saved.secret_details)).toMatchObject({ number: '5100000000005007' });
    expect(h.services.vault.open(saved.secret_details)).not.toHaveProperty('verification_value');
  });
});
