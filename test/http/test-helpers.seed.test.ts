import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, testCard, type Harness, type TestMerchant } from '../helpers/harness';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const seed = (m: TestMerchant, value: unknown) => h.request({ method: 'POST', url: '/api/v1/test_helpers/seed', key: m.secretKey, json: { seed: value } });
const konbini = (m: TestMerchant) =>
  h.request({
    method: 'POST',
    url: '/api/v1/payments',
    key: m.secretKey,
    json: { amount: 1000, currency: 'JPY', payment_details: { type: 'konbini', store: 'family-mart', email: 'taro@example.com' } },
  });

describe('POST /api/v1/test_helpers/seed', () => {
  it('freezes the clock at 2030-01-01T00:00:00+09:00 and draws the same ids and codes on a fresh server', async () => {
    const m = await h.merchant();
    const seeded = await seed(m, 42);
    expect(seeded.status).toBe(200);
    expect(seeded.body).toEqual({ resource: 'test_seed', seed: 42, now: '2029-12-31T15:00:00Z' });
    const first = await konbini(m);
    expect(first.status).toBe(200);
    expect(first.body.created_at).toBe('2029-12-31T15:00:00Z');
    // Time stands still between requests: only an advance moves it.
    const second = await konbini(m);
    expect(second.body.created_at).toBe('2029-12-31T15:00:00Z');
    expect(second.body.id).not.toBe(first.body.id);

    const fresh = await startHarness();
    try {
      const other = await fresh.merchant();
      expect((await fresh.request({ method: 'POST', url: '/api/v1/test_helpers/seed', key: other.secretKey, json: { seed: 42 } })).status).toBe(200);
      const again = (key: string) =>
        fresh.request({
          method: 'POST',
          url: '/api/v1/payments',
          key,
          json: { amount: 1000, currency: 'JPY', payment_details: { type: 'konbini', store: 'family-mart', email: 'taro@example.com' } },
        });
      expect((await again(other.secretKey)).text).toBe(first.text);
      expect((await again(other.secretKey)).text).toBe(second.text);
      expect(first.body.payment_details.receipt).toMatch(/^\d+$/);

      // Another seed, other ids and codes.
      expect((await fresh.request({ method: 'POST', url: '/api/v1/test_helpers/seed', key: other.secretKey, json: { seed: 43 } })).status).toBe(200);
      const differently = (await again(other.secretKey)).body;
      expect(differently.id).not.toBe(first.body.id);
      expect(differently.payment_details.receipt).not.toBe(first.body.payment_details.receipt);
    } finally {
      await fresh.close();
    }
  });

  it('answers 422 on seed, not a 500, when a seed is applied again over the rows it made', async () => {
    const m = await h.merchant();
    await seed(m, 4242);
    expect((await konbini(m)).status).toBe(200);
    await seed(m, 4242);
    const repeated = await konbini(m);
    expect(repeated.status).toBe(422);
    expect(repeated.body.error).toMatchObject({ code: 'unprocessable_entity', param: 'seed' });
  });

  it('starts over at a reset, keeping the seed: the same calls draw the same ids, codes, times and mails again', async () => {
    const m = await h.merchant();
    const emails = () => h.request({ method: 'GET', url: '/api/v1/test_helpers/emails', key: m.secretKey });
    await seed(m, 16016);
    const first = await konbini(m);
    expect(first.status).toBe(200);
    const firstMails = await emails();
    expect(firstMails.body.data).toHaveLength(1);
    expect(firstMails.body.data[0]).toMatchObject({ payment: first.body.id, kind: 'instructions', created_at: '2029-12-31T15:00:00Z' });
    await h.request({ method: 'POST', url: '/api/v1/test_helpers/clock/advance', key: m.secretKey, json: { seconds: 86400 } });

    const reset = await h.request({ method: 'POST', url: '/api/v1/test_helpers/reset', key: m.secretKey });
    expect(reset.status).toBe(200);
    expect(reset.body.clock).toEqual({ resource: 'test_clock', now: '2029-12-31T15:00:00Z', offset_seconds: 0 });
    // Without the sequence rewound, the same call would draw new ids; without the clock, a later time.
    const again = await konbini(m);
    expect(again.text).toBe(first.text);
    expect((await emails()).text).toBe(firstMails.text);
    const clock = await h.request({ method: 'GET', url: '/api/v1/test_helpers/clock', key: m.secretKey });
    expect(clock.body.now).toBe('2029-12-31T15:00:00Z');
  });

  it('draws the same ids whatever was read in between: a GET (API or page) takes no number', async () => {
    const m = await h.merchant();
    await seed(m, 16017);
    const first = await konbini(m);
    const second = await konbini(m);
    expect((await h.request({ method: 'POST', url: '/api/v1/test_helpers/reset', key: m.secretKey })).status).toBe(200);

    expect((await konbini(m)).text).toBe(first.text);
    // A shop polling its payment, listing, and its customer looking at the instructions page.
    for (let poll = 0; poll < 3; poll++) expect((await h.request({ method: 'GET', url: `/api/v1/payments/${first.body.id}`, key: m.secretKey })).status).toBe(200);
    expect((await h.request({ method: 'GET', url: '/api/v1/payments', key: m.secretKey })).status).toBe(200);
    expect((await h.request({ method: 'GET', url: `/ja/instructions/${first.body.id}` })).status).toBe(200);
    const clock = await h.request({ method: 'GET', url: '/api/v1/test_helpers/clock', key: m.secretKey });
    expect(clock.body.now).toBe('2029-12-31T15:00:00Z');
    expect((await konbini(m)).text).toBe(second.text);
  });

  it('refuses a seed another merchant holds (their ids would collide)', async () => {
    const a = await h.merchant();
    const b = await h.merchant();
    expect((await seed(a, 777)).status).toBe(200);
    const refused = await seed(b, 777);
    expect(refused.status).toBe(422);
    expect(refused.body.error).toMatchObject({ code: 'unprocessable_entity', param: 'seed' });
    // Seeding again with its own seed is fine.
    expect((await seed(a, 777)).status).toBe(200);
  });

  it('moves a seeded clock only by advances, from the epoch', async () => {
    const m = await h.merchant();
    await h.request({ method: 'POST', url: '/api/v1/test_helpers/clock/advance', key: m.secretKey, json: { seconds: 3600 } });
    await seed(m, 7);
    // Seeding starts the clock over.
    expect((await h.request({ url: '/api/v1/test_helpers/clock', key: m.secretKey })).body).toEqual({ resource: 'test_clock', now: '2029-12-31T15:00:00Z', offset_seconds: 0 });
    h.clock.advance(60_000);
    const advanced = await h.request({ method: 'POST', url: '/api/v1/test_helpers/clock/advance', key: m.secretKey, json: { seconds: 90 } });
    expect(advanced.body).toMatchObject({ now: '2029-12-31T15:01:30Z', offset_seconds: 90 });
    const card = await h.request({ method: 'POST', url: '/api/v1/payments', key: m.secretKey, json: { amount: 500, currency: 'JPY', payment_details: testCard() } });
    expect(card.body.created_at).toBe('2029-12-31T15:01:30Z');
  });

  it('expires a seeded konbini payment when an advance passes its deadline, in the advancing request', async () => {
    const m = await h.merchant();
    await seed(m, 9);
    const payment = (await konbini(m)).body;
    const advanced = await h.request({ method: 'POST', url: '/api/v1/test_helpers/clock/advance', key: m.secretKey, json: { seconds: 10 * 86400 } });
    expect(advanced.body.expired_payments).toBe(1);
    const events = await h.request({ url: '/api/v1/events', key: m.secretKey });
    expect(events.body.data[0]).toMatchObject({ type: 'payment.expired', data: { id: payment.id }, created_at: '2030-01-10T15:00:00Z' });
  });

  it('unseeds with null: random ids and real time again', async () => {
    const m = await h.merchant();
    await seed(m, 5);
    const seededId = (await konbini(m)).body.id;
    const unseeded = await seed(m, null);
    expect(unseeded.status).toBe(200);
    expect(unseeded.body.seed).toBeNull();
    expect(Math.abs(Date.parse(unseeded.body.now) - h.clock.now().getTime())).toBeLessThan(5000);
    const first = (await konbini(m)).body;
    await seed(m, null);
    const second = (await konbini(m)).body;
    expect(new Set([seededId, first.id, second.id]).size).toBe(3);
    expect(Math.abs(Date.parse(first.created_at) - h.clock.now().getTime())).toBeLessThan(5000);
  });

  it("seeds one merchant only: another keeps random ids and real time", async () => {
    const seededMerchant = await h.merchant();
    const plain = await h.merchant();
    await seed(seededMerchant, 1);
    const a = (await konbini(plain)).body;
    const b = (await konbini(plain)).body;
    expect(a.id).not.toBe(b.id);
    expect(Math.abs(Date.parse(a.created_at) - h.clock.now().getTime())).toBeLessThan(5000);
  });

  it('takes the seed as form digits too', async () => {
    const m = await h.merchant();
    const res = await h.request({ method: 'POST', url: '/api/v1/test_helpers/seed', key: m.secretKey, form: { seed: '31' } });
    expect(res.status).toBe(200);
    expect(res.body.seed).toBe(31);
  });

  it.each([
    ['a word', 'forty-two', 'seed'],
    ['an object', { n: 1 }, 'seed'],
    ['a fraction', 1.5, 'seed'],
    ['a negative number', -1, 'seed'],
    ['a number past 2^53 - 1', 2 ** 53, 'seed'],
  ])('refuses %s with the error envelope naming the parameter', async (_name, value, param) => {
    const m = await h.merchant();
    const res = await seed(m, value);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.body.error).toMatchObject({ param });
  });

  it('refuses a missing seed with the error envelope', async () => {
    const m = await h.merchant();
    const res = await h.request({ method: 'POST', url: '/api/v1/test_helpers/seed', key: m.secretKey, json: {} });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.body.error).toMatchObject({ param: 'seed' });
  });

  it('refuses live merchants (403) and publishable keys (403)', async () => {
    const live = await h.merchant({ mode: 'live' });
    const refused = await seed(live, 1);
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('forbidden');
    const m = await h.merchant();
    const publishable = await h.request({ method: 'POST', url: '/api/v1/test_helpers/seed', key: m.publishableKey, json: { seed: 1 } });
    expect(publishable.status).toBe(403);
  });
});
