import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, testCard, type Harness, type TestMerchant } from '../helpers/harness';
import { ISO_SECONDS, nestForm, shapeDifferences } from '../helpers/seed-fixture';

/**
 * The Hosted Page seed (seeds/000) replayed: its two session requests (form and JSON) against the
 * example responses printed for them (keys, JSON types, fixed values); then the lifecycle the seed's
 * status table describes: pay → completed with the payment embedded, redirect to return_url with
 * session_id, a session paid once, expired and cancelled sessions unpayable, other merchants 404.
 * The seed's URLs are blank (scrubbed); ours are this server's.
 */

const MINIMAL_FORM: [string, string][] = [
  ['return_url', 'https://example.com/return'],
  ['amount', '1000'],
  ['currency', 'JPY'],
  ['payment_data[external_order_num]', 'my_order_number'],
];

const MINIMAL_RESPONSE = {
  id: 'boc2hxvmyl497eekihyrwmmgm',
  resource: 'session',
  mode: 'payment',
  payment: null,
  session_url: '',
  return_url: '',
  default_locale: 'ja',
  payment_methods: [{ type: 'credit_card' }, { type: 'konbini' }],
  created_at: '2020-12-09T18:26:59.000+09:00',
  cancelled_at: null,
  completed_at: null,
  status: 'pending',
};

const ONE_CLICK_FORM: [string, string][] = [
  ['default_locale', 'ja'],
  ['email', 'john@example.com'],
  ['metadata[test]', 'value'],
  ['amount', '8888'],
  ['currency', 'JPY'],
  ['payment_data[external_order_num]', 'my_custom_order'],
  ['payment_data[name]', 'John'],
  ['payment_data[name_kana]', 'ジョン'],
  ['payment_types[]', 'credit_card'],
  ['payment_types[]', 'konbini'],
  ['return_url', 'https://example.com/return?order=1'],
];

const BRANDS = {
  'seven-eleven': '/images/konbini/seven-eleven.svg',
  lawson: '/images/konbini/lawson.svg',
  'family-mart': '/images/konbini/family-mart.svg',
  ministop: '/images/konbini/ministop.svg',
  'daily-yamazaki': '/images/konbini/daily-yamazaki.svg',
  seicomart: '/images/konbini/seicomart.svg',
};

/**
 * The seed's konbini `brands` (2020) map each store to a path string; KOMOJU has since answered
 * `{icon: path}` (KOMOJU Fields' fixture of a real session, 2022, read by its konbini field without
 * any version header). We answer that under every version (src/domain/sessions/offers.ts,
 * konbiniBrands): the same stores, in the same order, each still a path on the API host.
 */
function withKonbiniIcons(seed: Record<string, unknown>): Record<string, unknown> {
  const methods = (seed.payment_methods as Record<string, unknown>[]).map((entry) =>
    entry.type === 'konbini' ? { ...entry, brands: Object.fromEntries(Object.entries(entry.brands as Record<string, string>).map(([store, path]) => [store, { icon: path }])) } : entry,
  );
  return { ...seed, payment_methods: methods };
}

const ONE_CLICK_RESPONSE = {
  id: 'e9x5mvx3jkpkofzcg7umfael6',
  resource: 'session',
  mode: 'payment',
  amount: 8888,
  currency: 'JPY',
  payment: null,
  session_url: '',
  return_url: '',
  default_locale: 'ja',
  payment_methods: [{ type: 'credit_card' }, { type: 'konbini', brands: BRANDS }],
  created_at: '2020-08-17T18:03:53.000+09:00',
  cancelled_at: null,
  completed_at: null,
  status: 'pending',
};

/** Keys our session has beyond the seed's (SDK fields, spec §6.1). */
const NEWER_KEYS = ['amount', 'currency', 'expired', 'expires_at', 'metadata', 'payment_data', 'email', 'external_customer_id', 'secure_token'];
/** Keys our payment_methods entries have beyond the seed's (spec §6.3). */
const ENTRY_KEYS = ['amount', 'currency', 'exchange_rate', 'customer_fee', 'offsite', 'additional_fields', 'brands'];

let h: Harness;
let m: TestMerchant;

beforeAll(async () => {
  h = await startHarness();
  m = await h.merchant();
});
afterAll(() => h.close());

function sameShape(ours: Record<string, unknown>, seed: Record<string, unknown>): void {
  const { payment_methods: ourMethods, ...ourRest } = ours;
  const { payment_methods: seedMethods, ...seedRest } = seed;
  expect(shapeDifferences(ourRest, seedRest, '$', NEWER_KEYS).filter((d) => !d.startsWith('$.created_at'))).toEqual([]);
  const entries = ourMethods as Record<string, unknown>[];
  for (const seedEntry of seedMethods as Record<string, unknown>[]) {
    const entry = entries.find((e) => e.type === seedEntry.type)!;
    expect(entry, String(seedEntry.type)).toBeDefined();
    expect(shapeDifferences(entry, seedEntry, `$.${seedEntry.type}`, ENTRY_KEYS)).toEqual([]);
  }
}

function checkValues(body: Record<string, any>, form: [string, string][]) {
  expect(body.id).toMatch(/^[0-9a-z]{25,26}$/);
  expect(body.resource).toBe('session');
  expect(body.mode).toBe('payment');
  expect(body.status).toBe('pending');
  expect(body.payment).toBeNull();
  expect(body.cancelled_at).toBeNull();
  expect(body.completed_at).toBeNull();
  expect(body.created_at).toMatch(ISO_SECONDS);
  expect(body.session_url).toBe(`${h.services.publicUrl}/sessions/${body.id}`);
  expect(body.return_url).toBe(form.find(([k]) => k === 'return_url')![1]);
  expect(body.default_locale).toBe('ja');
  expect(body.amount).toBe(Number(form.find(([k]) => k === 'amount')![1]));
  expect(body.currency).toBe('JPY');
  expect(body.expired).toBe(false);
}

describe('POST /api/v1/sessions: the seed examples', () => {
  for (const encoding of ['form', 'json'] as const) {
    it(`minimal request (${encoding})`, async () => {
      const res = await h.request({
        method: 'POST',
        url: '/api/v1/sessions',
        key: m.secretKey,
        ...(encoding === 'form' ? { form: MINIMAL_FORM } : { json: nestForm(MINIMAL_FORM) }),
      });
      expect(res.status, res.text).toBe(200);
      sameShape(res.body, MINIMAL_RESPONSE);
      checkValues(res.body, MINIMAL_FORM);
      expect(res.body.payment_data).toEqual({ capture: 'auto', external_order_num: 'my_order_number' });
      // Default: every method the merchant accepts in JPY, card and konbini among them.
      const types = res.body.payment_methods.map((e: { type: string }) => e.type);
      expect(types).toEqual(expect.arrayContaining(['credit_card', 'konbini']));
    });

    it(`one-click request with payment_types (${encoding})`, async () => {
      const json = { ...nestForm(ONE_CLICK_FORM.filter(([k]) => k !== 'payment_types[]')), payment_types: ['credit_card', 'konbini'] };
      const res = await h.request({
        method: 'POST',
        url: '/api/v1/sessions',
        key: m.secretKey,
        ...(encoding === 'form' ? { form: ONE_CLICK_FORM } : { json }),
      });
      expect(res.status, res.text).toBe(200);
      sameShape(res.body, withKonbiniIcons(ONE_CLICK_RESPONSE));
      checkValues(res.body, ONE_CLICK_FORM);
      expect(res.body.payment_methods.map((e: { type: string }) => e.type)).toEqual(['credit_card', 'konbini']);
      const brands = res.body.payment_methods[1].brands as Record<string, { icon: string }>;
      expect(Object.keys(brands)).toEqual(Object.keys(BRANDS));
      for (const [store, brand] of Object.entries(brands)) expect(brand).toEqual({ icon: `/assets/konbini/${store}.svg` });
      expect(res.body.metadata).toEqual({ test: 'value' });
      expect(res.body.email).toBe('john@example.com');
      expect(res.body.payment_data).toMatchObject({ external_order_num: 'my_custom_order', name: 'John', name_kana: 'ジョン' });
      // The logos are served by this server.
      const logo = await h.request({ url: brands.lawson.icon });
      expect(logo.status).toBe(200);
      expect(String(logo.headers['content-type'])).toContain('image/svg+xml');
    });
  }

  // KOMOJU Fields draws `${komojuApi}${brands[store].icon}` and sends no version header: `{icon}`
  // with a path it can prefix, under the default version as under every other.
  it.each(['default', '2024-07-15', '2025-01-28'])('konbini brands: store → {icon} path (API version %s)', async (version) => {
    const res = await h.request({
      method: 'POST',
      url: '/api/v1/sessions',
      key: m.secretKey,
      json: { amount: 1000, currency: 'JPY', payment_types: ['konbini'] },
      headers: version === 'default' ? {} : { 'x-komoju-api-version': version },
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body.payment_methods[0].brands).toEqual(Object.fromEntries(Object.keys(BRANDS).map((store) => [store, { icon: `/assets/konbini/${store}.svg` }])));
    const shown = await h.request({ url: `/api/v1/sessions/${res.body.id}`, key: m.publishableKey });
    expect(shown.body.payment_methods[0].brands['seven-eleven']).toEqual({ icon: '/assets/konbini/seven-eleven.svg' });
  });

  // KOMOJU Fields reads a card entry's brands as a list of slugs (`brands.map(...)`, its test
  // session: ["visa", "master"]) under every version, so a map like konbini's would break it.
  it.each(['default', '2024-07-15', '2025-01-28'])('credit_card brands: the accepted brands as slugs (API version %s)', async (version) => {
    const res = await h.request({
      method: 'POST',
      url: '/api/v1/sessions',
      key: m.secretKey,
      json: { amount: 1000, currency: 'JPY', payment_types: ['credit_card', 'konbini'] },
      headers: version === 'default' ? {} : { 'x-komoju-api-version': version },
    });
    expect(res.status, res.text).toBe(200);
    const methods = await h.request({ url: '/api/v1/payment_methods', key: m.secretKey });
    const subtypes = methods.body.find((method: { type_slug: string }) => method.type_slug === 'credit_card').subtypes;
    const [card] = res.body.payment_methods;
    expect(Object.keys(card)[1]).toBe('brands'); // after `type`, as konbini's
    expect(card.brands).toEqual(subtypes);
    expect(card.brands).toEqual(expect.arrayContaining(['visa', 'master', 'jcb', 'american_express']));
  });

  it('credit_card brand logos are served by this server (/assets/cards/<brand>.svg)', async () => {
    const res = await h.request({ method: 'POST', url: '/api/v1/sessions', key: m.secretKey, json: { amount: 1000, currency: 'JPY', payment_types: ['credit_card'] } });
    for (const brand of res.body.payment_methods[0].brands as string[]) {
      const logo = await h.request({ url: `/assets/cards/${brand}.svg` });
      expect(logo.status, brand).toBe(200);
      expect(String(logo.headers['content-type'])).toContain('image/svg+xml');
      expect(logo.text).toContain('aria-label=');
    }
  });
});

async function newSession(extra: Record<string, unknown> = {}, key = m.secretKey) {
  const res = await h.request({
    method: 'POST',
    url: '/api/v1/sessions',
    key,
    json: { amount: 1000, currency: 'JPY', return_url: 'https://shop.example/done?order=7', payment_data: { external_order_num: 'o-1' }, ...extra },
  });
  expect(res.status, res.text).toBe(200);
  return res.body;
}

describe('sessions: lifecycle', () => {
  it('pays with a card: completed, redirect to return_url + session_id, payment embedded with session', async () => {
    const session = await newSession();
    const pay = await h.request({ method: 'POST', url: `/api/v1/sessions/${session.id}/pay`, key: m.publishableKey, json: { payment_details: testCard() } });
    expect(pay.status, pay.text).toBe(200);
    expect(pay.body.status).toBe('completed');
    expect(pay.body.redirect_url).toBe(`https://shop.example/done?order=7&session_id=${session.id}`);
    expect(pay.body.payment).toMatchObject({ status: 'captured', amount: 1000, currency: 'JPY', session: session.id, external_order_num: 'o-1' });
    // The session's amount is what is charged (no auto tax on top): KOMOJU's WooCommerce plugin
    // checks total - payment_method_fee against the order total it created the session with.
    expect(pay.body.payment).toMatchObject({ tax: 0, total: 1000, payment_method_fee: 0 });

    for (const key of [m.secretKey, m.publishableKey]) {
      const shown = await h.request({ url: `/api/v1/sessions/${session.id}`, key });
      expect(shown.status).toBe(200);
      expect(shown.body.status).toBe('completed');
      expect(shown.body.completed_at).toMatch(ISO_SECONDS);
      expect(shown.body.payment).toMatchObject({ id: pay.body.payment.id, session: session.id });
    }
    const payment = await h.request({ url: `/api/v1/payments/${pay.body.payment.id}`, key: m.secretKey });
    expect(payment.body.session).toBe(session.id);
    const events = await h.request({ url: '/api/v1/events', key: m.secretKey });
    const captured = events.body.data.find((e: any) => e.type === 'payment.captured' && e.data.id === pay.body.payment.id);
    expect(captured.data.session).toBe(session.id);

    // A session is paid at most once.
    const again = await h.request({ method: 'POST', url: `/api/v1/sessions/${session.id}/pay`, key: m.publishableKey, json: { payment_details: testCard() } });
    expect(again.status).toBe(422);
    expect(again.body.status).toBe('error');
    expect(again.body.error.code).toBe('unprocessable_entity');
    // …nor cancelled afterwards.
    const cancel = await h.request({ method: 'POST', url: `/api/v1/sessions/${session.id}/cancel`, key: m.secretKey });
    expect(cancel.status).toBe(422);
  });

  it('a decline answers the error envelope with status "error" and leaves the session payable', async () => {
    const session = await newSession();
    const declined = await h.request({
      method: 'POST',
      url: `/api/v1/sessions/${session.id}/pay`,
      key: m.publishableKey,
      json: { payment_details: testCard() },
      headers: { 'komoju-scenario': 'card_declined' },
    });
    expect(declined.status).toBe(502);
    expect(declined.body).toMatchObject({ status: 'error', error: { code: 'card_declined' } });
    const shown = await h.request({ url: `/api/v1/sessions/${session.id}`, key: m.secretKey });
    expect(shown.body.status).toBe('pending');
    const ok = await h.request({ method: 'POST', url: `/api/v1/sessions/${session.id}/pay`, key: m.publishableKey, json: { payment_details: testCard() } });
    expect(ok.status, ok.text).toBe(200);
  });

  it('konbini: redirect to the instructions; offsite: to the simulator', async () => {
    const k = await newSession({ payment_types: ['konbini'] });
    const paid = await h.request({
      method: 'POST',
      url: `/api/v1/sessions/${k.id}/pay`,
      key: m.publishableKey,
      json: { payment_details: { type: 'konbini', store: 'lawson', email: 'taro@example.com' } },
    });
    expect(paid.status, paid.text).toBe(200);
    expect(paid.body.redirect_url).toBe(paid.body.payment.payment_details.instructions_url);
    expect(paid.body.payment.session).toBe(k.id);

    const o = await newSession({ payment_types: ['paypay'] });
    const off = await h.request({ method: 'POST', url: `/api/v1/sessions/${o.id}/pay`, key: m.publishableKey, json: { payment_details: { type: 'paypay' } } });
    expect(off.status, off.text).toBe(200);
    expect(off.body.redirect_url).toContain('/offsite/new?uuid=');
  });

  it('a method the session does not offer is refused', async () => {
    const session = await newSession({ payment_types: ['konbini'] });
    const res = await h.request({ method: 'POST', url: `/api/v1/sessions/${session.id}/pay`, key: m.publishableKey, json: { payment_details: testCard() } });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ status: 'error', error: { code: 'invalid_payment_type' } });
  });

  it('an expired session cannot be paid (merchant clock)', async () => {
    const session = await newSession({ expires_in_seconds: 60 });
    const advance = await h.request({ method: 'POST', url: '/api/v1/test_helpers/clock/advance', key: m.secretKey, json: { seconds: 61 } });
    expect(advance.status, advance.text).toBe(200);
    const shown = await h.request({ url: `/api/v1/sessions/${session.id}`, key: m.secretKey });
    expect(shown.body.expired).toBe(true);
    const res = await h.request({ method: 'POST', url: `/api/v1/sessions/${session.id}/pay`, key: m.publishableKey, json: { payment_details: testCard() } });
    expect(res.status).toBe(422);
    expect(res.body.status).toBe('error');
  });

  it('a cancelled session cannot be paid', async () => {
    const session = await newSession();
    const cancel = await h.request({ method: 'POST', url: `/api/v1/sessions/${session.id}/cancel`, key: m.secretKey });
    expect(cancel.status).toBe(200);
    expect(cancel.body.status).toBe('cancelled');
    expect(cancel.body.cancelled_at).toMatch(ISO_SECONDS);
    const res = await h.request({ method: 'POST', url: `/api/v1/sessions/${session.id}/pay`, key: m.publishableKey, json: { payment_details: testCard() } });
    expect(res.status).toBe(422);
  });

  it('validation: amount required in payment mode, absent in customer mode; expires_in_seconds ≤ 86400', async () => {
    const noAmount = await h.request({ method: 'POST', url: '/api/v1/sessions', key: m.secretKey, json: { currency: 'JPY' } });
    expect(noAmount.status).toBe(422);
    expect(noAmount.body.error.param).toBe('amount');
    const customer = await h.request({ method: 'POST', url: '/api/v1/sessions', key: m.secretKey, json: { mode: 'customer', currency: 'JPY' } });
    expect(customer.status, customer.text).toBe(200);
    expect(customer.body).not.toHaveProperty('amount');
    expect(customer.body.payment_methods.every((e: { type: string }) => ['credit_card', 'paypay'].includes(e.type))).toBe(true);
    const long = await h.request({ method: 'POST', url: '/api/v1/sessions', key: m.secretKey, json: { amount: 1, currency: 'JPY', expires_in_seconds: 86401 } });
    expect(long.status).toBe(422);
    const badType = await h.request({ method: 'POST', url: '/api/v1/sessions', key: m.secretKey, json: { amount: 1, currency: 'JPY', payment_types: ['nope'] } });
    expect(badType.status).toBe(422);
    expect(badType.body.error.code).toBe('invalid_payment_type');
  });

  it('publishable keys cannot create or cancel; other merchants get 404', async () => {
    const session = await newSession();
    const create = await h.request({ method: 'POST', url: '/api/v1/sessions', key: m.publishableKey, json: { amount: 1, currency: 'JPY' } });
    expect(create.status).toBe(403);
    const cancel = await h.request({ method: 'POST', url: `/api/v1/sessions/${session.id}/cancel`, key: m.publishableKey });
    expect(cancel.status).toBe(403);
    const other = await h.merchant();
    for (const key of [other.secretKey, other.publishableKey]) {
      expect((await h.request({ url: `/api/v1/sessions/${session.id}`, key })).status).toBe(404);
      const pay = await h.request({ method: 'POST', url: `/api/v1/sessions/${session.id}/pay`, key, json: { payment_details: testCard() } });
      expect(pay.status).toBe(404);
    }
    expect((await h.request({ method: 'POST', url: `/api/v1/sessions/${session.id}/cancel`, key: other.secretKey })).status).toBe(404);
  });
});

describe('CORS for the browser (KOMOJU Fields)', () => {
  it('GET /sessions/:id and POST /sessions/:id/pay answer preflights and carry CORS headers', async () => {
    const session = await newSession();
    for (const [method, url] of [['GET', `/api/v1/sessions/${session.id}`], ['POST', `/api/v1/sessions/${session.id}/pay`]] as const) {
      const preflight = await h.app.inject({
        method: 'OPTIONS',
        url,
        headers: { origin: 'https://shop.example', 'access-control-request-method': method, 'access-control-request-headers': 'authorization,content-type' },
      });
      expect(preflight.statusCode, url).toBe(204);
      expect(preflight.headers['access-control-allow-origin']).toBe('*');
    }
    const shown = await h.request({ url: `/api/v1/sessions/${session.id}`, key: m.publishableKey, headers: { origin: 'https://shop.example' } });
    expect(shown.headers['access-control-allow-origin']).toBe('*');
    // The merchant's secret-key routes stay closed to browsers.
    const created = await h.request({ method: 'POST', url: '/api/v1/sessions', key: m.secretKey, headers: { origin: 'https://shop.example' }, json: { amount: 1, currency: 'JPY' } });
    expect(created.headers['access-control-allow-origin']).toBeUndefined();
  });
});
