import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, testCard, type Harness, type TestMerchant } from '../helpers/harness';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const DAY = 86400;

async function authorizedCard(m: TestMerchant) {
  const res = await h.request({
    method: 'POST',
    url: '/api/v1/payments',
    key: m.secretKey,
    json: { amount: 1000, currency: 'JPY', capture: false, payment_details: testCard() },
  });
  expect(res.status).toBe(200);
  return res.body;
}

describe('test clock', () => {
  it('starts at the system time with no offset', async () => {
    const m = await h.merchant();
    const res = await h.request({ url: '/api/v1/test_helpers/clock', key: m.secretKey });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ resource: 'test_clock', offset_seconds: 0 });
    expect(Math.abs(Date.parse(res.body.now) - Date.now())).toBeLessThan(5000);
  });

  it('expires an authorized payment once the clock passes its deadline, and only then', async () => {
    const m = await h.merchant();
    const payment = await authorizedCard(m);
    const deadline = Date.parse(payment.payment_deadline);
    const untilDeadline = Math.floor((deadline - Date.now()) / 1000);

    const before = await h.request({ method: 'POST', url: '/api/v1/test_helpers/clock/advance', key: m.secretKey, json: { seconds: untilDeadline - 60 } });
    expect(before.body.expired_payments).toBe(0);
    expect((await h.request({ url: `/api/v1/payments/${payment.id}`, key: m.secretKey })).body.status).toBe('authorized');

    const after = await h.request({ method: 'POST', url: '/api/v1/test_helpers/clock/advance', key: m.secretKey, json: { seconds: 120 } });
    expect(after.body.expired_payments).toBe(1);
    const expired = await h.request({ url: `/api/v1/payments/${payment.id}`, key: m.secretKey });
    expect(expired.body.status).toBe('expired');
    const events = await h.request({ url: '/api/v1/events', key: m.secretKey });
    expect(events.body.data[0]).toMatchObject({ type: 'payment.expired', data: { id: payment.id, status: 'expired' } });
    // The event happened on the merchant's clock, past the deadline.
    expect(Date.parse(events.body.data[0].created_at)).toBeGreaterThan(deadline);
  });

  it("moves only this merchant's clock", async () => {
    const a = await h.merchant();
    const b = await h.merchant();
    const paymentB = await authorizedCard(b);
    await h.request({ method: 'POST', url: '/api/v1/test_helpers/clock/advance', key: a.secretKey, json: { seconds: 30 * DAY } });
    expect((await h.request({ url: '/api/v1/test_helpers/clock', key: b.secretKey })).body.offset_seconds).toBe(0);
    expect((await h.request({ url: `/api/v1/payments/${paymentB.id}`, key: b.secretKey })).body.status).toBe('authorized');
    const created = await h.request({ method: 'POST', url: '/api/v1/payments', key: a.secretKey, json: { amount: 100, currency: 'JPY', payment_details: testCard() } });
    expect(Date.parse(created.body.created_at) - Date.now()).toBeGreaterThan(29 * DAY * 1000);
  });

  it('refuses bad input with the envelope', async () => {
    const m = await h.merchant();
    for (const seconds of [0, -5, 'soon', 1e12]) {
      const res = await h.request({ method: 'POST', url: '/api/v1/test_helpers/clock/advance', key: m.secretKey, json: { seconds } });
      expect(res.status).toBe(422);
      expect(res.body.error).toMatchObject({ code: 'invalid_parameter', param: 'seconds' });
    }
    const missing = await h.request({ method: 'POST', url: '/api/v1/test_helpers/clock/advance', key: m.secretKey, json: {} });
    expect(missing.body.error).toMatchObject({ code: 'missing_parameter', param: 'seconds' });
  });
});

describe('test helpers are for test mode and the secret key', () => {
  it('refuses a live merchant (403) and the publishable key (403)', async () => {
    const live = await h.merchant({ mode: 'live' });
    const test = await h.merchant();
    for (const [key, url] of [
      [live.secretKey, '/api/v1/test_helpers/clock'],
      [test.publishableKey, '/api/v1/test_helpers/clock'],
    ]) {
      const res = await h.request({ url, key });
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
    }
  });

  it('cannot pay a card payment as the customer', async () => {
    const m = await h.merchant();
    const payment = await authorizedCard(m);
    const res = await h.request({ method: 'POST', url: `/api/v1/test_helpers/payments/${payment.id}/pay`, key: m.secretKey });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('unprocessable_entity');
  });

  it("answers 404 for another merchant's payment", async () => {
    const a = await h.merchant();
    const b = await h.merchant();
    const payment = await authorizedCard(a);
    const res = await h.request({ method: 'POST', url: `/api/v1/test_helpers/payments/${payment.id}/pay`, key: b.secretKey });
    expect(res.status).toBe(404);
  });
});

describe('GET /api/v1/payment_methods', () => {
  it('lists the enabled methods with either key, in KOMOJU shape', async () => {
    const m = await h.merchant();
    for (const key of [m.secretKey, m.publishableKey]) {
      const res = await h.request({ url: '/api/v1/payment_methods', key });
      expect(res.status).toBe(200);
      const card = res.body.find((x: { type_slug: string }) => x.type_slug === 'credit_card');
      expect(card).toEqual({
        type_slug: 'credit_card',
        name_en: 'Credit Card',
        name_ja: 'クレジットカード',
        name_ko: '신용카드',
        currency: 'JPY',
        subtypes: expect.any(Array),
      });
    }
  });
});

describe('paying after the deadline', () => {
  it('is refused even before the expiry sweep has run', async () => {
    const m = await h.merchant();
    const created = await h.request({
      method: 'POST',
      url: '/api/v1/payments',
      key: m.secretKey,
      json: { amount: 1000, currency: 'JPY', payment_details: { type: 'konbini', store: 'lawson' } },
    });
    expect(created.status).toBe(200);
    // Move the harness clock (no sweep runs) past the 3-day deadline.
    h.clock.advance(5 * DAY * 1000);
    try {
      const res = await h.request({ method: 'POST', url: `/api/v1/test_helpers/payments/${created.body.id}/pay`, key: m.secretKey });
      expect(res.status).toBe(422);
      expect((await h.request({ url: `/api/v1/payments/${created.body.id}`, key: m.secretKey })).body.status).toBe('authorized');
    } finally {
      h.clock.advance(-5 * DAY * 1000);
    }
  });
});
