import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type ApiResponse, type Harness, type TestMerchant } from '../helpers/harness';
import { tokyoEndOfDay } from '../helpers/seed-fixture';

/**
 * The cash (pay-later) methods through the API: konbini, bank_transfer, pay_easy and cvs. Each
 * creates an `authorized` payment with a deadline and the codes the customer needs, is refused by
 * /refund (refund requests instead), and can be cancelled, paid (test helper) or left to expire.
 */

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const STORES = ['daily-yamazaki', 'family-mart', 'lawson', 'ministop', 'seicomart', 'seven-eleven'];

/** Valid payment_details for each type: the seed's example values. */
const VALID: Record<string, Record<string, unknown>> = {
  konbini: { type: 'konbini', store: 'lawson', email: 'test@example.com', phone: '090-1111-2222' },
  bank_transfer: {
    type: 'bank_transfer',
    email: 'test@example.com',
    family_name: '山田',
    given_name: '太郎',
    family_name_kana: 'ヤマダ',
    given_name_kana: 'タロウ',
    phone: '080-1111-2222',
  },
  pay_easy: {
    type: 'pay_easy',
    email: 'test@example.com',
    family_name: '山田',
    given_name: '太郎',
    family_name_kana: 'ヤマダ',
    given_name_kana: 'タロウ',
    phone: '080-1111-2222',
  },
  cvs: { type: 'cvs', email: 'foo@bar.com' },
};

/** payment_details keys, in order, as the seed's example responses (cvs: our inference) print them. */
const DETAIL_KEYS: Record<string, string[]> = {
  konbini: ['type', 'email', 'store', 'confirmation_code', 'receipt', 'instructions_url'],
  bank_transfer: ['type', 'email', 'order_id', 'bank_name', 'account_branch_name', 'account_number', 'account_type', 'account_name', 'instructions_url'],
  pay_easy: ['type', 'email', 'bank_id', 'customer_id', 'confirmation_id', 'instructions_url'],
  cvs: ['type', 'email', 'receipt', 'instructions_url'],
};

/** Default days to pay (reference: konbini 3, bank transfer 14, PayEasy 10; cvs inferred as konbini). */
const DEFAULT_DAYS: Record<string, number> = { konbini: 3, bank_transfer: 14, pay_easy: 10, cvs: 3 };
const TYPES = Object.keys(VALID);

/** Calls as one merchant: the raw responses, and the payment's event types, oldest first. */
function api(m: TestMerchant) {
  return {
    get: (url: string) => h.request({ url, key: m.secretKey }),
    post: (url: string, json?: unknown) => h.request({ method: 'POST', url, key: m.secretKey, json }),
    async eventTypes(paymentId: string): Promise<string[]> {
      const res = await h.request({ url: `/api/v1/events?resource_id=${paymentId}&per_page=100`, key: m.secretKey });
      expect(res.status, res.text).toBe(200);
      return (res.body.data as { type: string }[]).map((e) => e.type).reverse();
    },
  };
}

/** KOMOJU's error envelope, exactly: `{"error":{"code","message","param"}}` with this status, code and param (and
 * `details` on a validation error, naming this param first). */
function expectError(res: ApiResponse, status: number, code: string, param?: string | null) {
  expect(res.status, res.text).toBe(status);
  expect(Object.keys(res.body)).toEqual(['error']);
  const { details, ...envelope } = res.body.error;
  expect(Object.keys(envelope).sort()).toEqual(['code', 'message', 'param']);
  if (code === 'missing_parameter' || code === 'invalid_parameter') expect(details?.errors[0], res.text).toEqual({ param: envelope.param, code, message: envelope.message });
  else expect(details).toBeUndefined();
  expect(res.body.error.code).toBe(code);
  if (param !== undefined) expect(res.body.error.param).toBe(param);
  expect(res.body.error.message.length).toBeGreaterThan(0);
}

function create(m: TestMerchant, type: string, details: Record<string, unknown> = {}, body: Record<string, unknown> = {}): Promise<ApiResponse> {
  const payment_details = { ...VALID[type], ...details };
  for (const [key, value] of Object.entries(payment_details)) if (value === undefined) delete payment_details[key];
  return h.request({ method: 'POST', url: '/api/v1/payments', key: m.secretKey, json: { amount: 1000, currency: 'JPY', payment_details, ...body } });
}

async function created(m: TestMerchant, type: string, details: Record<string, unknown> = {}, body: Record<string, unknown> = {}) {
  const res = await create(m, type, details, body);
  expect(res.status, res.text).toBe(200);
  return res.body;
}

describe.each(TYPES)('%s', (type) => {
  let m: TestMerchant;
  beforeAll(async () => {
    m = await h.merchant();
  });

  it('creates an authorized payment with exactly the documented payment_details', async () => {
    const payment = await created(m, type);
    expect(payment).toMatchObject({ resource: 'payment', status: 'authorized', amount: 1000, tax: 100, total: 1100, currency: 'JPY', captured_at: null });
    expect(Object.keys(payment.payment_details)).toEqual(DETAIL_KEYS[type]);
    expect(payment.payment_details.type).toBe(type);
    expect(payment.payment_details.email).toBe(VALID[type].email);
  });

  it(`sets the deadline to 23:59:59 Tokyo time ${DEFAULT_DAYS[type]} days after creation by default`, async () => {
    const payment = await created(m, type);
    expect(payment.payment_deadline).toBe(tokyoEndOfDay(payment.created_at, DEFAULT_DAYS[type]));
  });

  it('takes expiry_days up to 59 and refuses 60 and 0', async () => {
    const payment = await created(m, type, { expiry_days: 59 });
    expect(payment.payment_deadline).toBe(tokyoEndOfDay(payment.created_at, 59));
    const one = await created(m, type, { expiry_days: '1' });
    expect(one.payment_deadline).toBe(tokyoEndOfDay(one.created_at, 1));
    expectError(await create(m, type, { expiry_days: 60 }), 422, 'invalid_parameter', 'payment_details.expiry_days');
    expectError(await create(m, type, { expiry_days: 0 }), 422, 'invalid_parameter', 'payment_details.expiry_days');
    expectError(await create(m, type, { expiry_days: 'soon' }), 422, 'invalid_parameter', 'payment_details.expiry_days');
  });

  it("points instructions_url at this server's instructions page, in the payment's locale", async () => {
    const ja = await created(m, type);
    expect(ja.payment_details.instructions_url).toBe(`http://kessai.test/ja/instructions/${ja.id}`);
    const en = await created(m, type, {}, { locale: 'en' });
    expect(en.locale).toBe('en');
    expect(en.payment_details.instructions_url).toBe(`http://kessai.test/en/instructions/${en.id}`);
  });

  it('takes JPY only: USD → invalid_currency', async () => {
    expectError(await create(m, type, {}, { currency: 'USD' }), 422, 'invalid_currency', 'currency');
  });

  it('refuses /refund (not_refundable) before and after it is paid; the payment is unchanged', async () => {
    const calls = api(m);
    const payment = await created(m, type);
    expectError(await calls.post(`/api/v1/payments/${payment.id}/refund`), 422, 'not_refundable');
    const paid = await calls.post(`/api/v1/test_helpers/payments/${payment.id}/pay`);
    expect(paid.status, paid.text).toBe(200);
    expect(paid.body.status).toBe('captured');
    expectError(await calls.post(`/api/v1/payments/${payment.id}/refund`), 422, 'not_refundable');
    const after = await calls.get(`/api/v1/payments/${payment.id}`);
    expect(after.body).toMatchObject({ status: 'captured', amount_refunded: 0, refunds: [] });
  });

  it('takes a refund request once paid (docs/decisions.md #14)', async () => {
    const calls = api(m);
    const payment = await created(m, type);
    await calls.post(`/api/v1/test_helpers/payments/${payment.id}/pay`);
    const res = await calls.post(`/api/v1/payments/${payment.id}/refund_request`, {
      amount: 1100,
      customer_name: 'ヤマダ タロウ',
      bank_name: 'みずほ銀行',
      branch_number: '001',
      account_type: 'normal',
      account_number: '1234567',
      include_payment_method_fee: false,
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body.refund_requests).toMatchObject([{ amount: 1100, status: 'pending' }]);
    // Read back from the database, where a payment's refund requests are read only when it is flagged.
    const read = await calls.get(`/api/v1/payments/${payment.id}`);
    expect(read.body.refund_requests).toMatchObject([{ id: res.body.refund_requests[0].id, amount: 1100, status: 'pending' }]);
    expect(read.body.refunds).toEqual([]);
  });

  it('cancels while authorized (payment.cancelled) and cannot be paid afterwards', async () => {
    const calls = api(m);
    const payment = await created(m, type);
    const res = await calls.post(`/api/v1/payments/${payment.id}/cancel`);
    expect(res.status, res.text).toBe(200);
    expect(res.body.status).toBe('cancelled');
    expect(await calls.eventTypes(payment.id)).toEqual(['payment.authorized', 'payment.cancelled']);
    expect((await calls.post(`/api/v1/test_helpers/payments/${payment.id}/pay`)).status).toBe(422);
  });

  it('cannot be captured by the merchant (the customer pays)', async () => {
    const calls = api(m);
    const payment = await created(m, type);
    expectError(await calls.post(`/api/v1/payments/${payment.id}/capture`), 422, 'not_capturable');
  });

  it('fails with the code Komoju-Scenario names', async () => {
    const res = await h.request({
      method: 'POST',
      url: '/api/v1/payments',
      key: m.secretKey,
      json: { amount: 1000, currency: 'JPY', payment_details: VALID[type] },
      headers: { 'komoju-scenario': 'other_error' },
    });
    expectError(res, 502, 'other_error');
  });

  it('takes the top-level email when payment_details has none', async () => {
    const payment = await created(m, type, { email: undefined }, { email: 'top@example.com' });
    expect(payment.payment_details.email).toBe('top@example.com');
  });

  it('refuses a malformed email', async () => {
    expectError(await create(m, type, { email: 'not-an-email' }), 422, 'invalid_parameter', 'payment_details.email');
  });
});

describe('konbini', () => {
  let m: TestMerchant;
  beforeAll(async () => {
    m = await h.merchant();
  });

  it.each(STORES)('issues a slip for %s', async (store) => {
    const payment = await created(m, 'konbini', { store });
    const details = payment.payment_details;
    expect(details.store).toBe(store);
    // Seven-Eleven prints a 13-digit slip number; the others an 11-digit receipt number.
    expect(details.receipt).toMatch(store === 'seven-eleven' ? /^\d{13}$/ : /^\d{11}$/);
    // Lawson, Ministop, FamilyMart and Seicomart confirm with the phone's last four digits.
    if (store === 'seven-eleven' || store === 'daily-yamazaki') expect(details.confirmation_code).toBeNull();
    else expect(details.confirmation_code).toBe('2222');
  });

  it('gives two payments different receipts', async () => {
    const a = await created(m, 'konbini');
    const b = await created(m, 'konbini');
    expect(a.payment_details.receipt).not.toBe(b.payment_details.receipt);
  });

  it('confirms with four random digits when there is no phone, and email is optional (null)', async () => {
    const payment = await created(m, 'konbini', { phone: undefined, email: undefined });
    expect(payment.payment_details.confirmation_code).toMatch(/^\d{4}$/);
    expect(payment.payment_details.email).toBeNull();
  });

  it('accepts the underscore spelling the reference also uses (family_mart) and answers the slug', async () => {
    const payment = await created(m, 'konbini', { store: 'family_mart' });
    expect(payment.payment_details.store).toBe('family-mart');
  });

  it('an unknown store → invalid_parameter payment_details.store, naming the stores', async () => {
    const res = await create(m, 'konbini', { store: 'circle-k' });
    expectError(res, 422, 'invalid_parameter', 'payment_details.store');
    expect(res.body.error.message).toContain('circle-k');
    expect(res.body.error.message).toContain('seven-eleven');
  });

  it('no store → missing_parameter payment_details.store', async () => {
    expectError(await create(m, 'konbini', { store: undefined }), 422, 'missing_parameter', 'payment_details.store');
  });

  it('refuses a phone that is not a phone number', async () => {
    expectError(await create(m, 'konbini', { phone: 'call me' }), 422, 'invalid_parameter', 'payment_details.phone');
    expectError(await create(m, 'konbini', { phone: '1234' }), 422, 'invalid_parameter', 'payment_details.phone');
  });

  it('works as a form post (curl) too', async () => {
    const res = await h.request({
      method: 'POST',
      url: '/api/v1/payments',
      key: m.secretKey,
      form: [
        ['amount', '1000'],
        ['currency', 'JPY'],
        ['payment_details[type]', 'konbini'],
        ['payment_details[store]', 'seven-eleven'],
        ['payment_details[expiry_days]', '5'],
      ],
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body.payment_details.store).toBe('seven-eleven');
    expect(res.body.payment_deadline).toBe(tokyoEndOfDay(res.body.created_at, 5));
  });

  it('expires when the test clock passes its deadline, and only then', async () => {
    const own = await h.merchant();
    const calls = api(own);
    const payment = await created(own, 'konbini');
    const untilDeadline = Math.floor((Date.parse(payment.payment_deadline) - Date.parse(payment.created_at)) / 1000);
    const before = await calls.post('/api/v1/test_helpers/clock/advance', { seconds: untilDeadline - 60 });
    expect(before.body.expired_payments).toBe(0);
    expect((await calls.get(`/api/v1/payments/${payment.id}`)).body.status).toBe('authorized');
    const after = await calls.post('/api/v1/test_helpers/clock/advance', { seconds: 120 });
    expect(after.body.expired_payments).toBe(1);
    expect((await calls.get(`/api/v1/payments/${payment.id}`)).body.status).toBe('expired');
    expect(await calls.eventTypes(payment.id)).toEqual(['payment.authorized', 'payment.expired']);
  });
});

describe('bank_transfer', () => {
  let m: TestMerchant;
  beforeAll(async () => {
    m = await h.merchant();
  });

  it('shows the account to pay into and the order_id to write as the remitter', async () => {
    const payment = await created(m, 'bank_transfer');
    expect(payment.payment_details).toMatchObject({
      order_id: expect.stringMatching(/^K\d{10}$/),
      bank_name: '三井住友銀行',
      account_branch_name: 'ひなぎく',
      account_number: expect.stringMatching(/^\d{7}$/),
      account_type: '普通預金',
      account_name: expect.any(String),
    });
  });

  it('has no amount limit beyond the general one', async () => {
    const payment = await created(m, 'bank_transfer', {}, { amount: 5_000_000, tax: 0 });
    expect(payment.total).toBe(5_000_000);
  });

  it('takes `name` instead of given and family names', async () => {
    await created(m, 'bank_transfer', { given_name: undefined, family_name: undefined, name: '山田 太郎' });
  });
});

describe.each(['bank_transfer', 'pay_easy'])('%s customer fields', (type) => {
  let m: TestMerchant;
  beforeAll(async () => {
    m = await h.merchant();
  });

  it.each(['given_name', 'family_name', 'given_name_kana', 'family_name_kana', 'phone', 'email'])(
    'without %s → missing_parameter payment_details.%s',
    async (field) => {
      expectError(await create(m, type, { [field]: undefined }), 422, 'missing_parameter', `payment_details.${field}`);
    },
  );

  it('treats a blank field as missing', async () => {
    expectError(await create(m, type, { family_name_kana: '  ' }), 422, 'missing_parameter', 'payment_details.family_name_kana');
  });

  it.each(['ヤマダ', 'サトー', 'ヤマダ タロウ', 'ヤマダ　タロウ', 'ヴァン・ダイク'])('accepts the katakana %s', async (kana) => {
    await created(m, type, { family_name_kana: kana });
  });

  it.each(['やまだ', '山田', 'Yamada', 'ﾔﾏﾀﾞ', 'ー', '123'])('refuses %s as katakana', async (kana) => {
    expectError(await create(m, type, { given_name_kana: kana }), 422, 'invalid_parameter', 'payment_details.given_name_kana');
  });
});

describe('pay_easy', () => {
  let m: TestMerchant;
  beforeAll(async () => {
    m = await h.merchant();
  });

  it('issues the bank id, a 20-digit customer number and a 6-digit confirmation number', async () => {
    const payment = await created(m, 'pay_easy');
    expect(payment.payment_details).toMatchObject({
      bank_id: '58191',
      customer_id: expect.stringMatching(/^\d{20}$/),
      confirmation_id: expect.stringMatching(/^\d{6}$/),
    });
  });
});

/** Limits on the total (amount + tax). tax=0 hits the bounds exactly; auto tax is 10 %, rounded half up. */
describe.each([
  ['konbini', 1, 300_000],
  ['pay_easy', 1, 999_999],
  ['cvs', 1, 300_000],
] as const)('%s total limits', (type, min, max) => {
  let m: TestMerchant;
  beforeAll(async () => {
    m = await h.merchant();
  });

  it.each([min, min + 1, max - 1, max])('accepts a total of %i', async (amount) => {
    const payment = await created(m, type, {}, { amount, tax: 0 });
    expect(payment.total).toBe(amount);
  });

  it.each([min - 1, max + 1])('refuses a total of %i (invalid_parameter amount)', async (amount) => {
    expectError(await create(m, type, {}, { amount, tax: 0 }), 422, 'invalid_parameter', 'amount');
  });

  it('applies the limit to amount + tax', async () => {
    // With auto tax the largest amount is the one whose total is still ≤ max.
    const largest = Math.floor(max / 1.1);
    const tax = (amount: number) => Math.round(amount * 0.1);
    const fits = [largest - 1, largest, largest + 1].filter((amount) => amount + tax(amount) <= max).pop()!;
    const ok = await created(m, type, {}, { amount: fits });
    expect(ok.total).toBeLessThanOrEqual(max);
    expect(ok.total).toBe(fits + tax(fits));
    expectError(await create(m, type, {}, { amount: fits + 1 }), 422, 'invalid_parameter', 'amount');
    expectError(await create(m, type, {}, { amount: max, tax: 1 }), 422, 'invalid_parameter', 'amount');
  });
});

describe('GET /api/v1/payment_methods', () => {
  it('lists the cash methods in yen, konbini with its stores as subtypes', async () => {
    const m = await h.merchant();
    const res = await h.request({ url: '/api/v1/payment_methods', key: m.publishableKey });
    expect(res.status).toBe(200);
    const byType = new Map(res.body.map((x: { type_slug: string }) => [x.type_slug, x]));
    expect(byType.get('konbini')).toEqual({ type_slug: 'konbini', name_en: 'Konbini', name_ja: 'コンビニ', name_ko: '편의점', currency: 'JPY', subtypes: STORES });
    for (const type of ['bank_transfer', 'pay_easy', 'cvs']) expect(byType.get(type)).toMatchObject({ currency: 'JPY', subtypes: [] });
  });
});

it("the test's deadline rule: the day boundary follows Tokyo, not UTC", () => {
  expect(tokyoEndOfDay('2020-06-09T07:42:04Z', 3)).toBe('2020-06-12T14:59:59Z');
  expect(tokyoEndOfDay('2020-06-09T14:59:59Z', 3)).toBe('2020-06-12T14:59:59Z');
  expect(tokyoEndOfDay('2020-06-09T15:00:00Z', 3)).toBe('2020-06-13T14:59:59Z');
});
