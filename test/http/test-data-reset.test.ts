import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDashboardUser } from '../../src/domain/dashboard/auth';
import { changeEnabledTypes } from '../../src/domain/merchants';
import { TEST_DATA_KINDS } from '../../src/model/test-data';
import { startHarness, type Harness } from '../helpers/harness';
import { expectError, paymentApi } from '../helpers/payment-api';
import { attemptCount, seedTestData, tableCounts } from '../helpers/test-data';

/**
 * POST /api/v1/test_helpers/reset: a test-mode merchant's payments, sessions, tokens, customers,
 * events, deliveries and idempotency records go, its clock comes back to real time; its keys,
 * webhook endpoints, dashboard users and settings stay, and other merchants are untouched.
 */
let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

describe('POST /api/v1/test_helpers/reset', () => {
  it("deletes the merchant's test data, rewinds its clock, and keeps keys, endpoints, users and settings", async () => {
    const m = await h.merchant();
    const other = await h.merchant();
    await seedTestData(h, m);
    await seedTestData(h, other);
    await createDashboardUser(h.store.db, h.clock.now(), { merchantId: m.id, email: 'ops@shop.example', password: 'correct horse battery' });
    await changeEnabledTypes(h.store.db, m.id, { disable: ['paypay'] });
    const api = paymentApi(h, m.secretKey);
    const endpoints = (await api.get('/api/v1/webhooks')).body.data;
    const before = await tableCounts(h.store.db, m.id);
    const otherBefore = await tableCounts(h.store.db, other.id);
    for (const kind of TEST_DATA_KINDS) expect(before[kind], kind).toBeGreaterThan(0);
    expect((await api.get('/api/v1/test_helpers/clock')).body.offset_seconds).toBe(86400);

    const res = await api.post('/api/v1/test_helpers/reset');
    expect(res.status, res.text).toBe(200);
    const { clock, ...counts } = res.body;
    expect(counts).toEqual({ resource: 'test_data_reset', ...before });
    expect(clock).toMatchObject({ resource: 'test_clock', offset_seconds: 0 });
    expect(Math.abs(Date.parse(clock.now) - Date.now())).toBeLessThan(5000);

    // Nothing of the merchant's test data is left; the other merchant's is all there.
    expect(Object.values(await tableCounts(h.store.db, m.id)).every((n) => n === 0)).toBe(true);
    expect(await attemptCount(h.store.db, m.id)).toBe(0);
    expect(await tableCounts(h.store.db, other.id)).toEqual(otherBefore);
    expect((await paymentApi(h, other.secretKey).get('/api/v1/test_helpers/clock')).body.offset_seconds).toBe(86400);

    // The same keys work; the endpoint, the user and the payment methods are still there.
    expect((await api.get('/api/v1/payments')).body.total).toBe(0);
    expect((await api.get('/api/v1/test_helpers/clock')).body.offset_seconds).toBe(0);
    expect((await api.get('/api/v1/webhooks')).body.data).toEqual(endpoints);
    const users = await h.store.db.selectFrom('dashboard_users').select('email').where('merchant_id', '=', m.id).execute();
    expect(users).toEqual([{ email: 'ops@shop.example' }]);
    const methods = (await h.request({ url: '/api/v1/payment_methods', key: m.publishableKey })).body.map((method: { type_slug: string }) => method.type_slug);
    expect(methods).toContain('credit_card');
    expect(methods).not.toContain('paypay');
    expect((await h.request({ url: '/api/v1/payment_methods', key: other.publishableKey })).body.map((method: { type_slug: string }) => method.type_slug)).toContain('paypay');

    // New payments follow at once, with their events and deliveries.
    const payment = await api.create();
    expect(await api.eventTypes(payment.id)).toEqual(['payment.captured']);
    expect((await tableCounts(h.store.db, m.id)).webhook_deliveries).toBe(1);

    // Again: nothing left to delete.
    const again = await api.post('/api/v1/test_helpers/reset');
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ payments: 1, events: 1, webhook_deliveries: 1, customers: 0, sessions: 0 });
  });

  it('refuses live merchants and the publishable key, deleting nothing', async () => {
    const live = await h.merchant({ mode: 'live' });
    const res = await h.request({ method: 'POST', url: '/api/v1/test_helpers/reset', key: live.secretKey });
    expectError(res, 403, 'forbidden');
    const m = await h.merchant();
    await paymentApi(h, m.secretKey).create();
    expectError(await h.request({ method: 'POST', url: '/api/v1/test_helpers/reset', key: m.publishableKey }), 403, 'forbidden');
    expectError(await h.request({ method: 'POST', url: '/api/v1/test_helpers/reset' }), 401, 'unauthorized');
    expect((await tableCounts(h.store.db, m.id)).payments).toBe(1);
  });
});
