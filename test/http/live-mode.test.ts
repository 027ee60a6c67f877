import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Processor } from '../../src/processors/processor';
import { startHarness, testCard, type Harness, type TestMerchant } from '../helpers/harness';

/**
 * Live mode never goes through the test processor. Without a configured live processor (none is
 * built in), everything that would take money answers 502 `bad_gateway` saying so, and writes
 * nothing: no payment (captured or failed), no used token, no secure token. With one, it is the one
 * asked.
 */

let h: Harness;
let live: TestMerchant;
beforeAll(async () => {
  h = await startHarness();
  live = await h.merchant({ mode: 'live' });
});
afterAll(() => h.close());

const NO_PROCESSOR = /No payment processor is configured for live mode/;

function expectRefused(res: { status: number; body: any; text: string }) {
  expect(res.status, res.text).toBe(502);
  expect(res.body.error).toMatchObject({ code: 'bad_gateway' });
  expect(res.body.error.message).toMatch(NO_PROCESSOR);
}

async function rows(merchant: TestMerchant) {
  const payments = await h.store.db.selectFrom('payments').select(['id', 'status']).where('merchant_id', '=', merchant.id).execute();
  const tokens = await h.store.db.selectFrom('tokens').select(['id', 'kind', 'used_at']).where('merchant_id', '=', merchant.id).execute();
  return { payments, tokens };
}

const DETAILS: Record<string, unknown>[] = [
  testCard(),
  testCard({ number: '4123111111111059' }), // a test decline: not even recorded as failed
  { type: 'konbini', store: 'lawson', email: 'taro@example.com', phone: '0312345678' },
  { type: 'paypay' },
  { type: 'web_money', prepaid_number: '1111111111111111' },
];

describe('live mode without a processor', () => {
  it('POST /payments: 502 bad_gateway for every method, and no payment row', async () => {
    for (const payment_details of DETAILS) {
      expectRefused(await h.request({ method: 'POST', url: '/api/v1/payments', key: live.secretKey, json: { amount: 1000, currency: 'JPY', payment_details } }));
    }
    const token = await h.request({ method: 'POST', url: '/api/v1/tokens', key: live.publishableKey, json: { payment_details: testCard() } });
    expect(token.status, token.text).toBe(200);
    expectRefused(await h.request({ method: 'POST', url: '/api/v1/payments', key: live.secretKey, json: { amount: 1000, currency: 'JPY', payment_details: token.body.id } }));
    const customer = await h.request({ method: 'POST', url: '/api/v1/customers', key: live.secretKey, json: { payment_details: testCard() } });
    expect(customer.status, customer.text).toBe(200);
    expectRefused(await h.request({ method: 'POST', url: '/api/v1/payments', key: live.secretKey, json: { amount: 1000, currency: 'JPY', customer: customer.body.id } }));
    const written = await rows(live);
    expect(written.payments).toEqual([]);
    // The token was not used up by the refused payment.
    expect(written.tokens).toEqual([expect.objectContaining({ id: token.body.id, used_at: null })]);
    expect((await h.request({ url: '/api/v1/payments', key: live.secretKey })).body.data).toEqual([]);
  });

  it('POST /secure_tokens and a session paid through the API or the hosted page: refused, nothing written', async () => {
    const merchant = await h.merchant({ mode: 'live' });
    expectRefused(await h.request({ method: 'POST', url: '/api/v1/secure_tokens', key: merchant.publishableKey, json: { amount: 1000, currency: 'JPY', return_url: 'https://shop.example/back', payment_details: testCard() } }));
    const session = await h.request({ method: 'POST', url: '/api/v1/sessions', key: merchant.secretKey, json: { amount: 1000, currency: 'JPY', return_url: 'https://shop.example/done' } });
    expect(session.status, session.text).toBe(200);
    const id = session.body.id as string;
    // A 3-D Secure test card too: it would be authenticated by the test issuer.
    for (const payment_details of [...DETAILS, testCard({ number: '4100000000005000' })]) {
      const res = await h.request({ method: 'POST', url: `/api/v1/sessions/${id}/pay`, key: merchant.publishableKey, json: { payment_details } });
      expectRefused(res);
      expect(res.body.status).toBe('error');
    }
    const page = await h.app.inject({
      method: 'POST',
      url: `/sessions/${id}/pay`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ type: 'credit_card', name: 'Taro Yamada', number: '4111111111111111', expiry: '12/39', verification_value: '123', locale: 'en' }).toString(),
    });
    expect(page.statusCode).toBe(502);
    expect(page.body).toContain('This shop cannot take payments at the moment.');
    expect(page.headers.location).toBeUndefined();
    expect(page.body).not.toContain('4111111111111111');
    expect((await h.request({ url: `/api/v1/sessions/${id}`, key: merchant.secretKey })).body).toMatchObject({ status: 'pending', payment: null });
    expect(await rows(merchant)).toEqual({ payments: [], tokens: [] });
  });

  it('test mode is not affected', async () => {
    const test = await h.merchant();
    const res = await h.request({ method: 'POST', url: '/api/v1/payments', key: test.secretKey, json: { amount: 1000, currency: 'JPY', payment_details: testCard() } });
    expect(res.status, res.text).toBe(200);
    expect(res.body.status).toBe('captured');
  });
});

describe('live mode with a configured processor', () => {
  it('asks that processor, never the test one', async () => {
    const asked: string[] = [];
    const upstream: Processor = {
      authorizeCard: async (request) => (asked.push(request.number), { approved: false, code: 'card_declined' }),
      redeemPrepaid: async () => ({ approved: false, code: 'card_declined' }),
    };
    h.services.liveProcessor = upstream;
    try {
      // An approved test card: the live upstream declines it.
      const res = await h.request({ method: 'POST', url: '/api/v1/payments', key: live.secretKey, json: { amount: 1000, currency: 'JPY', payment_details: testCard() } });
      expect(res.status, res.text).toBe(502);
      expect(res.body.error.code).toBe('card_declined');
      expect(asked).toEqual(['4111111111111111']);
    } finally {
      delete h.services.liveProcessor;
    }
  });
});
