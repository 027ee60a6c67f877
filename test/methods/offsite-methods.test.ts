import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CURRENCIES } from '../../src/kernel/money';
import { METHODS, methodFor } from '../../src/methods';
import { OFFSITE_TABLE } from '../../src/methods/_shared/offsite_table';
import { validBirthday } from '../../src/methods/toss';
import { findPayment } from '../../src/store/payments.repo';
import { startHarness, type ApiResponse, type Harness, type TestMerchant } from '../helpers/harness';
import { expectError, paymentApi } from '../helpers/payment-api';

/**
 * The offsite (redirect) methods through the API: japan_mobile, line_pay, merpay, paidy, paypay,
 * mobile, toss, paysafe_card, paysafe_cash, zgold, nexus_transfer, and the table-driven rest of
 * KOMOJU's offsite types.
 */

const PUBLIC_URL = 'http://kessai.test';

/** Digest §5.1 "others in SDK enum", copied here so the test does not check src against itself. */
const SDK_OTHERS = [
  'alipay', 'alipay_hk', 'amazon_pay', 'au', 'aupay', 'bancontact', 'banrisul', 'blik', 'credit_card_korea',
  'credit_card_brazil', 'dana', 'docomo', 'doku_wallet', 'dragonpay', 'enets', 'epospay', 'eps', 'fpx', 'gcash',
  'giropay', 'ideal', 'kakaopay', 'multibanco', 'mybank', 'narvesen', 'naverpay', 'ovo', 'payco', 'paypost',
  'paysera', 'payu', 'perlas', 'pix', 'poli', 'przelewy24', 'rakutenpay', 'sofortbanking', 'softbank', 'tng',
  'truemoney', 'unionpay', 'wechatpay',
];

const OWN_MODULES = ['japan_mobile', 'line_pay', 'merpay', 'paidy', 'paypay', 'mobile', 'toss', 'paysafe_card', 'paysafe_cash', 'zgold', 'nexus_transfer'];

/** The seed's Paidy example (seeds/002), as JSON numbers where the seed says integer. */
const PAIDY_BUYER = {
  billing_address_city: '武蔵野市',
  billing_address_line1: 'いちご吉祥寺ビル 4F',
  billing_address_line2: '吉祥寺本町 2 丁目 5 番 10 号',
  billing_address_state: '東京都',
  billing_address_zip: '1800004',
  customer_age: 25,
  customer_last_order_amount: 20000,
  customer_last_order_at: 10,
  customer_lifetime_value: 250000,
  customer_name: '山田太郎',
  customer_name_kana: 'ヤマダ タロウ',
  customer_order_count: 2,
};

let h: Harness;
let m: TestMerchant;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

function pay(json: Record<string, unknown>, headers?: Record<string, string>): Promise<ApiResponse> {
  return h.request({ method: 'POST', url: '/api/v1/payments', key: m.secretKey, json, headers });
}

function offsite(type: string, details: Record<string, unknown> = {}, body: Record<string, unknown> = {}): Promise<ApiResponse> {
  return pay({ amount: 1000, currency: 'JPY', payment_details: { type, ...details }, ...body });
}

function expectRedirect(res: ApiResponse): void {
  expect(res.status, res.text).toBe(200);
  expect(res.body.status).toBe('authorized');
  // A day at the provider, then the payment expires (OFFSITE_WAIT_MS).
  expect(Date.parse(res.body.payment_deadline) - Date.parse(res.body.created_at)).toBe(86_400_000);
  expect(res.body.captured_at).toBeNull();
  expect(res.body.payment_details.redirect_url).toBe(`${PUBLIC_URL}/offsite/new?uuid=${res.body.id}`);
}

describe('the registry', () => {
  it('holds every offsite module and every other offsite type of the SDK enum, once', () => {
    const types = METHODS.map((method) => method.type);
    for (const type of [...OWN_MODULES, ...SDK_OTHERS]) expect(types, type).toContain(type);
    expect(new Set(types).size).toBe(types.length);
    // The table covers exactly the SDK's others: nothing twice, nothing that has its own module.
    expect(OFFSITE_TABLE.map((row) => row.type).sort()).toEqual([...SDK_OTHERS].sort());
  });

  it.each([...OWN_MODULES, ...SDK_OTHERS])('%s is an offsite, refundable method with names and currencies', (type) => {
    const method = methodFor(type)!;
    expect(method.flow).toBe('offsite');
    expect(method.refundable).toBe(true);
    expect(method.expiry).toBeUndefined();
    for (const locale of ['en', 'ja', 'ko'] as const) expect(method.names[locale].length, locale).toBeGreaterThan(0);
    if (method.currencies !== 'all') {
      expect(method.currencies.length).toBeGreaterThan(0);
      for (const currency of method.currencies) expect(CURRENCIES).toContain(currency);
    }
    expect(method.testScenarios.length).toBeGreaterThan(0);
    for (const scenario of method.testScenarios) expect(scenario.outcome).toBe('authorized');
  });
});

describe('japan_mobile', () => {
  beforeAll(async () => {
    m = await h.merchant();
  });

  it.each(['docomo', 'au', 'softbank'])('brand %s is answered as provider %s', async (brand) => {
    const res = await offsite('japan_mobile', { brand, email: 'test@example.com' });
    expectRedirect(res);
    expect(res.body.payment_details).toEqual({
      type: 'japan_mobile',
      email: 'test@example.com',
      provider: brand,
      redirect_url: `${PUBLIC_URL}/offsite/new?uuid=${res.body.id}`,
    });
  });

  it('requires a brand', async () => {
    expectError(await offsite('japan_mobile'), 422, 'missing_parameter', 'payment_details.brand');
  });

  it.each(['ntt', 'DOCOMO', 'rakuten', ''])('refuses brand %j', async (brand) => {
    expectError(await offsite('japan_mobile', { brand }), 422, 'invalid_parameter', 'payment_details.brand');
  });

  it('takes yen only', async () => {
    expectError(await offsite('japan_mobile', { brand: 'au' }, { currency: 'USD' }), 422, 'invalid_currency', 'currency');
  });
});

describe('line_pay', () => {
  beforeAll(async () => {
    m = await h.merchant();
  });

  it('shows type, email and redirect_url, nothing else', async () => {
    const res = await offsite('line_pay', { email: 'test@example.com' });
    expectRedirect(res);
    expect(Object.keys(res.body.payment_details)).toEqual(['type', 'email', 'redirect_url']);
    expect(res.body.payment_details.email).toBe('test@example.com');
  });

  it('takes the top-level email when payment_details has none, and null when neither has one', async () => {
    expect((await offsite('line_pay', {}, { email: 'top@example.com' })).body.payment_details.email).toBe('top@example.com');
    expect((await offsite('line_pay')).body.payment_details.email).toBeNull();
  });

  it('refuses an email that is not one', async () => {
    expectError(await offsite('line_pay', { email: 'not-an-email' }), 422, 'invalid_parameter', 'payment_details.email');
  });
});

describe('merpay: a total of ¥1 to ¥1,000,000 (seeds/002, Restrictions)', () => {
  beforeAll(async () => {
    m = await h.merchant();
  });

  it.each([
    [1, 0],
    [2, 0],
    [999_999, 0],
    [1_000_000, 0],
    [909_091, 'auto'], // + 90,909 tax = 1,000,000
  ])('accepts amount %d with tax %s', async (amount, tax) => {
    const res = await offsite('merpay', {}, { amount, tax });
    expectRedirect(res);
    expect(res.body.total).toBeLessThanOrEqual(1_000_000);
  });

  it.each([
    [0, 0],
    [1_000_001, 0],
    [909_092, 'auto'], // + 90,909 tax = 1,000,001
    [999_999, 2],
  ])('refuses amount %d with tax %s', async (amount, tax) => {
    expectError(await offsite('merpay', {}, { amount, tax }), 422, 'invalid_parameter', 'amount');
  });
});

describe('paidy', () => {
  beforeAll(async () => {
    m = await h.merchant();
  });

  it("accepts the seed's buyer data and never echoes it", async () => {
    const res = await offsite('paidy', { email: 'test@example.com', ...PAIDY_BUYER });
    expectRedirect(res);
    expect(Object.keys(res.body.payment_details)).toEqual(['type', 'email', 'redirect_url']);
    for (const value of ['武蔵野市', 'ヤマダ', '山田太郎', '1800004', '180-0004', '250000']) expect(res.text).not.toContain(value);
  });

  it('keeps the buyer data encrypted, normalised (zip NNN-NNNN)', async () => {
    const res = await offsite('paidy', PAIDY_BUYER);
    const row = await findPayment(h.store.db, m.id, res.body.id);
    expect(row!.secret_details).not.toContain('武蔵野市');
    expect(h.services.vault.open(row!.secret_details!)).toEqual({ ...PAIDY_BUYER, billing_address_zip: '180-0004' });
  });

  it('needs none of the buyer fields', async () => {
    expectRedirect(await offsite('paidy', { email: 'test@example.com' }));
    expectRedirect(await offsite('paidy'));
  });

  it.each(['180-0004', '1800004'])('accepts postal code %s', async (zip) => {
    expectRedirect(await offsite('paidy', { billing_address_zip: zip }));
  });

  it.each(['180004', '180-004', '1800-004', '180 0004', '１８０-０００４', 'abc-defg', '18000045'])('refuses postal code %j', async (zip) => {
    expectError(await offsite('paidy', { billing_address_zip: zip }), 422, 'invalid_parameter', 'payment_details.billing_address_zip');
  });

  it.each(['customer_age', 'customer_last_order_amount', 'customer_last_order_at', 'customer_lifetime_value', 'customer_order_count'])(
    '%s must be a whole number ≥ 0',
    async (field) => {
      // true/false: JSON booleans, which Ajv's type coercion would otherwise have read as 1/0.
      for (const value of [2.5, '2.5', -1, 'ten', '', true, false]) {
        expectError(await offsite('paidy', { [field]: value }), 422, 'invalid_parameter', `payment_details.${field}`);
      }
      expectRedirect(await offsite('paidy', { [field]: '0' }));
      expectRedirect(await offsite('paidy', { [field]: null })); // null: not given
    },
  );

  it('refuses an age over 150', async () => {
    expectError(await offsite('paidy', { customer_age: 151 }), 422, 'invalid_parameter', 'payment_details.customer_age');
  });

  it('takes form strings for the integers, as the seed sends them', async () => {
    const form = Object.entries(PAIDY_BUYER).map(([key, value]) => [`payment_details[${key}]`, String(value)] as [string, string]);
    const res = await h.request({
      method: 'POST',
      url: '/api/v1/payments',
      key: m.secretKey,
      form: [['amount', '1000'], ['currency', 'JPY'], ['payment_details[type]', 'paidy'], ...form],
    });
    expectRedirect(res);
  });

  it.each(['ヤマダ タロウ', 'ヤマダ　タロウ', 'ﾔﾏﾀﾞ ﾀﾛｳ', 'ヤマダタロウ', 'ヴァン・デル ルーク'])('accepts the katakana name %j', async (kana) => {
    expectRedirect(await offsite('paidy', { customer_name_kana: kana }));
  });

  it('keeps half-width and ideographic-space kana in their usual form', async () => {
    const res = await offsite('paidy', { customer_name_kana: 'ﾔﾏﾀﾞ　ﾀﾛｳ' });
    const row = await findPayment(h.store.db, m.id, res.body.id);
    expect(h.services.vault.open(row!.secret_details!).customer_name_kana).toBe('ヤマダ タロウ');
  });

  it.each(['やまだ たろう', '山田 太郎', 'Yamada Taro', 'ヤマダ1', '   '])('refuses %j as customer_name_kana', async (kana) => {
    expectError(await offsite('paidy', { customer_name_kana: kana }), 422, 'invalid_parameter', 'payment_details.customer_name_kana');
  });
});

describe('paypay', () => {
  beforeAll(async () => {
    m = await h.merchant();
  });

  it('adds external_payment_id, a new one for each payment', async () => {
    const first = await offsite('paypay', { email: 'test@example.com' });
    const second = await offsite('paypay');
    expectRedirect(first);
    expect(Object.keys(first.body.payment_details)).toEqual(['type', 'email', 'redirect_url', 'external_payment_id']);
    expect(first.body.payment_details.external_payment_id).toMatch(/^[0-9a-z]{25}$/);
    expect(second.body.payment_details.external_payment_id).not.toBe(first.body.payment_details.external_payment_id);
  });
});

describe('mobile (Korean carrier billing)', () => {
  beforeAll(async () => {
    m = await h.merchant();
  });

  it('takes won and answers provider null', async () => {
    const res = await offsite('mobile', { email: 'foo@bar.com' }, { currency: 'KRW', tax: 0 });
    expectRedirect(res);
    expect(res.body.payment_details).toEqual({ type: 'mobile', email: 'foo@bar.com', provider: null, redirect_url: res.body.payment_details.redirect_url });
  });

  it('refuses yen', async () => {
    expectError(await offsite('mobile'), 422, 'invalid_currency', 'currency');
  });
});

describe('toss', () => {
  beforeAll(async () => {
    m = await h.merchant();
  });

  it('keeps the birthday secret: not in the response, the logs, or the stored row in the clear', async () => {
    const res = await offsite('toss', { birthday: '870415' }, { currency: 'KRW' });
    expectRedirect(res);
    expect(res.body.payment_details).toEqual({ type: 'toss', email: null, redirect_url: res.body.payment_details.redirect_url });
    expect(res.text).not.toContain('870415');
    const shown = await h.request({ url: `/api/v1/payments/${res.body.id}`, key: m.secretKey });
    expect(shown.text).not.toContain('870415');
    for (const line of h.logs) expect(line).not.toContain('870415');
    const row = await findPayment(h.store.db, m.id, res.body.id);
    expect(JSON.stringify(row!.payment_details)).not.toContain('870415');
    expect(row!.secret_details).not.toContain('870415');
    expect(h.services.vault.open(row!.secret_details!)).toEqual({ birthday: '870415' });
  });

  it('requires a birthday', async () => {
    expectError(await offsite('toss', {}, { currency: 'KRW' }), 422, 'missing_parameter', 'payment_details.birthday');
  });

  it.each(['8704150', '87041', '87-04-15', '871315', '870400', '870431', '870230', '870229'])('refuses birthday %j', async (birthday) => {
    expectError(await offsite('toss', { birthday }, { currency: 'KRW' }), 422, 'invalid_parameter', 'payment_details.birthday');
  });

  it('knows leap days by the last two digits', () => {
    expect(validBirthday('000229')).toBe(true);
    expect(validBirthday('880229')).toBe(true);
    expect(validBirthday('870229')).toBe(false);
    expect(validBirthday('111111')).toBe(true); // the seed's token example
  });
});

describe('paysafe_card, paysafe_cash, zgold, nexus_transfer (seed token examples only)', () => {
  beforeAll(async () => {
    m = await h.merchant();
  });

  it.each(['paysafe_card', 'paysafe_cash'])('%s takes euros, not yen', async (type) => {
    expectRedirect(await offsite(type, { email: 'foo@bar.com' }, { currency: 'EUR' }));
    expectError(await offsite(type, { email: 'foo@bar.com' }), 422, 'invalid_currency', 'currency');
  });

  it('zgold takes its return_url inside payment_details, as its token example sends it', async () => {
    const res = await offsite('zgold', { email: 'foo@bar.com', return_url: 'http://example.com' });
    expectRedirect(res);
    expect((await findPayment(h.store.db, m.id, res.body.id))!.return_url).toBe('http://example.com');
  });

  it('nexus_transfer requires a provider and shows it', async () => {
    const res = await offsite('nexus_transfer', { provider: 'mega-shark' });
    expectRedirect(res);
    expect(res.body.payment_details.provider).toBe('mega-shark');
    expectError(await offsite('nexus_transfer'), 422, 'missing_parameter', 'payment_details.provider');
    expectError(await offsite('nexus_transfer', { provider: 'Mega Shark!' }), 422, 'invalid_parameter', 'payment_details.provider');
  });
});

describe('the table-driven offsite types', () => {
  beforeAll(async () => {
    m = await h.merchant();
  });

  it.each(OFFSITE_TABLE.map((row) => [row.type, row] as const))('%s: authorized with a redirect_url in its currency, other currencies refused', async (type, row) => {
    const currency = row.currencies[0];
    const res = await offsite(type, { email: 'buyer@example.com' }, { currency });
    expectRedirect(res);
    expect(res.body.currency).toBe(currency);
    expect(res.body.payment_details).toEqual({ type, email: 'buyer@example.com', redirect_url: res.body.payment_details.redirect_url });

    const other = CURRENCIES.find((candidate) => !row.currencies.includes(candidate))!;
    expectError(await offsite(type, {}, { currency: other }), 422, 'invalid_currency', 'currency');
  });

  it('every currency of every row works', async () => {
    for (const row of OFFSITE_TABLE) {
      for (const currency of row.currencies) expectRedirect(await offsite(row.type, {}, { currency }));
    }
  });

  it('additional fields are accepted, kept encrypted and never echoed', async () => {
    const res = await offsite('alipay', { name: 'Wang Xiaoming' });
    expectRedirect(res);
    expect(res.text).not.toContain('Wang Xiaoming');
    const row = await findPayment(h.store.db, m.id, res.body.id);
    expect(h.services.vault.open(row!.secret_details!)).toEqual({ name: 'Wang Xiaoming' });

    expectRedirect(await offsite('ovo', { phone: '+62 812 3456 7890' }, { currency: 'IDR' }));
    expectError(await offsite('ovo', { phone: 'call me' }, { currency: 'IDR' }), 422, 'invalid_parameter', 'payment_details.phone');
    expectError(await offsite('giropay', { name: '' }, { currency: 'EUR' }), 422, 'invalid_parameter', 'payment_details.name');
  });

  it('declares the additional fields as required inputs of the hosted page (alipay, giropay: name)', () => {
    expect(methodFor('alipay')!.checkoutFields).toEqual([expect.objectContaining({ name: 'name', required: true })]);
    expect(methodFor('giropay')!.checkoutFields.map((field) => field.name)).toEqual(['name']);
    expect(methodFor('aupay')!.checkoutFields).toEqual([]);
    expect(methodFor('paypay')!.checkoutFields).toEqual([]);
  });

  it('GET /payment_methods lists them with their first currency', async () => {
    const res = await h.request({ url: '/api/v1/payment_methods', key: m.publishableKey });
    expect(res.status, res.text).toBe(200);
    const giropay = (res.body as Record<string, unknown>[]).find((method) => method.type_slug === 'giropay');
    expect(giropay).toMatchObject({ type_slug: 'giropay', name_en: 'giropay', currency: 'EUR', subtypes: [] });
    const japanMobile = (res.body as Record<string, unknown>[]).find((method) => method.type_slug === 'japan_mobile');
    expect(japanMobile).toMatchObject({ currency: 'JPY', subtypes: ['docomo', 'au', 'softbank'] });
  });
});

describe('an unknown type', () => {
  beforeAll(async () => {
    m = await h.merchant();
  });

  it('is invalid_payment_type, listing the allowed types', async () => {
    const res = await offsite('apple_pay');
    expectError(res, 422, 'invalid_payment_type', 'payment_details.type');
    expect(res.body.error.message).toContain('apple_pay is not one of');
    for (const type of ['credit_card', 'japan_mobile', 'line_pay', 'paypay', 'alipay', 'wechatpay']) expect(res.body.error.message).toContain(type);
  });

  it('a disabled offsite type is refused like an unknown one', async () => {
    const { changeEnabledTypes } = await import('../../src/domain/merchants');
    await changeEnabledTypes(h.store.db, m.id, { disable: ['alipay'] });
    const res = await offsite('alipay');
    expectError(res, 422, 'invalid_payment_type', 'payment_details.type');
    expect(res.body.error.message).not.toMatch(/\balipay,/);
    expectRedirect(await offsite('wechatpay'));
  });
});

describe('return_url', () => {
  beforeAll(async () => {
    m = await h.merchant();
  });

  async function storedReturnUrl(res: ApiResponse): Promise<string | null> {
    expectRedirect(res);
    return (await findPayment(h.store.db, m.id, res.body.id))!.return_url;
  }

  it('is accepted top level (the examples) and inside payment_details (the method tables)', async () => {
    expect(await storedReturnUrl(await offsite('line_pay', {}, { return_url: 'https://shop.example/top' }))).toBe('https://shop.example/top');
    expect(await storedReturnUrl(await offsite('line_pay', { return_url: 'https://shop.example/inner' }))).toBe('https://shop.example/inner');
    expect(await storedReturnUrl(await offsite('line_pay'))).toBeNull();
  });

  it('inside payment_details wins over the top-level one (docs/decisions.md #11)', async () => {
    const res = await offsite('merpay', { return_url: 'https://shop.example/inner' }, { return_url: 'https://shop.example/top' });
    expect(await storedReturnUrl(res)).toBe('https://shop.example/inner');
  });

  it('is never shown in payment_details', async () => {
    const res = await offsite('paypay', { return_url: 'https://shop.example/inner' });
    expect(res.body.payment_details.return_url).toBeUndefined();
  });

  it('must be a URL', async () => {
    expectError(await offsite('line_pay', { return_url: 'not a url' }), 422, 'invalid_parameter', 'payment_details.return_url');
  });
});

describe('after the redirect', () => {
  let api: ReturnType<typeof paymentApi>;
  beforeAll(async () => {
    m = await h.merchant();
    api = paymentApi(h, m.secretKey);
  });

  it('the customer pays (test helper): captured, then refundable through /refund', async () => {
    const created = await offsite('line_pay');
    const paid = await api.post(`/api/v1/test_helpers/payments/${created.body.id}/pay`);
    expect(paid.status, paid.text).toBe(200);
    expect(paid.body.status).toBe('captured');
    const refunded = await api.post(`/api/v1/payments/${created.body.id}/refund`, { amount: 100 });
    expect(refunded.status, refunded.text).toBe(200);
    expect(refunded.body).toMatchObject({ status: 'captured', amount_refunded: 100 });
    const rest = await api.post(`/api/v1/payments/${created.body.id}/refund`);
    expect(rest.body).toMatchObject({ status: 'refunded', amount_refunded: 1100 });
    expect(await api.eventTypes(created.body.id)).toEqual([
      'payment.authorized',
      'payment.captured',
      'payment.refund.created',
      'payment.refund.created',
      'payment.refunded',
    ]);
  });

  it('the merchant can cancel it while the customer has not paid', async () => {
    const created = await offsite('japan_mobile', { brand: 'au' });
    const cancelled = await api.post(`/api/v1/payments/${created.body.id}/cancel`);
    expect(cancelled.status, cancelled.text).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
  });

  it('cannot be captured by the merchant: the customer does that', async () => {
    const created = await offsite('paidy');
    expectError(await api.post(`/api/v1/payments/${created.body.id}/capture`), 422, 'not_capturable');
  });

  it("the redirect_url is a page this server answers, naming the method and carrier", async () => {
    const created = await offsite('japan_mobile', { brand: 'docomo' }, { locale: 'en' });
    const url = new URL(created.body.payment_details.redirect_url);
    const page = await h.app.inject({ method: 'GET', url: url.pathname + url.search });
    expect(page.statusCode, page.body).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.body).toContain('docomo');
  });

  it('Komoju-Scenario forces a failure for an offsite method too', async () => {
    const res = await pay({ amount: 1000, currency: 'JPY', payment_details: { type: 'paypay' } }, { 'komoju-scenario': 'card_declined' });
    expectError(res, 502, 'card_declined');
  });
});
