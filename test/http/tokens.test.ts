import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicAuth, startHarness, testCard, type Harness, type TestMerchant } from '../helpers/harness';
import { expectError } from '../helpers/payment-api';

/**
 * Tokens as payment details: one use each, 30 days on the merchant's (test) clock, one merchant's
 * only, checked like payments; and their secrets erased once used or expired.
 */

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

async function createToken(m: TestMerchant, paymentDetails: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return h.request({ method: 'POST', url: '/api/v1/tokens', key: m.publishableKey, json: { payment_details: paymentDetails, ...extra } });
}

async function token(m: TestMerchant, paymentDetails: Record<string, unknown> = testCard(), extra: Record<string, unknown> = {}): Promise<string> {
  const res = await createToken(m, paymentDetails, extra);
  expect(res.status, res.text).toBe(200);
  return res.body.id;
}

function pay(m: TestMerchant, paymentDetails: unknown, extra: Record<string, unknown> = {}) {
  return h.request({ method: 'POST', url: '/api/v1/payments', key: m.secretKey, json: { amount: 1000, currency: 'JPY', payment_details: paymentDetails, ...extra } });
}

async function storedToken(id: string) {
  return h.store.db.selectFrom('tokens').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

describe('a payment with a token', () => {
  it('charges the details the token holds, as a hash would', async () => {
    const m = await h.merchant();
    const id = await token(m, testCard({ number: '5555555555554444', email: 'taro@example.com' }));
    const res = await pay(m, id);
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({
      status: 'captured',
      total: 1100,
      customer: null,
      payment_details: { type: 'credit_card', brand: 'master', last_four_digits: '4444', email: 'taro@example.com' },
    });
  });

  it('works once: the second use answers 422 invalid_token', async () => {
    const m = await h.merchant();
    const id = await token(m);
    expect((await pay(m, id)).status).toBe(200);
    expectError(await pay(m, id), 422, 'invalid_token', 'payment_details');
  });

  it('answers invalid_token for a token that never existed', async () => {
    const m = await h.merchant();
    expectError(await pay(m, 'tok_0000000000000000000000000'), 422, 'invalid_token', 'payment_details');
  });

  it("answers invalid_token for another merchant's token, which stays usable by its own", async () => {
    const owner = await h.merchant();
    const other = await h.merchant();
    const id = await token(owner);
    expectError(await pay(other, id), 422, 'invalid_token', 'payment_details');
    expect((await pay(owner, id)).status).toBe(200);
  });

  it('expires after 30 days on the merchant\'s test clock, and its secrets are erased then', async () => {
    const m = await h.merchant();
    const early = await token(m);
    const late = await token(m);
    const advance = (seconds: number) => h.request({ method: 'POST', url: '/api/v1/test_helpers/clock/advance', key: m.secretKey, json: { seconds } });

    expect((await advance(30 * 86400 - 60)).status).toBe(200);
    expect((await pay(m, early)).status).toBe(200); // a minute before the end: still good
    expect((await storedToken(late)).secret_details).toEqual(expect.any(String));

    expect((await advance(120)).status).toBe(200);
    expectError(await pay(m, late), 422, 'invalid_token', 'payment_details');
    // Moving the clock ran the sweep: the unused token's card number and CVV are gone.
    expect((await storedToken(late)).secret_details).toBeNull();
  });

  it('keeps the CVV sealed until the token is used, then erases every secret', async () => {
    const m = await h.merchant();
    const id = await token(m, testCard({ verification_value: '9876', number: '378282246310005' }));
    const before = await storedToken(id);
    expect(before.secret_details).not.toContain('9876');
    expect(h.services.vault.open(before.secret_details!)).toMatchObject({ number: '378282246310005', verification_value: '9876' });
    expect((await pay(m, id)).status).toBe(200);
    const after = await storedToken(id);
    expect(after.secret_details).toBeNull();
    expect(after.used_at).not.toBeNull();
  });

  it('is used up by a decline, like the payment it made', async () => {
    const m = await h.merchant();
    const id = await token(m, testCard({ number: '4123111111111059' }));
    expectError(await pay(m, id), 502, 'card_declined');
    expectError(await pay(m, id), 422, 'invalid_token');
  });

  it('stays unused when the payment is refused before anything is written', async () => {
    const m = await h.merchant();
    const id = await token(m, { type: 'konbini', store: 'lawson', email: 'taro@example.com' });
    expectError(await pay(m, id, { currency: 'USD' }), 422, 'invalid_currency', 'currency');
    expect((await storedToken(id)).used_at).toBeNull();
    const res = await pay(m, id);
    expect(res.status, res.text).toBe(200);
    expect(res.body.payment_details).toMatchObject({ type: 'konbini', store: 'lawson' });
  });

  it('binds the payment to the currency the token was made for', async () => {
    const m = await h.merchant();
    const id = await token(m, testCard(), { currency: 'USD' });
    expectError(await pay(m, id), 422, 'invalid_currency', 'currency');
    expect((await pay(m, id, { currency: 'usd' })).status).toBe(200);
  });

  it('cannot be sent together with a customer', async () => {
    const m = await h.merchant();
    expectError(await pay(m, await token(m), { customer: 'abc' }), 422, 'invalid_parameter', 'customer');
  });
});

describe('POST /api/v1/tokens validates as POST /payments does', () => {
  let m: TestMerchant;
  beforeAll(async () => {
    m = await h.merchant();
  });

  const CASES: [string, Record<string, unknown>, string, string][] = [
    ['a card number failing Luhn', testCard({ number: '4111111111111112' }), 'invalid_parameter', 'payment_details.number'],
    ['an expired card', testCard({ year: 2001 }), 'invalid_parameter', 'payment_details.year'],
    ['a card without a number', { type: 'credit_card', month: 1, year: 2099 }, 'missing_parameter', 'payment_details.number'],
    ['no type', { email: 'a@example.com' }, 'missing_parameter', 'payment_details.type'],
    ['an unknown type', { type: 'bitcoin' }, 'invalid_payment_type', 'payment_details.type'],
    ['a konbini without a store', { type: 'konbini', email: 'a@example.com' }, 'missing_parameter', 'payment_details.store'],
  ];
  for (const [name, details, code, param] of CASES) {
    it(`refuses ${name} (${code} ${param}), exactly as a payment`, async () => {
      const viaToken = await createToken(m, details);
      expectError(viaToken, 422, code, param);
      const viaPayment = await pay(m, details);
      expect(viaPayment.body.error).toEqual(viaToken.body.error);
    });
  }

  it('requires payment_details', async () => {
    expectError(await h.request({ method: 'POST', url: '/api/v1/tokens', key: m.publishableKey, json: {} }), 422, 'missing_parameter', 'payment_details');
  });

  it('refuses a currency the method does not take', async () => {
    expectError(await createToken(m, { type: 'konbini', store: 'lawson' }, { currency: 'USD' }), 422, 'invalid_currency', 'currency');
  });

  it('refuses a type the merchant has disabled', async () => {
    const limited = await h.merchant();
    await h.store.db.updateTable('merchants').set({ payment_types: JSON.stringify(['konbini']) }).where('id', '=', limited.id).execute();
    expectError(await createToken(limited, testCard()), 422, 'invalid_payment_type', 'payment_details.type');
  });

  it('stores nothing for a refused request', async () => {
    const fresh = await h.merchant();
    await createToken(fresh, testCard({ number: '4111111111111112' }));
    const rows = await h.store.db.selectFrom('tokens').select('id').where('merchant_id', '=', fresh.id).execute();
    expect(rows).toEqual([]);
  });
});

describe('keys', () => {
  it('creates tokens with either key, and nothing else with the publishable key (403)', async () => {
    const m = await h.merchant();
    expect((await h.request({ method: 'POST', url: '/api/v1/tokens', key: m.secretKey, json: { payment_details: testCard() } })).status).toBe(200);
    const paid = await pay(m, await token(m));
    expectError(await h.request({ method: 'POST', url: '/api/v1/payments', key: m.publishableKey, json: { amount: 1000, currency: 'JPY', payment_details: await token(m) } }), 403, 'forbidden');
    expectError(await h.request({ url: `/api/v1/payments/${paid.body.id}`, key: m.publishableKey }), 403, 'forbidden');
    expectError(await h.request({ url: '/api/v1/payments', key: m.publishableKey }), 403, 'forbidden');
    expectError(await h.request({ method: 'POST', url: '/api/v1/customers', key: m.publishableKey, json: {} }), 403, 'forbidden');
    expectError(await h.request({ url: '/api/v1/customers', key: m.publishableKey }), 403, 'forbidden');
  });

  it('answers 401 without a key', async () => {
    expectError(await h.request({ method: 'POST', url: '/api/v1/tokens', json: { payment_details: testCard() } }), 401, 'unauthorized');
  });
});

describe('CORS', () => {
  const ORIGIN = 'https://shop.example';
  const preflight = (url: string, headers: Record<string, string> = {}) =>
    h.app.inject({ method: 'OPTIONS', url, headers: { origin: ORIGIN, 'access-control-request-method': 'POST', ...headers } });

  it('answers the preflight of POST /tokens for any origin, with Authorization and Content-Type allowed', async () => {
    const res = await preflight('/api/v1/tokens', { 'access-control-request-headers': 'authorization,content-type' });
    expect(res.statusCode).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(String(res.headers['access-control-allow-methods'])).toContain('POST');
    const allowed = String(res.headers['access-control-allow-headers']).toLowerCase();
    expect(allowed).toContain('authorization');
    expect(allowed).toContain('content-type');
  });

  it('marks POST /tokens answers readable by any origin, errors included', async () => {
    const m = await h.merchant();
    const ok = await h.request({ method: 'POST', url: '/api/v1/tokens', key: m.publishableKey, json: { payment_details: testCard() }, headers: { origin: ORIGIN } });
    expect(ok.status).toBe(200);
    expect(ok.headers['access-control-allow-origin']).toBe('*');
    const refused = await h.request({ method: 'POST', url: '/api/v1/tokens', key: 'pk_nobody', json: {}, headers: { origin: ORIGIN } });
    expect(refused.status).toBe(401);
    expect(refused.headers['access-control-allow-origin']).toBe('*');
  });

  it('sends no CORS header from secret-key routes, preflight or not', async () => {
    const m = await h.merchant();
    for (const url of ['/api/v1/payments', '/api/v1/customers', '/api/v1/events']) {
      const refused = await preflight(url);
      expect(refused.headers['access-control-allow-origin'], url).toBeUndefined();
      expect(refused.statusCode, url).toBeGreaterThanOrEqual(400);
      const res = await h.request({ url, key: m.secretKey, headers: { origin: ORIGIN } });
      expect(res.status, url).toBe(200);
      expect(res.headers['access-control-allow-origin'], url).toBeUndefined();
    }
  });
});

describe('two payments racing for one token', () => {
  it('lets exactly one of them have it, over real connections', async () => {
    const base = await h.listen();
    const m = await h.merchant();
    for (let round = 0; round < 3; round++) {
      const id = await token(m);
      const responses = await Promise.all(
        Array.from({ length: 6 }, () =>
          fetch(`${base}/api/v1/payments`, {
            method: 'POST',
            headers: { authorization: basicAuth(m.secretKey), 'content-type': 'application/json' },
            body: JSON.stringify({ amount: 1000, currency: 'JPY', payment_details: id }),
          }).then(async (res) => ({ status: res.status, body: (await res.json()) as { error?: { code: string } } })),
        ),
      );
      const statuses = responses.map((r) => r.status).sort();
      expect(statuses).toEqual([200, 422, 422, 422, 422, 422]);
      for (const r of responses.filter((r) => r.status === 422)) expect(r.body.error?.code).toBe('invalid_token');
    }
    const payments = await h.store.db.selectFrom('payments').select('id').where('merchant_id', '=', m.id).execute();
    expect(payments).toHaveLength(3);
  });
});
