import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startHarness, testCard, type Harness, type TestMerchant } from '../helpers/harness';

/**
 * A session payment reads its token once: the envelope is opened when the details are read, and
 * the token is then only claimed (marked used), never opened a second time to be charged or saved.
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

async function token(details: Record<string, unknown>): Promise<string> {
  const res = await h.request({ method: 'POST', url: '/api/v1/tokens', key: m.publishableKey, json: { payment_details: details } });
  expect(res.status, res.text).toBe(200);
  return res.body.id;
}

/** How many envelopes `work` opened. */
async function opensDuring(work: () => Promise<unknown>): Promise<number> {
  const open = vi.spyOn(h.services.vault, 'open');
  try {
    await work();
    return open.mock.calls.length;
  } finally {
    open.mockRestore();
  }
}

describe('a session paid with a token', () => {
  it('opens the token once, and uses it up', async () => {
    const session = await newSession({ amount: 1000, currency: 'JPY', payment_types: ['credit_card'] });
    const id = await token(testCard());
    let status = 0;
    const opens = await opensDuring(async () => {
      const res = await h.request({ method: 'POST', url: `/api/v1/sessions/${session.id}/pay`, key: m.publishableKey, json: { payment_details: id } });
      expect(res.body, res.text).toMatchObject({ status: 'completed', payment: { status: 'captured' } });
      status = res.status;
    });
    expect(status).toBe(200);
    expect(opens).toBe(1);
    const used = await h.store.db.selectFrom('tokens').select(['used_at', 'secret_details']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(used.used_at).not.toBeNull();
    expect(used.secret_details).toBeNull();
  });

  it('in customer_payment mode, opens it once to charge the card and keep it on the customer', async () => {
    const session = await newSession({ mode: 'customer_payment', amount: 1000, currency: 'JPY', payment_types: ['credit_card'] });
    const id = await token(testCard());
    const opens = await opensDuring(async () => {
      const res = await h.request({ method: 'POST', url: `/api/v1/sessions/${session.id}/pay`, key: m.publishableKey, json: { payment_details: id } });
      expect(res.body, res.text).toMatchObject({ status: 'completed', customer: { id: session.customer_id } });
    });
    expect(opens).toBe(1);
  });

  it('refuses a token of a method the session does not offer before using it', async () => {
    const session = await newSession({ amount: 1000, currency: 'JPY', payment_types: ['konbini'] });
    const id = await token(testCard());
    const res = await h.request({ method: 'POST', url: `/api/v1/sessions/${session.id}/pay`, key: m.publishableKey, json: { payment_details: id } });
    expect(res.body).toMatchObject({ status: 'error', error: { code: 'invalid_payment_type' } });
    const unused = await h.store.db.selectFrom('tokens').select('used_at').where('id', '=', id).executeTakeFirstOrThrow();
    expect(unused.used_at).toBeNull();
  });
});

describe('back from 3-D Secure with "save this card"', () => {
  it('opens the secure token once to charge the card and save it', async () => {
    const externalId = `once-${Date.now()}`;
    const session = await newSession({ amount: 1000, currency: 'JPY', payment_types: ['credit_card'], external_customer_id: externalId });
    const paid = await h.request({
      method: 'POST',
      url: `/api/v1/sessions/${session.id}/pay`,
      key: m.publishableKey,
      json: { payment_details: testCard({ number: '4100000000005000' }), save_card: true },
    });
    expect(paid.body, paid.text).toMatchObject({ status: 'pending', payment: null });
    const secureToken = new URL(paid.body.redirect_url).searchParams.get('token')!;
    const answered = await h.app.inject({
      method: 'POST',
      url: '/three_d_secure_service/offsite',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ token: secureToken, password: '123456' }).toString(),
    });
    const back = new URL(answered.headers.location as string);
    expect(back.searchParams.get('save_card')).toBe('1');
    const opens = await opensDuring(async () => {
      const returned = await h.app.inject({ url: `${back.pathname}${back.search}` });
      expect(returned.statusCode, returned.body).toBe(303);
    });
    expect(opens).toBe(1);
    const shown = await h.request({ url: `/api/v1/sessions/${session.id}`, key: m.secretKey });
    expect(shown.body).toMatchObject({ status: 'completed', payment: { status: 'captured' } });
    const saved = await h.store.db.selectFrom('external_customers').select('external_customer_id').where('external_customer_id', '=', externalId).executeTakeFirst();
    expect(saved?.external_customer_id).toBe(externalId);
  });
});
