import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, testCard, type ApiResponse, type Harness, type TestMerchant } from '../helpers/harness';

let h: Harness;
let m: TestMerchant;

beforeAll(async () => {
  h = await startHarness();
  m = await h.merchant();
});
afterAll(() => h.close());

const FUTURE_YEAR = new Date().getUTCFullYear() + 3;

function pay(json: unknown, { key = m.secretKey, headers }: { key?: string; headers?: Record<string, string> } = {}) {
  return h.request({ method: 'POST', url: '/api/v1/payments', key, json, headers });
}

function payForm(form: Record<string, unknown> | [string, string][], { key = m.secretKey } = {}) {
  return h.request({ method: 'POST', url: '/api/v1/payments', key, form });
}

/** A valid card payment request; override any top-level field. */
function card(overrides: Record<string, unknown> = {}, details: Record<string, unknown> = {}) {
  return { amount: 1000, currency: 'JPY', payment_details: testCard(details), ...overrides };
}

/** KOMOJU's error envelope, exactly: `{"error":{"message","code","param"}}` and nothing else, but `details` on a
 * validation error: every offending parameter, this one first. */
function expectError(res: ApiResponse, status: number, code: string, param: string | null) {
  expect(res.status, res.text).toBe(status);
  expect(Object.keys(res.body)).toEqual(['error']);
  const { details, ...envelope } = res.body.error;
  expect(Object.keys(envelope).sort()).toEqual(['code', 'message', 'param']);
  if (code === 'missing_parameter' || code === 'invalid_parameter') expect(details?.errors[0], res.text).toEqual({ param: envelope.param, code, message: envelope.message });
  else expect(details).toBeUndefined();
  expect(res.body.error.code).toBe(code);
  expect(res.body.error.param).toBe(param);
  expect(typeof res.body.error.message).toBe('string');
  expect(res.body.error.message.length).toBeGreaterThan(0);
}

describe('POST /api/v1/payments with a card', () => {
  it('captures the payment and shows brand and last four, never the number', async () => {
    const res = await h.request({ method: 'POST', url: '/api/v1/payments', key: m.secretKey, json: { amount: 1000, currency: 'JPY', payment_details: testCard() } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ resource: 'payment', status: 'captured', amount: 1000, tax: 100, total: 1100 });
    expect(res.body.payment_details).toEqual({
      type: 'credit_card',
      email: null,
      brand: 'visa',
      last_four_digits: '1111',
      month: 12,
      year: new Date().getUTCFullYear() + 3,
    });
    expect(res.text).not.toContain('4111111111111111');
  });

  it('answers missing_parameter naming the param', async () => {
    const res = await h.request({ method: 'POST', url: '/api/v1/payments', key: m.secretKey, form: { currency: 'JPY' } });
    expect(res.status).toBe(422);
    const message = 'A required parameter (amount) is missing';
    expect(res.body).toEqual({
      error: { code: 'missing_parameter', param: 'amount', message, details: { errors: [{ param: 'amount', code: 'missing_parameter', message }] } },
    });
  });
});

describe('test cards (v1 reference, "Test Cards")', () => {
  it.each([
    ['3530111333300000', 'jcb'],
    ['378282246310005', 'american_express'],
    ['4111111111111111', 'visa'],
    ['5555555555554444', 'master'],
    ['30569309025904', 'diners_club'],
  ])('%s succeeds as %s', async (number, brand) => {
    const res = await pay(card({}, { number }));
    expect(res.status, res.text).toBe(200);
    expect(res.body.status).toBe('captured');
    expect(res.body.payment_details).toMatchObject({ type: 'credit_card', brand, last_four_digits: number.slice(-4) });
    expect(res.body.captured_at).toBe(res.body.created_at);
    expect(res.text).not.toContain(number);
  });

  it.each([
    ['4123111111111000', 'insufficient_funds'],
    ['4123111111111018', 'exceeds_limit'],
    ['4123111111111034', 'bad_verification_value'],
    ['4123111111111042', 'card_expired'],
    ['4123111111111059', 'card_declined'],
    ['4123111111111067', 'other_invalid'],
    ['4123111111111075', 'other_invalid'],
  ])('%s is declined with 502 %s, and the failed payment is recorded', async (number, code) => {
    const merchant = await h.merchant();
    const order = `decline-${code}-${number.slice(-3)}`;
    const res = await pay(card({ external_order_num: order }, { number }), { key: merchant.secretKey });
    expectError(res, 502, code, null);

    const list = await h.request({ url: '/api/v1/payments', key: merchant.secretKey });
    expect(list.status).toBe(200);
    expect(list.body.total).toBe(1);
    const [payment] = list.body.data;
    expect(payment).toMatchObject({ status: 'failed', external_order_num: order, captured_at: null, amount: 1000, tax: 100, total: 1100 });
    expect(payment.payment_details).toMatchObject({ type: 'credit_card', brand: 'visa', last_four_digits: number.slice(-4) });
    expect(JSON.stringify(payment)).not.toContain(number);

    const events = await h.request({ url: '/api/v1/events', key: merchant.secretKey });
    expect(events.status).toBe(200);
    const failed = events.body.data.filter((event: { type: string; data: { id: string } }) => event.type === 'payment.failed');
    expect(failed).toHaveLength(1);
    expect(failed[0].data).toMatchObject({ id: payment.id, status: 'failed' });
    expect(events.body.data.map((event: { type: string }) => event.type)).toEqual(['payment.failed']);
  });

  it('Komoju-Scenario: card_declined fails even the Visa success card', async () => {
    const merchant = await h.merchant();
    const res = await pay(card(), { key: merchant.secretKey, headers: { 'Komoju-Scenario': 'card_declined' } });
    expectError(res, 502, 'card_declined', null);
    const list = await h.request({ url: '/api/v1/payments?status=failed', key: merchant.secretKey });
    expect(list.body.total).toBe(1);
  });
});

describe('validation of payment_details', () => {
  it('bad Luhn check digit → invalid_parameter payment_details.number', async () => {
    expectError(await pay(card({}, { number: '4111111111111112' })), 422, 'invalid_parameter', 'payment_details.number');
  });

  it('month 13 → invalid_parameter payment_details.month', async () => {
    expectError(await pay(card({}, { month: 13 })), 422, 'invalid_parameter', 'payment_details.month');
  });

  it('an expired card → invalid_parameter', async () => {
    const lastYear = new Date().getUTCFullYear() - 1;
    expectError(await pay(card({}, { month: 12, year: lastYear })), 422, 'invalid_parameter', 'payment_details.year');
    expectError(await pay(card({}, { month: 1, year: 20 })), 422, 'invalid_parameter', 'payment_details.year');
  });

  it('CVV "12" → invalid_parameter payment_details.verification_value', async () => {
    expectError(await pay(card({}, { verification_value: '12' })), 422, 'invalid_parameter', 'payment_details.verification_value');
  });

  it('missing number → missing_parameter payment_details.number', async () => {
    const { number: _number, ...details } = testCard();
    expectError(await pay({ amount: 1000, currency: 'JPY', payment_details: details }), 422, 'missing_parameter', 'payment_details.number');
  });

  it('missing type → missing_parameter payment_details.type', async () => {
    const { type: _type, ...details } = testCard();
    expectError(await pay({ amount: 1000, currency: 'JPY', payment_details: details }), 422, 'missing_parameter', 'payment_details.type');
  });

  it('an unknown type → invalid_payment_type listing the allowed types', async () => {
    const res = await pay(card({}, { type: 'bitcoin' }));
    expectError(res, 422, 'invalid_payment_type', 'payment_details.type');
    expect(res.body.error.message).toContain('bitcoin');
    expect(res.body.error.message).toContain('credit_card');
  });

  it('missing payment_details → missing_parameter payment_details', async () => {
    expectError(await pay({ amount: 1000, currency: 'JPY' }), 422, 'missing_parameter', 'payment_details');
  });

  it('payment_details as a string (a token) → invalid_token', async () => {
    expectError(await pay({ amount: 1000, currency: 'JPY', payment_details: 'tok_abcdefghijklmnopqrstuvwxy' }), 422, 'invalid_token', 'payment_details');
  });

  it('both customer and payment_details → 422', async () => {
    expectError(await pay(card({ customer: 'abcdefghijklmnopqrstuvwxy' })), 422, 'invalid_parameter', 'customer');
  });
});

describe('validation of the payment', () => {
  it('currency XXX → invalid_currency', async () => {
    expectError(await pay(card({ currency: 'XXX' })), 422, 'invalid_currency', 'currency');
  });

  it('missing currency → missing_parameter currency', async () => {
    expectError(await pay(card({ currency: undefined })), 422, 'missing_parameter', 'currency');
  });

  it.each([['abc'], [10.5], [-1], ['10.5'], [''], [true], [false], [[1000]], [{}]])('amount %j → invalid_parameter amount', async (amount) => {
    expectError(await pay(card({ amount })), 422, 'invalid_parameter', 'amount');
  });

  it('JSON null amount is no amount → missing_parameter amount (not a 0-yen payment)', async () => {
    expectError(await pay(card({ amount: null })), 422, 'missing_parameter', 'amount');
  });

  it('a boolean tax → invalid_parameter tax; a null tax is omitted (auto)', async () => {
    expectError(await pay(card({ tax: true })), 422, 'invalid_parameter', 'tax');
    expect((await pay(card({ amount: 15, tax: null }))).body).toMatchObject({ tax: 2, total: 17 });
  });

  it('amount "abc" in a form → invalid_parameter amount', async () => {
    expectError(await payForm({ amount: 'abc', currency: 'JPY', payment_details: testCard() }), 422, 'invalid_parameter', 'amount');
  });

  it('a metadata key longer than 30 characters → invalid_parameter', async () => {
    const ok = await pay(card({ metadata: { ['k'.repeat(30)]: 'v' } }));
    expect(ok.status, ok.text).toBe(200);
    expectError(await pay(card({ metadata: { ['k'.repeat(31)]: 'v' } })), 422, 'invalid_parameter', 'metadata');
  });

  it('a metadata value longer than 2000 characters → invalid_parameter', async () => {
    const ok = await pay(card({ metadata: { note: 'v'.repeat(2000) } }));
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body.metadata.note).toHaveLength(2000);
    expectError(await pay(card({ metadata: { note: 'v'.repeat(2001) } })), 422, 'invalid_parameter', 'metadata.note');
  });

  it("locale 'fr' → invalid_parameter locale; ja/en/ko accepted, ja by default", async () => {
    expectError(await pay(card({ locale: 'fr' })), 422, 'invalid_parameter', 'locale');
    for (const locale of ['ja', 'en', 'ko']) expect((await pay(card({ locale }))).body.locale).toBe(locale);
    expect((await pay(card())).body.locale).toBe('ja');
  });

  it('a `webhooks` param → invalid_parameter webhooks', async () => {
    expectError(await pay(card({ webhooks: ['https://example.com/hook'] })), 422, 'invalid_parameter', 'webhooks');
  });

  it('amount above 2^31 - 1 → invalid_parameter amount', async () => {
    expect((await pay(card({ amount: 2147483647, tax: 0 }))).status).toBe(200);
    expectError(await pay(card({ amount: 2147483648, tax: 0 })), 422, 'invalid_parameter', 'amount');
  });

  it('echoes description and external_order_num', async () => {
    const res = await pay(card({ description: 'Order #42', external_order_num: 'ORDER-42' }));
    expect(res.body).toMatchObject({ description: 'Order #42', external_order_num: 'ORDER-42', customer: null, session: null });
  });

  it('payment_details that is neither a hash nor a token → invalid_parameter payment_details', async () => {
    expectError(await pay(card({ payment_details: ['credit_card'] })), 422, 'invalid_parameter', 'payment_details');
    expectError(await pay(card({ payment_details: 42 })), 422, 'invalid_token', 'payment_details');
  });

  it('an invalid payment_details.email → invalid_parameter payment_details.email', async () => {
    expectError(await pay(card({}, { email: 'not-an-email' })), 422, 'invalid_parameter', 'payment_details.email');
  });

  it('tax "abc" → invalid_parameter tax', async () => {
    expectError(await pay(card({ tax: 'abc' })), 422, 'invalid_parameter', 'tax');
  });
});

describe('tax', () => {
  it.each([
    [1000, 'JPY', 100],
    [15, 'JPY', 2],
    [14, 'JPY', 1],
    [1005, 'JPY', 101],
    [1004, 'JPY', 100],
    [0, 'JPY', 0],
    [15, 'USD', 2],
    [1005, 'USD', 101],
    [1999, 'USD', 200],
  ])('omitted: amount %i %s → tax %i (10%, rounded half up)', async (amount, currency, tax) => {
    const res = await pay(card({ amount, currency }));
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ amount, currency, tax, total: amount + tax, payment_method_fee: 0 });
  });

  it('"auto" is the same as omitted', async () => {
    expect((await pay(card({ amount: 15, tax: 'auto' }))).body).toMatchObject({ tax: 2, total: 17 });
    expect((await payForm({ amount: '1005', currency: 'USD', tax: 'auto', payment_details: testCard() })).body).toMatchObject({ tax: 101, total: 1106 });
  });

  it('an explicit tax is kept, 0 included', async () => {
    expect((await pay(card({ tax: 0 }))).body).toMatchObject({ amount: 1000, tax: 0, total: 1000 });
    expect((await payForm({ amount: '1000', currency: 'JPY', tax: '0', payment_details: testCard() })).body).toMatchObject({ tax: 0, total: 1000 });
    expect((await pay(card({ tax: 7 }))).body).toMatchObject({ amount: 1000, tax: 7, total: 1007 });
  });
});

describe('numeric strings and form encoding', () => {
  it('accepts amount "1000", month "01" and year "30" (→ 2030)', async () => {
    const res = await pay({ amount: '1000', currency: 'JPY', payment_details: testCard({ month: '01', year: '30' }) });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ amount: 1000, tax: 100, total: 1100 });
    expect(res.body.payment_details).toMatchObject({ month: 1, year: 2030 });
  });

  it('takes the same request as a bracket-notation form', async () => {
    const res = await payForm([
      ['amount', '1000'],
      ['currency', 'jpy'],
      ['metadata[order]', '42'],
      ['payment_details[type]', 'credit_card'],
      ['payment_details[number]', '4111111111111111'],
      ['payment_details[month]', '01'],
      ['payment_details[year]', '30'],
      ['payment_details[verification_value]', '123'],
    ]);
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ amount: 1000, currency: 'JPY', metadata: { order: '42' } });
    expect(res.body.payment_details).toMatchObject({ month: 1, year: 2030 });
  });

  it('uses the top-level email when payment_details has none', async () => {
    const res = await pay(card({ email: 'buyer@example.com' }));
    expect(res.body.payment_details.email).toBe('buyer@example.com');
  });
});

describe('capture=false', () => {
  async function authorizeThenCapture(res: ApiResponse) {
    expect(res.status, res.text).toBe(200);
    expect(res.body.status).toBe('authorized');
    expect(res.body.captured_at).toBeNull();

    const captured = await h.request({ method: 'POST', url: `/api/v1/payments/${res.body.id}/capture`, key: m.secretKey });
    expect(captured.status, captured.text).toBe(200);
    expect(captured.body).toMatchObject({ id: res.body.id, status: 'captured', amount: 1000, tax: 100, total: 1100 });
    expect(captured.body.captured_at).not.toBeNull();

    const again = await h.request({ method: 'POST', url: `/api/v1/payments/${res.body.id}/capture`, key: m.secretKey });
    expectError(again, 422, 'not_capturable', null);
  }

  it('JSON false leaves the payment authorized until POST /capture', async () => {
    await authorizeThenCapture(await pay(card({ capture: false })));
  });

  it('the form string "false" does too', async () => {
    await authorizeThenCapture(await payForm({ amount: '1000', currency: 'JPY', capture: 'false', payment_details: testCard() }));
  });

  it('capture=true (and "true") captures at once', async () => {
    expect((await pay(card({ capture: true }))).body.status).toBe('captured');
    expect((await payForm({ amount: '1000', currency: 'JPY', capture: 'true', payment_details: testCard() })).body.status).toBe('captured');
  });
});

describe('fraud_details', () => {
  const SEED_FRAUD = {
    customer_ip: '192.0.2.1',
    customer_email: 'buyer@example.com',
    customer_id: 'cus-0001',
    browser_language: 'ja-JP',
    browser_user_agent: 'Mozilla/5.0 (X11; Linux x86_64)',
  };

  async function storedFraudDetails(id: string) {
    const row = await h.store.db.selectFrom('payments').select('fraud_details').where('id', '=', id).executeTakeFirstOrThrow();
    return typeof row.fraud_details === 'string' ? JSON.parse(row.fraud_details) : row.fraud_details;
  }

  it('accepts and stores all five fields of the reference, and never shows them', async () => {
    const res = await pay(card({ fraud_details: SEED_FRAUD }));
    expect(res.status, res.text).toBe(200);
    expect(res.body).not.toHaveProperty('fraud_details');
    expect(res.text).not.toContain('192.0.2.1');
    expect(await storedFraudDetails(res.body.id)).toEqual(SEED_FRAUD);
  });

  it('accepts them as a form too, with an IPv6 address', async () => {
    const res = await payForm({ amount: '1000', currency: 'JPY', payment_details: testCard(), fraud_details: { ...SEED_FRAUD, customer_ip: '2001:db8::1' } });
    expect(res.status, res.text).toBe(200);
    expect(await storedFraudDetails(res.body.id)).toEqual({ ...SEED_FRAUD, customer_ip: '2001:db8::1' });
  });

  it('missing customer_ip → missing_parameter fraud_details.customer_ip', async () => {
    const { customer_ip: _ip, ...rest } = SEED_FRAUD;
    expectError(await pay(card({ fraud_details: rest })), 422, 'missing_parameter', 'fraud_details.customer_ip');
  });

  it('a customer_ip that is no IP → invalid_parameter fraud_details.customer_ip', async () => {
    expectError(await pay(card({ fraud_details: { ...SEED_FRAUD, customer_ip: '999.1.1.1' } })), 422, 'invalid_parameter', 'fraud_details.customer_ip');
  });

  it('no customer_email and no email anywhere → missing_parameter fraud_details.customer_email', async () => {
    const { customer_email: _email, ...rest } = SEED_FRAUD;
    expectError(await pay(card({ fraud_details: rest })), 422, 'missing_parameter', 'fraud_details.customer_email');
    // An email elsewhere in the request is enough.
    expect((await pay(card({ fraud_details: rest }, { email: 'buyer@example.com' }))).status).toBe(200);
    expect((await pay(card({ fraud_details: rest, email: 'buyer@example.com' }))).status).toBe(200);
  });
});

describe('malformed requests', () => {
  it('malformed JSON → 400 bad_request', async () => {
    const res = await h.app.inject({
      method: 'POST',
      url: '/api/v1/payments',
      headers: { authorization: `Basic ${Buffer.from(`${m.secretKey}:`).toString('base64')}`, 'content-type': 'application/json' },
      payload: '{"amount": 1000, "currency": ',
    });
    expectError({ status: res.statusCode, headers: res.headers, body: JSON.parse(res.body), text: res.body }, 400, 'bad_request', null);
  });

  it.each([
    ['JSON', 'application/json'],
    ['form', 'application/x-www-form-urlencoded'],
    ['no content type', undefined],
  ])('an empty body (%s) → 422 missing_parameter', async (_name, contentType) => {
    const headers: Record<string, string> = { authorization: `Basic ${Buffer.from(`${m.secretKey}:`).toString('base64')}` };
    if (contentType) headers['content-type'] = contentType;
    const res = await h.app.inject({ method: 'POST', url: '/api/v1/payments', headers, payload: '' });
    expectError({ status: res.statusCode, headers: res.headers, body: JSON.parse(res.body), text: res.body }, 422, 'missing_parameter', 'amount');
  });

  it('a JSON array body → 400 bad_request, not a 5xx', async () => {
    const res = await pay([1, 2, 3]);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('bad_request');
    expect(Object.keys(res.body.error).sort()).toEqual(['code', 'message', 'param']);
  });
});

describe('Komoju-Scenario', () => {
  it('records the declined card with its details, like a real decline', async () => {
    const res = await h.request({
      method: 'POST',
      url: '/api/v1/payments',
      key: m.secretKey,
      headers: { 'komoju-scenario': 'exceeds_limit' },
      json: { amount: 500, currency: 'JPY', external_order_num: 'scenario-details', payment_details: testCard() },
    });
    expect(res.status).toBe(502);
    expect(res.body.error.code).toBe('exceeds_limit');
    const list = await h.request({ url: '/api/v1/payments?external_order_num=scenario-details', key: m.secretKey });
    expect(list.body.data[0]).toMatchObject({ status: 'failed', payment_details: { brand: 'visa', last_four_digits: '1111' } });
  });

  it('accepts only decline codes', async () => {
    for (const scenario of ['not_found', 'invalid_parameter', 'nonsense']) {
      const res = await h.request({
        method: 'POST',
        url: '/api/v1/payments',
        key: m.secretKey,
        headers: { 'komoju-scenario': scenario },
        json: { amount: 500, currency: 'JPY', payment_details: testCard() },
      });
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'bad_request', param: 'Komoju-Scenario' });
    }
  });

  it('is refused for live merchants', async () => {
    const live = await h.merchant({ mode: 'live' });
    const res = await h.request({
      method: 'POST',
      url: '/api/v1/payments',
      key: live.secretKey,
      headers: { 'komoju-scenario': 'card_declined' },
      json: { amount: 500, currency: 'JPY', payment_details: testCard() },
    });
    expect(res.status).toBe(400);
  });
});
