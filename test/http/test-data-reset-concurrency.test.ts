import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, startTestWebhookWorker, testCard, usingPostgres, type Harness, type TestMerchant } from '../helpers/harness';
import { paymentApi } from '../helpers/payment-api';
import { startReceiver, type Receiver } from '../helpers/receiver';
import { holdMerchant } from '../../src/store/merchant-locks.repo';

/**
 * Resets of one merchant's test data while its payments are created, captured, refunded and paid
 * with tokens at full speed, and its webhooks delivered (a real receiver, answering slowly so that
 * attempts are in flight): every reset answers 200, every create 200, nothing 5xx; afterwards
 * every payment left is whole (its events, deliveries and refunds all there) and nothing is left
 * of a deleted one; each payment created was deleted by exactly one reset or is still there.
 * And a row another transaction keeps locked makes the reset give up with 409, deleting nothing.
 */
let h: Harness;
let worker: Awaited<ReturnType<typeof startTestWebhookWorker>>;
let receiver: Receiver;

beforeAll(async () => {
  h = await startHarness();
  worker = await startTestWebhookWorker(h);
  receiver = await startReceiver();
  receiver.respond = (_request, response) => void setTimeout(() => response.end('ok'), 20);
});
afterAll(async () => {
  await worker.stop();
  await receiver.close();
  await h.close();
  expect(worker.errors).toEqual([]);
});

// PGlite runs one transaction at a time (nothing can interleave): fewer rounds check the behaviour.
const RESETS = usingPostgres ? 12 : 4;
const CLIENTS = 8;
/** Payments created between two resets, so that each reset has work in flight beside it. */
const BETWEEN = 6;

/** One client's chain of requests, by kind; answers whether its create succeeded. */
async function chain(m: TestMerchant, kind: number, statuses: number[]): Promise<boolean> {
  const api = paymentApi(h, m.secretKey);
  const record = (status: number) => void statuses.push(status);
  if (kind === 0) {
    const res = await api.post('/api/v1/payments', { amount: 1000, currency: 'JPY', payment_details: testCard() });
    record(res.status);
    return res.status === 200;
  }
  if (kind === 1) {
    // Authorized, then captured and refunded in part: row locks taken before the inserts.
    const res = await api.post('/api/v1/payments', { amount: 1000, currency: 'JPY', capture: false, payment_details: testCard() });
    record(res.status);
    if (res.status !== 200) return false;
    record((await api.post(`/api/v1/payments/${res.body.id}/capture`)).status);
    record((await api.post(`/api/v1/payments/${res.body.id}/refund`, { amount: 100 })).status);
    return true;
  }
  if (kind === 2) {
    // A token used by the create (a row lock, then the insert).
    const token = await h.request({ method: 'POST', url: '/api/v1/tokens', key: m.publishableKey, json: { payment_details: testCard() } });
    record(token.status);
    const res = await api.post('/api/v1/payments', { amount: 1000, currency: 'JPY', payment_details: token.body.id });
    // The reset may have deleted the token in between: refused, not half made.
    record(res.status === 200 || res.status === 422 || res.status === 404 ? 200 : res.status);
    return res.status === 200;
  }
  const res = await api.post('/api/v1/payments', { amount: 1500, currency: 'JPY', payment_details: { type: 'konbini', store: 'lawson', email: 'taro@example.com' } }, { 'x-komoju-idempotency': `k-${Math.random()}` });
  record(res.status);
  return res.status === 200;
}

describe('test data reset beside traffic of the same merchant', () => {
  it('leaves every payment whole or gone, and answers every request', { timeout: 180_000 }, async () => {
    const m = await h.merchant();
    const api = paymentApi(h, m.secretKey);
    expect((await api.post('/api/v1/webhooks', { url: receiver.url })).status).toBe(200);

    const statuses: number[] = [];
    let created = 0;
    let stop = false;
    const clients = Array.from({ length: CLIENTS }, async (_, i) => {
      while (!stop) if (await chain(m, i % 4, statuses)) created++;
    });

    let deleted = 0;
    const resets: number[] = [];
    for (let round = 0; round < RESETS; round++) {
      const target = created + BETWEEN;
      while (created < target) await new Promise((resolve) => setImmediate(resolve));
      const res = await api.post('/api/v1/test_helpers/reset');
      resets.push(res.status);
      if (res.status === 200) deleted += res.body.payments;
    }
    stop = true;
    await Promise.all(clients);

    expect(resets.every((status) => status === 200), JSON.stringify(resets)).toBe(true);
    expect(statuses.filter((status) => status !== 200 && status !== 404)).toEqual([]);
    const left = await paymentsOf(m.id);
    // Each payment created was deleted by exactly one reset, or is still there.
    expect(deleted + left.length).toBe(created);
    expect(deleted).toBeGreaterThan(0);
    await expectWhole(m.id, left);
  });
});

describe('a row held for long', () => {
  // PGlite runs one transaction at a time: a transaction held open there would stop everything.
  it.skipIf(!usingPostgres)('answers 409 conflict, having deleted nothing, then succeeds once it is let go', { timeout: 60_000 }, async () => {
    const m = await h.merchant();
    const api = paymentApi(h, m.secretKey);
    const held = await api.create();
    const other = await api.create();
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    // Another client's transaction holds the payment's row, as a slow capture would.
    const holder = h.store.db.transaction().execute(async (trx) => {
      await trx.selectFrom('payments').select('id').where('id', '=', held.id).forUpdate().execute();
      locked();
      await released;
    });
    await isLocked;
    const res = await api.post('/api/v1/test_helpers/reset');
    expect(res.status, res.text).toBe(409);
    expect(res.body.error.code).toBe('conflict');
    expect(res.headers['retry-after']).toBe('1');
    expect((await api.get(`/api/v1/payments/${other.id}`)).status).toBe(200);
    release();
    await holder;
    const again = await api.post('/api/v1/test_helpers/reset');
    expect(again.status, again.text).toBe(200);
    expect(again.body.payments).toBe(2);
  });
});

describe('the merchant held for long', () => {
  // As unbroken traffic does: some transaction always holds the merchant's row FOR KEY SHARE.
  it.skipIf(!usingPostgres)('answers 409 conflict rather than waiting as long as the traffic lasts', { timeout: 60_000 }, async () => {
    const m = await h.merchant();
    const api = paymentApi(h, m.secretKey);
    await api.create();
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let held!: () => void;
    const isHeld = new Promise<void>((resolve) => (held = resolve));
    const holder = h.store.db.transaction().execute(async (trx) => {
      await holdMerchant(trx, m.id);
      held();
      await released;
    });
    await isHeld;
    const res = await api.post('/api/v1/test_helpers/reset');
    expect(res.status, res.text).toBe(409);
    release();
    await holder;
    expect((await api.post('/api/v1/test_helpers/reset')).body.payments).toBe(1);
  });
});

async function paymentsOf(merchantId: string) {
  return h.store.db.selectFrom('payments').select(['id', 'status', 'amount_refunded']).where('merchant_id', '=', merchantId).execute();
}

/**
 * Every payment has its events (the create's, a capture's, one per refund), each event one
 * delivery, refunds that add up; no event, delivery or refund is left without its payment.
 */
async function expectWhole(merchantId: string, payments: Awaited<ReturnType<typeof paymentsOf>>): Promise<void> {
  const db = h.store.db;
  const events = await db.selectFrom('events').select(['id', 'type', 'resource_id']).where('merchant_id', '=', merchantId).execute();
  const deliveries = await db.selectFrom('webhook_deliveries').select(['event_id']).where('merchant_id', '=', merchantId).execute();
  const refunds = await db.selectFrom('refunds').select(['payment_id', 'amount']).where('merchant_id', '=', merchantId).execute();
  const ids = new Set(payments.map((p) => p.id));
  for (const event of events) expect(ids.has(event.resource_id), `${event.type} of a deleted payment`).toBe(true);
  for (const refund of refunds) expect(ids.has(refund.payment_id), 'a refund of a deleted payment').toBe(true);
  expect(deliveries.map((d) => d.event_id).sort()).toEqual(events.map((e) => e.id).sort());
  for (const payment of payments) {
    const types = events.filter((e) => e.resource_id === payment.id).map((e) => e.type);
    const own = refunds.filter((r) => r.payment_id === payment.id);
    expect(types.length, `payment ${payment.status} without events`).toBeGreaterThan(0);
    if (payment.status === 'captured') expect(types).toContain('payment.captured');
    expect(own.reduce((sum, r) => sum + r.amount, 0)).toBe(payment.amount_refunded);
    expect(types.filter((type) => type === 'payment.refund.created')).toHaveLength(own.length);
  }
}
