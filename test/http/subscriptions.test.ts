import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chargeDueSubscriptions } from '../../src/domain/subscription-billing';
import { startHarness, testCard, type Harness, type TestMerchant } from '../helpers/harness';
import { expectError } from '../helpers/payment-api';

/**
 * Subscriptions (SDK SubscriptionsApi): create, list, show, delete; renewals on the merchant's
 * test clock across a year; a declined renewal retried 3, 5 and 7 days later, then suspended;
 * validation errors in KOMOJU's envelope; isolation between merchants.
 */

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const DAY = 86_400;
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
const DECLINING = '4123111111111059';

function client(m: TestMerchant) {
  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, json?: unknown) => h.request({ method, url, key: m.secretKey, json });
  return {
    call,
    post: (url: string, json: unknown) => call('POST', url, json),
    get: (url: string) => call('GET', url),
    advance: async (seconds: number) => {
      const res = await call('POST', '/api/v1/test_helpers/clock/advance', { seconds });
      expect(res.status, res.text).toBe(200);
      return res.body;
    },
    setCard: async (customerId: string, number: string) => {
      const res = await call('PATCH', `/api/v1/customers/${customerId}`, { payment_details: testCard({ number }) });
      expect(res.status, res.text).toBe(200);
    },
    events: async (id: string) => {
      const res = await call('GET', '/api/v1/events?per_page=100');
      return (res.body.data as any[]).filter((e) => e.data.id === id).reverse();
    },
  };
}

async function subscribed(m: TestMerchant, body: Record<string, unknown> = {}, card = '4111111111111111') {
  const api = client(m);
  const customer = await api.post('/api/v1/customers', { email: 'taro@example.com', payment_details: testCard({ number: card }) });
  expect(customer.status, customer.text).toBe(200);
  const res = await api.post('/api/v1/subscriptions', { customer: customer.body.id, amount: 2000, currency: 'JPY', period: 'monthly', ...body });
  expect(res.status, res.text).toBe(200);
  return { api, customer: customer.body, subscription: res.body };
}

describe('POST /api/v1/subscriptions', () => {
  it("answers the SDK's Subscription, field for field, having charged the first period at once", async () => {
    const m = await h.merchant();
    const { api, customer, subscription } = await subscribed(m, { metadata: { plan: 'gold' } });
    expect(subscription).toEqual({
      id: expect.stringMatching(/^[0-9a-z]{25}$/),
      resource: 'subscription',
      status: 'active',
      amount: 2000,
      currency: 'JPY',
      customer: {
        id: expect.any(Number),
        uuid: customer.id,
        merchant_id: expect.any(Number),
        created_at: expect.stringMatching(ISO),
        updated_at: expect.stringMatching(ISO),
        email: 'taro@example.com',
        currency: 'JPY',
        locale: 'ja',
        name: null,
        phone: null,
        archived_at: null,
      },
      period: 'monthly',
      day: expect.any(Number),
      payment_details: { type: 'credit_card', month: '12', year: expect.stringMatching(/^\d{4}$/), email: 'taro@example.com' },
      retry_count: 0,
      retry_at: null,
      next_capture_at: expect.stringMatching(ISO),
      created_at: expect.stringMatching(ISO),
      ended_at: null,
      metadata: { plan: 'gold' },
      payments: [expect.stringMatching(/^[0-9a-z]{25}$/)],
    });
    const payment = (await api.get(`/api/v1/payments/${subscription.payments[0]}`)).body;
    expect(payment).toMatchObject({ status: 'captured', amount: 2000, tax: 0, total: 2000, currency: 'JPY', customer: customer.id });
    const created = new Date(subscription.created_at);
    const next = new Date(subscription.next_capture_at);
    expect(next.getTime() - created.getTime()).toBeGreaterThanOrEqual(28 * DAY * 1000);
    expect(next.getTime() - created.getTime()).toBeLessThanOrEqual(31 * DAY * 1000);
    expect(subscription.day).toBe(new Date(created.getTime() + 9 * 3600e3).getUTCDate());
    expect((await api.events(subscription.id)).map((e) => e.type)).toEqual(['subscription.created', 'subscription.captured']);
    expect((await api.get(`/api/v1/subscriptions/${subscription.id}`)).body).toEqual(subscription);
  });

  it('takes form fields (curl -d) and every period', async () => {
    const m = await h.merchant();
    const customer = await client(m).post('/api/v1/customers', { payment_details: testCard() });
    for (const period of ['weekly', 'yearly']) {
      const res = await h.request({ method: 'POST', url: '/api/v1/subscriptions', key: m.secretKey, form: { customer: customer.body.id, amount: '500', currency: 'jpy', period } });
      expect(res.status, res.text).toBe(200);
      expect(res.body).toMatchObject({ period, amount: 500, currency: 'JPY', status: 'active' });
      const gap = (Date.parse(res.body.next_capture_at) - Date.parse(res.body.created_at)) / 1000 / DAY;
      if (period === 'weekly') expect(gap).toBe(7);
      else expect(gap === 365 || gap === 366).toBe(true);
    }
  });

  it('refuses bad input with KOMOJU\'s envelope, writing nothing', async () => {
    const m = await h.merchant();
    const api = client(m);
    const customer = (await api.post('/api/v1/customers', { payment_details: testCard() })).body;
    const bare = (await api.post('/api/v1/customers', { email: 'no-card@example.com' })).body;
    const ok = { customer: customer.id, amount: 1000, currency: 'JPY', period: 'monthly' };
    const without = (key: string) => Object.fromEntries(Object.entries(ok).filter(([k]) => k !== key));
    for (const key of ['customer', 'amount', 'currency', 'period']) expectError(await api.post('/api/v1/subscriptions', without(key)), 422, 'missing_parameter', key);
    expectError(await api.post('/api/v1/subscriptions', { ...ok, period: 'daily' }), 422, 'invalid_parameter', 'period');
    expectError(await api.post('/api/v1/subscriptions', { ...ok, currency: 'XYZ' }), 422, 'invalid_currency', 'currency');
    expectError(await api.post('/api/v1/subscriptions', { ...ok, amount: -1 }), 422, 'invalid_parameter', 'amount');
    expectError(await api.post('/api/v1/subscriptions', { ...ok, amount: true }), 422, 'invalid_parameter', 'amount');
    expectError(await api.post('/api/v1/subscriptions', { ...ok, amount: 'ten' }), 422, 'invalid_parameter', 'amount');
    expectError(await api.post('/api/v1/subscriptions', { ...ok, customer: 'z'.repeat(25) }), 422, 'invalid_parameter', 'customer');
    expectError(await api.post('/api/v1/subscriptions', { ...ok, customer: bare.id }), 422, 'invalid_parameter', 'customer');
    expectError(await api.post('/api/v1/subscriptions', { ...ok, metadata: { ['k'.repeat(31)]: 'v' } }), 422, 'invalid_parameter');
    const rows = await h.store.db.selectFrom('subscriptions').select('id').where('merchant_id', '=', m.id).execute();
    expect(rows).toEqual([]);
    const payments = await api.get('/api/v1/payments');
    expect(payments.body.total).toBe(0);
  });

  it('live mode without a processor: 502 bad_gateway, and nothing is recorded', async () => {
    const m = await h.merchant({ mode: 'live' });
    const customer = await client(m).post('/api/v1/customers', { payment_details: testCard() });
    expect(customer.status, customer.text).toBe(200);
    expectError(await client(m).post('/api/v1/subscriptions', { customer: customer.body.id, amount: 1000, currency: 'JPY', period: 'monthly' }), 502, 'bad_gateway');
    expect(await h.store.db.selectFrom('subscriptions').select('id').where('merchant_id', '=', m.id).execute()).toEqual([]);
    expect(await h.store.db.selectFrom('events').select('type').where('merchant_id', '=', m.id).where('type', 'like', 'subscription.%').execute()).toEqual([]);
  });

  it('a declined first charge still creates it, active with a retry in 3 days', async () => {
    const m = await h.merchant();
    const { api, subscription } = await subscribed(m, {}, DECLINING);
    expect(subscription).toMatchObject({ status: 'active', retry_count: 0, ended_at: null });
    expect(Date.parse(subscription.retry_at) - Date.parse(subscription.created_at)).toBe(3 * DAY * 1000);
    expect((await api.get(`/api/v1/payments/${subscription.payments[0]}`)).body.status).toBe('failed');
    const failed = (await api.events(subscription.id)).find((e) => e.type === 'subscription.failed');
    expect(failed.reason).toBe('card_declined');
  });
});

describe('renewals on the test clock', () => {
  it('a year of monthly renewals: one payment per month, each made on its day, with its events', async () => {
    const m = await h.merchant();
    const { api, subscription } = await subscribed(m);
    const anchor = subscription.created_at;
    for (let month = 1; month <= 12; month++) {
      await api.advance(31 * DAY);
      const now = (await api.get(`/api/v1/subscriptions/${subscription.id}`)).body;
      expect(now.payments.length, `month ${month}`).toBeGreaterThanOrEqual(month + 1);
    }
    const after = (await api.get(`/api/v1/subscriptions/${subscription.id}`)).body;
    // 12 × 31 days = 372 days: 13 periods fell due (0 … 12), the 13th on the anniversary.
    expect(after.payments).toHaveLength(13);
    expect(after).toMatchObject({ status: 'active', retry_count: 0, retry_at: null, ended_at: null });
    const payments = await Promise.all(after.payments.map(async (id: string) => (await api.get(`/api/v1/payments/${id}`)).body));
    const jst = (iso: string) => new Date(Date.parse(iso) + 9 * 3600e3);
    const day = jst(anchor).getUTCDate();
    payments.forEach((p, i) => {
      expect(p).toMatchObject({ status: 'captured', amount: 2000, total: 2000 });
      const at = jst(p.created_at);
      expect(at.getUTCMonth()).toBe((jst(anchor).getUTCMonth() + i) % 12);
      if (day <= 28) expect(at.getUTCDate()).toBe(day);
    });
    expect(new Set(after.payments).size).toBe(13);
    const types = (await api.events(subscription.id)).map((e) => e.type);
    expect(types.filter((t) => t === 'subscription.captured')).toHaveLength(13);
  });

  it('one advance of a year makes the twelve renewals at once, in order', async () => {
    const m = await h.merchant();
    const { api, subscription } = await subscribed(m);
    await api.advance(366 * DAY);
    const after = (await api.get(`/api/v1/subscriptions/${subscription.id}`)).body;
    expect(after.payments).toHaveLength(13);
    const created = await Promise.all(after.payments.map(async (id: string) => Date.parse((await api.get(`/api/v1/payments/${id}`)).body.created_at)));
    expect([...created].sort((a, b) => a - b)).toEqual(created);
    expect(Date.parse(after.next_capture_at)).toBeGreaterThan(created[12]);
  });

  it('a declined renewal is retried 3, 5 and 7 days later; a retry that succeeds keeps the schedule', async () => {
    const m = await h.merchant();
    const { api, customer, subscription } = await subscribed(m);
    const due = Date.parse(subscription.next_capture_at);
    await api.setCard(customer.id, DECLINING);
    await api.advance(31 * DAY);
    let now = (await api.get(`/api/v1/subscriptions/${subscription.id}`)).body;
    expect(now).toMatchObject({ status: 'active', retry_count: 0 });
    expect(Date.parse(now.retry_at)).toBe(due + 3 * DAY * 1000);
    const nextPeriod = now.next_capture_at;
    expect(Date.parse(nextPeriod)).toBeGreaterThan(due);
    await api.advance(3 * DAY);
    now = (await api.get(`/api/v1/subscriptions/${subscription.id}`)).body;
    expect(now).toMatchObject({ status: 'active', retry_count: 1, next_capture_at: nextPeriod });
    expect(Date.parse(now.retry_at)).toBe(due + 8 * DAY * 1000);
    await api.setCard(customer.id, '4111111111111111');
    await api.advance(5 * DAY);
    now = (await api.get(`/api/v1/subscriptions/${subscription.id}`)).body;
    expect(now).toMatchObject({ status: 'active', retry_count: 0, retry_at: null, next_capture_at: nextPeriod });
    const statuses = await Promise.all(now.payments.map(async (id: string) => (await api.get(`/api/v1/payments/${id}`)).body.status));
    expect(statuses).toEqual(['captured', 'failed', 'failed', 'captured']);
    const types = (await api.events(subscription.id)).map((e) => e.type);
    expect(types).toEqual(['subscription.created', 'subscription.captured', 'subscription.failed', 'subscription.failed', 'subscription.captured']);
  });

  it('after three declined retries it is suspended, and charges no more', async () => {
    const m = await h.merchant();
    const { api, customer, subscription } = await subscribed(m);
    await api.setCard(customer.id, DECLINING);
    const due = Date.parse(subscription.next_capture_at);
    await api.advance(60 * DAY);
    const now = (await api.get(`/api/v1/subscriptions/${subscription.id}`)).body;
    expect(now).toMatchObject({ status: 'suspended', retry_count: 3, retry_at: null });
    expect(Date.parse(now.ended_at)).toBe(due + 15 * DAY * 1000);
    expect(now.payments).toHaveLength(5);
    const types = (await api.events(subscription.id)).map((e) => e.type);
    expect(types).toEqual([
      'subscription.created',
      'subscription.captured',
      'subscription.failed',
      'subscription.failed',
      'subscription.failed',
      'subscription.failed',
      'subscription.suspended',
    ]);
    await api.setCard(customer.id, '4111111111111111');
    await api.advance(365 * DAY);
    expect((await api.get(`/api/v1/subscriptions/${subscription.id}`)).body.payments).toHaveLength(5);
    const listed = await api.get('/api/v1/subscriptions?status=suspended');
    expect(listed.body.data.map((s: any) => s.id)).toEqual([subscription.id]);
  });

  it('the sweep charges a due renewal exactly once, however many run at once, and never again', async () => {
    const m = await h.merchant();
    const { api, subscription } = await subscribed(m);
    h.clock.advance(32 * DAY * 1000);
    try {
      const counts = await Promise.all([1, 2, 3, 4].map(() => chargeDueSubscriptions(h.services.db, h.services, m.id)));
      expect(counts.reduce((a, b) => a + b, 0)).toBe(1);
      expect(await chargeDueSubscriptions(h.services.db, h.services, m.id)).toBe(0);
    } finally {
      h.clock.advance(-32 * DAY * 1000);
    }
    expect((await api.get(`/api/v1/subscriptions/${subscription.id}`)).body.payments).toHaveLength(2);
  });
});

describe('events and webhooks', () => {
  it('queues a delivery of each subscription event an endpoint listens for, with the subscription as data', async () => {
    const m = await h.merchant();
    const api = client(m);
    const endpoint = (await api.post('/api/v1/webhooks', { url: 'https://hooks.example/subs', events: ['subscription.created', 'subscription.captured', 'subscription.failed'] })).body;
    const { customer, subscription } = await subscribed(m);
    await api.setCard(customer.id, DECLINING);
    await api.advance(31 * DAY);
    const deliveries = (await api.get(`/api/v1/webhooks/${endpoint.id}/deliveries?per_page=100`)).body.data.map((d: any) => d.event_type).reverse();
    expect(deliveries.filter((t: string) => t !== 'ping')).toEqual(['subscription.created', 'subscription.captured', 'subscription.failed']);
    const failed = (await api.events(subscription.id)).find((e) => e.type === 'subscription.failed');
    const event = (await api.get(`/api/v1/events/${failed.id}`)).body;
    expect(event).toMatchObject({ type: 'subscription.failed', reason: 'card_declined', data: { resource: 'subscription', id: subscription.id, status: 'active', retry_count: 0 } });
    expect(event.data.payments).toHaveLength(2);
  });
});

describe('GET and DELETE', () => {
  it('lists newest first in the list envelope, and deleting stops the charges', async () => {
    const m = await h.merchant();
    const first = await subscribed(m);
    const second = await subscribed(m, { period: 'weekly', amount: 300 });
    const list = await first.api.get('/api/v1/subscriptions');
    expect(list.body).toMatchObject({ resource: 'list', total: 2, page: 1, per_page: 10, last_page: 1 });
    expect(list.body.data.map((s: any) => s.id)).toEqual([second.subscription.id, first.subscription.id]);
    const deleted = await first.api.call('DELETE', `/api/v1/subscriptions/${first.subscription.id}`);
    expect(deleted.status, deleted.text).toBe(200);
    expect(deleted.body).toMatchObject({ status: 'cancelled', retry_at: null, ended_at: expect.stringMatching(ISO) });
    expectError(await first.api.call('DELETE', `/api/v1/subscriptions/${first.subscription.id}`), 422, 'unprocessable_entity');
    await first.api.advance(40 * DAY);
    expect((await first.api.get(`/api/v1/subscriptions/${first.subscription.id}`)).body.payments).toHaveLength(1);
    expect((await first.api.get(`/api/v1/subscriptions/${second.subscription.id}`)).body.payments.length).toBeGreaterThan(1);
    expect((await first.api.events(first.subscription.id)).map((e) => e.type).at(-1)).toBe('subscription.deleted');
  });

  it("deleting the customer cancels its subscriptions, which keep the customer as archived", async () => {
    const m = await h.merchant();
    const { api, customer, subscription } = await subscribed(m);
    expect((await api.call('DELETE', `/api/v1/customers/${customer.id}`)).status).toBe(200);
    const now = (await api.get(`/api/v1/subscriptions/${subscription.id}`)).body;
    expect(now).toMatchObject({ status: 'cancelled', customer: { uuid: customer.id, email: 'taro@example.com', archived_at: expect.stringMatching(ISO) } });
    await api.advance(40 * DAY);
    expect((await api.get(`/api/v1/subscriptions/${subscription.id}`)).body.payments).toHaveLength(1);
  });

  it("another merchant's subscription is 404, its customer an invalid parameter, its list empty", async () => {
    const owner = await h.merchant();
    const other = await h.merchant();
    const { customer, subscription } = await subscribed(owner);
    const api = client(other);
    expectError(await api.get(`/api/v1/subscriptions/${subscription.id}`), 404, 'not_found');
    expectError(await api.call('DELETE', `/api/v1/subscriptions/${subscription.id}`), 404, 'not_found');
    expectError(await api.post('/api/v1/subscriptions', { customer: customer.id, amount: 100, currency: 'JPY', period: 'monthly' }), 422, 'invalid_parameter', 'customer');
    expect((await api.get('/api/v1/subscriptions')).body.total).toBe(0);
    expect((await client(owner).get(`/api/v1/subscriptions/${subscription.id}`)).body.status).toBe('active');
    expectError(await h.request({ url: '/api/v1/subscriptions', key: owner.publishableKey }), 403, 'forbidden');
  });
});

describe('a clock advance past many periods', () => {
  it('makes every charge in the advancing request, past one run’s cap, with the seeded ids (none left to the sweep)', async () => {
    const m = await h.merchant();
    expect((await h.request({ method: 'POST', url: '/api/v1/test_helpers/seed', key: m.secretKey, json: { seed: 17004 } })).status).toBe(200);
    const { api, subscription } = await subscribed(m, { period: 'weekly' });
    // Made 21 years ago, its first period charged: 1,095 renewals due, more than one run makes
    // (MAX_CHARGES_PER_RUN, 1,000), and more than one advance (10 years at most) can make due.
    const created = new Date(Date.parse(subscription.created_at) - 21 * 365 * DAY * 1000);
    await h.services.db
      .updateTable('subscriptions')
      .set({ created_at: created, next_capture_at: new Date(created.getTime() + 7 * DAY * 1000) })
      .where('id', '=', subscription.id)
      .execute();
    await api.advance(60);
    const after = (await api.get(`/api/v1/subscriptions/${subscription.id}`)).body;
    expect(after.payments.length).toBeGreaterThan(1_090);
    const next = Date.parse(after.next_capture_at);
    const now = Date.parse((await api.get('/api/v1/test_helpers/clock')).body.now);
    expect(next).toBeGreaterThan(now);
    expect(next - now).toBeLessThanOrEqual(7 * DAY * 1000);
    // Nothing is left for the sweep, whose ids would be random.
    expect(await chargeDueSubscriptions(h.services.db, h.services, m.id)).toBe(0);
  }, 300_000);
});
