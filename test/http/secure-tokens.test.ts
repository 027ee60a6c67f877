import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, testCard, type Harness, type TestMerchant } from '../helpers/harness';
import { expectError } from '../helpers/payment-api';

/**
 * 3-D Secure for direct API payments (digest §3.14): POST /secure_tokens, the customer on the
 * authentication page (frictionless or a password challenge), GET /secure_tokens/:id, and a
 * payment with the secure token that succeeds only once it is OK. The four families of KOMOJU's
 * 3-D Secure test cards, for Visa, Mastercard and JCB.
 */

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const RETURN_URL = 'https://shop.example/3ds/done?order=42';
const PAGE = '/three_d_secure_service/offsite';

const FAMILIES = {
  frictionless_success: { cards: ['4100000000000100', '5100000000000107', '3528000000000106'], password: null, status: 'OK' },
  challenge_success: { cards: ['4100000000005000', '5100000000005007', '3528000000005006'], password: '123456', status: 'OK' },
  frictionless_failure: { cards: ['4100000000500000', '5100000000500007', '3528000000500006'], password: null, status: 'ERRORED' },
  challenge_failure: { cards: ['4100000000300005', '5100000000300002', '3528000000300001'], password: '111111', status: 'ERRORED' },
} as const;

async function secureToken(m: TestMerchant, body: Record<string, unknown>, key = m.publishableKey) {
  const res = await h.request({ method: 'POST', url: '/api/v1/secure_tokens', key, json: { amount: 1000, currency: 'JPY', return_url: RETURN_URL, ...body } });
  expect(res.status, res.text).toBe(200);
  return res.body as { id: string; verification_status: string; authentication_url: string; created_at: string };
}

/** The path and query of an authentication_url (the harness serves http://kessai.test). */
function pagePath(url: string): string {
  const parsed = new URL(url);
  return `${parsed.pathname}${parsed.search}`;
}

function answer(tokenId: string, password: string, headers: Record<string, string> = {}) {
  return h.request({ method: 'POST', url: PAGE, form: { token: tokenId, password, locale: 'en' }, headers });
}

async function status(m: TestMerchant, id: string): Promise<string> {
  const res = await h.request({ url: `/api/v1/secure_tokens/${id}`, key: m.secretKey });
  expect(res.status, res.text).toBe(200);
  return res.body.verification_status;
}

function pay(m: TestMerchant, paymentDetails: string, extra: Record<string, unknown> = {}) {
  return h.request({ method: 'POST', url: '/api/v1/payments', key: m.secretKey, json: { amount: 1000, currency: 'JPY', payment_details: paymentDetails, ...extra } });
}

describe('POST /api/v1/secure_tokens', () => {
  it('answers NEEDS_VERIFY and an authentication_url on this server', async () => {
    const m = await h.merchant();
    const token = await secureToken(m, { payment_details: testCard({ number: '4100000000000100' }) });
    expect(token).toEqual({
      id: expect.stringMatching(/^tok_[0-9a-z]{25}$/),
      verification_status: 'NEEDS_VERIFY',
      authentication_url: `http://kessai.test/three_d_secure_service/offsite?token=${token.id}`,
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
    });
    const shown = await h.request({ url: `/api/v1/secure_tokens/${token.id}`, key: m.publishableKey });
    expect(shown.body).toEqual(token);
  });

  it('refuses what is not a card, both or neither of card and customer, and bad input', async () => {
    const m = await h.merchant();
    const post = (body: Record<string, unknown>) => h.request({ method: 'POST', url: '/api/v1/secure_tokens', key: m.secretKey, json: { amount: 1000, currency: 'JPY', return_url: RETURN_URL, ...body } });
    expectError(await post({ payment_details: { type: 'konbini', store: 'lawson' } }), 422, 'invalid_payment_type', 'payment_details.type');
    expectError(await post({}), 422, 'missing_parameter', 'payment_details');
    expectError(await post({ payment_details: testCard(), customer: 'abc' }), 422, 'invalid_parameter', 'customer');
    expectError(await post({ customer: 'nobody' }), 422, 'invalid_parameter', 'customer');
    expectError(await post({ payment_details: testCard({ number: '4100000000000101' }) }), 422, 'invalid_parameter', 'payment_details.number');
    expectError(await post({ payment_details: testCard(), return_url: 'javascript:alert(1)' }), 422, 'invalid_parameter', 'return_url');
    expectError(await post({ payment_details: testCard(), currency: 'XXX' }), 422, 'invalid_currency', 'currency');
  });

  it("answers 404 for another merchant's secure token", async () => {
    const owner = await h.merchant();
    const other = await h.merchant();
    const token = await secureToken(owner, { payment_details: testCard() });
    expectError(await h.request({ url: `/api/v1/secure_tokens/${token.id}`, key: other.secretKey }), 404, 'not_found');
  });
});

describe('the four families of 3-D Secure test cards', () => {
  for (const [family, { cards, password, status: expected }] of Object.entries(FAMILIES)) {
    for (const number of cards) {
      it(`${family} ${number}: ${password ? `challenge answered ${password}` : 'no challenge'} → ${expected}`, async () => {
        const m = await h.merchant();
        const token = await secureToken(m, { payment_details: testCard({ number }) });
        expectError(await pay(m, token.id), 422, 'invalid_token', 'payment_details');

        const page = await h.request({ url: `${pagePath(token.authentication_url)}&locale=en` });
        if (password) {
          expect(page.status, page.text).toBe(200);
          expect(page.headers['content-type']).toContain('text/html');
          expect(page.text).toContain('name="password"');
          expect(page.text).not.toContain(number);
          // A styled form, and the same challenge in the other languages (reading it does not answer it).
          expect(page.text).toContain('class="actions challenge"');
          const inJapanese = `/three_d_secure_service/offsite?token=${token.id}&amp;locale=ja`;
          expect(page.text).toContain(`href="${inJapanese}"`);
          expect((await h.request({ url: inJapanese.replace('&amp;', '&') })).text).toContain('3Dセキュア認証');
          expect(await status(m, token.id)).toBe('NEEDS_VERIFY');
          const answered = await answer(token.id, password);
          expect(answered.status).toBe(303);
          expect(answered.headers.location).toBe(RETURN_URL);
        } else {
          expect(page.status).toBe(303);
          expect(page.headers.location).toBe(RETURN_URL);
        }
        expect(await status(m, token.id)).toBe(expected);

        const paid = await pay(m, token.id);
        if (expected === 'OK') {
          expect(paid.status, paid.text).toBe(200);
          expect(paid.body).toMatchObject({ status: 'captured', total: 1100, payment_details: { last_four_digits: number.slice(-4) } });
          expectError(await pay(m, token.id), 422, 'invalid_token');
        } else {
          expectError(paid, 422, 'invalid_token', 'payment_details');
        }
      });
    }
  }

  it('fails a success-family challenge answered with the wrong password, for good', async () => {
    const m = await h.merchant();
    const token = await secureToken(m, { payment_details: testCard({ number: '4100000000005000' }) });
    expect((await answer(token.id, '111111')).status).toBe(303);
    expect(await status(m, token.id)).toBe('ERRORED');
    expect((await answer(token.id, '123456')).status).toBe(303);
    expect(await status(m, token.id)).toBe('ERRORED');
  });

  it('fails a failure-family challenge whatever the password', async () => {
    const m = await h.merchant();
    const token = await secureToken(m, { payment_details: testCard({ number: '5100000000300002' }) });
    await answer(token.id, '123456');
    expect(await status(m, token.id)).toBe('ERRORED');
  });
});

describe('paying with a verified secure token', () => {
  async function verified(m: TestMerchant, body: Record<string, unknown>) {
    const token = await secureToken(m, body, m.secretKey);
    expect((await h.request({ url: pagePath(token.authentication_url) })).status).toBe(303);
    return token.id;
  }

  it('must be for the amount and currency the customer authenticated', async () => {
    const m = await h.merchant();
    const id = await verified(m, { payment_details: testCard({ number: '4100000000000100' }) });
    expectError(await pay(m, id, { amount: 2000 }), 422, 'invalid_parameter', 'amount');
    expectError(await pay(m, id, { currency: 'USD' }), 422, 'invalid_currency', 'currency');
    expect((await pay(m, id)).status).toBe(200);
  });

  it("authenticates a customer's stored card and names the customer on the payment", async () => {
    const m = await h.merchant();
    const customer = await h.request({ method: 'POST', url: '/api/v1/customers', key: m.secretKey, json: { payment_details: testCard({ number: '3528000000000106' }) } });
    const id = await verified(m, { customer: customer.body.id });
    const paid = await pay(m, id);
    expect(paid.status, paid.text).toBe(200);
    expect(paid.body).toMatchObject({ customer: customer.body.id, payment_details: { brand: 'jcb', last_four_digits: '0106' } });
  });

  it('cannot be used by another merchant, nor after its 30 days', async () => {
    const m = await h.merchant();
    const other = await h.merchant();
    const id = await verified(m, { payment_details: testCard() });
    expectError(await pay(other, id), 422, 'invalid_token');
    await h.request({ method: 'POST', url: '/api/v1/test_helpers/clock/advance', key: m.secretKey, json: { seconds: 30 * 86400 + 1 } });
    expectError(await pay(m, id), 422, 'invalid_token');
  });

  it('cannot be used to create a customer (it authenticates one payment)', async () => {
    const m = await h.merchant();
    const id = await verified(m, { payment_details: testCard() });
    expectError(await h.request({ method: 'POST', url: '/api/v1/customers', key: m.secretKey, json: { payment_details: id } }), 422, 'invalid_token');
  });
});

describe('the authentication page', () => {
  it('answers 404 for a token it does not know, and 410 once the token is used', async () => {
    expect((await h.request({ url: `${PAGE}?token=tok_0000000000000000000000000` })).status).toBe(404);
    expect((await h.request({ url: `${PAGE}?token=nonsense` })).status).toBe(404);
    const m = await h.merchant();
    const token = await secureToken(m, { payment_details: testCard({ number: '4100000000005000' }) });
    await answer(token.id, '123456');
    expect((await pay(m, token.id)).status).toBe(200);
    const again = await h.request({ url: pagePath(token.authentication_url) });
    expect(again.status).toBe(303); // settled: straight back to the shop
    const fresh = await secureToken(m, { payment_details: testCard({ number: '4100000000005000' }) });
    await h.request({ method: 'POST', url: '/api/v1/test_helpers/clock/advance', key: m.secretKey, json: { seconds: 30 * 86400 + 1 } });
    expect((await h.request({ url: pagePath(fresh.authentication_url) })).status).toBe(410);
  });

  it('refuses a password posted from another site', async () => {
    const m = await h.merchant();
    const token = await secureToken(m, { payment_details: testCard({ number: '4100000000005000' }) });
    expect((await answer(token.id, '123456', { origin: 'https://evil.example' })).status).toBe(403);
    expect(await status(m, token.id)).toBe('NEEDS_VERIFY');
  });

  it('lets its form post to the shop it redirects to (CSP form-action), and is never framed', async () => {
    const m = await h.merchant();
    const token = await secureToken(m, { payment_details: testCard({ number: '4100000000005000' }) });
    const page = await h.request({ url: pagePath(token.authentication_url) });
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("form-action 'self' https://shop.example");
    expect(csp).toContain("frame-ancestors 'none'");
  });
});
