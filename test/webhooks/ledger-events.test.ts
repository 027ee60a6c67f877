import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cutoffOf, cycleOf, payoutOf } from '../../src/domain/settlements';
import { startHarness, startTestWebhookWorker, type Harness, type TestMerchant } from '../helpers/harness';
import { paymentApi, type PaymentApi } from '../helpers/payment-api';
import { expectSigned, startReceiver, type Receiver } from '../helpers/receiver';

/**
 * The ledger's events (domain/ledger-events.ts): settlements made and paid on the test clock, and
 * disbursements created, paid, failed and cancelled, each sent to a real receiving endpoint by the
 * webhook worker, listed by GET /events, selectable on an endpoint, and repeatable for a seeded
 * merchant.
 */

let h: Harness;
let worker: Awaited<ReturnType<typeof startTestWebhookWorker>>;
const receivers: Receiver[] = [];

beforeAll(async () => {
  h = await startHarness();
  worker = await startTestWebhookWorker(h);
});
afterEach(async () => {
  for (const receiver of receivers.splice(0)) await receiver.close();
});
afterAll(async () => {
  await worker.stop();
  await h.close();
  expect(worker.errors).toEqual([]);
});

const poll = { timeout: 10_000, interval: 50 };
const BANK = { currency: 'JPY', account_type: 'ordinary', account_name_kana: 'ヤマダ タロウ', bank_code: '0001', branch_code: '001' };

async function setup(events: string[] = []): Promise<{ m: TestMerchant; api: PaymentApi; receiver: Receiver; endpoint: { id: string; secret_token: string } }> {
  const m = await h.merchant();
  const api = paymentApi(h, m.secretKey);
  const receiver = await startReceiver();
  receivers.push(receiver);
  const res = await api.post('/api/v1/webhooks', { url: receiver.url, events });
  expect(res.status, res.text).toBe(200);
  return { m, api, receiver, endpoint: res.body };
}

/** Moves the merchant's clock to just past `at`. */
async function advanceTo(api: PaymentApi, at: Date): Promise<void> {
  const now = Date.parse((await api.get('/api/v1/test_helpers/clock')).body.now);
  const res = await api.post('/api/v1/test_helpers/clock/advance', { seconds: Math.ceil((at.getTime() - now) / 1000) + 60 });
  expect(res.status, res.text).toBe(200);
}

async function clockNow(api: PaymentApi): Promise<Date> {
  return new Date((await api.get('/api/v1/test_helpers/clock')).body.now);
}

const types = (receiver: Receiver) => receiver.received.map((r) => r.body.type);

describe('settlement events', () => {
  it('send settlement.created when a test-clock advance closes the month, and settlement.paid at its payout', async () => {
    const { api, receiver, endpoint } = await setup();
    await api.create({ amount: 20000, tax: 0 });
    const cycle = cycleOf(await clockNow(api));
    await advanceTo(api, cutoffOf(cycle));

    await expect.poll(() => types(receiver), poll).toContain('settlement.created');
    const [settlement] = (await api.get('/api/v1/settlements')).body.data;
    const delivered = receiver.received.find((r) => r.body.type === 'settlement.created')!;
    expectSigned(delivered, endpoint.secret_token);
    expect(delivered.headers['x-komoju-event']).toBe('settlement.created');
    // The data is the settlement as GET /settlements/:id showed it then.
    const shown = await api.get(`/api/v1/settlements/${settlement.id}`);
    expect(delivered.body).toMatchObject({ resource: 'event', type: 'settlement.created', data: shown.body, created_at: shown.body.created_at, reason: null });
    const listed = await api.get(`/api/v1/events?type=settlement.created`);
    expect(listed.body.data.map((e: any) => e.id)).toEqual([delivered.body.id]);

    await advanceTo(api, payoutOf(cycle));
    await expect.poll(() => types(receiver), poll).toContain('settlement.paid');
    const paid = receiver.received.find((r) => r.body.type === 'settlement.paid')!;
    expect(paid.body.data).toMatchObject({ id: settlement.id, resource: 'settlement', status: 'paid' });
    const events = (await api.get(`/api/v1/events?resource_id=${settlement.id}`)).body.data;
    expect(events.map((e: any) => e.type)).toEqual(['settlement.paid', 'settlement.created']);
  });
});

describe('disbursement events', () => {
  it('send disbursement.created and .cancelled, .paid and .failed, only to endpoints that select them', async () => {
    const { api, receiver } = await setup();
    const selective = await setup(['disbursement.paid']);
    for (const amount of [40000, 40000]) await selective.api.create({ amount, tax: 0 });
    for (const amount of [40000, 40000]) await api.create({ amount, tax: 0 });

    const cancelled = await api.post('/api/v1/disbursements', { ...BANK, amount: 1000, account_number: '1234567' });
    expect(cancelled.status, cancelled.text).toBe(200);
    const cancel = await api.post(`/api/v1/disbursements/${cancelled.body.id}/cancel`, { cancel_reason: 'Paid by hand instead' });
    expect(cancel.status, cancel.text).toBe(200);
    const paid = await api.post('/api/v1/disbursements', { ...BANK, amount: 2000, account_number: '7654321' });
    const failed = await api.post('/api/v1/disbursements', { ...BANK, amount: 3000, account_number: '0000000' });
    await api.post('/api/v1/test_helpers/clock/advance', { seconds: 86400 + 60 });
    const elsewhere = await selective.api.post('/api/v1/disbursements', { ...BANK, amount: 4000, account_number: '1234567' });
    expect(elsewhere.status, elsewhere.text).toBe(200);
    await selective.api.post('/api/v1/test_helpers/clock/advance', { seconds: 86400 + 60 });

    const of = (id: string) => receiver.forResource(id).map((r) => r.body.type);
    await expect.poll(() => receiver.received.filter((r) => r.body.type.startsWith('disbursement.')).length, poll).toBe(6);
    expect(of(cancelled.body.id)).toEqual(expect.arrayContaining(['disbursement.created', 'disbursement.cancelled']));
    expect(of(paid.body.id).sort()).toEqual(['disbursement.created', 'disbursement.paid']);
    expect(of(failed.body.id).sort()).toEqual(['disbursement.created', 'disbursement.failed']);
    const cancelEvent = receiver.forResource(cancelled.body.id).find((r) => r.body.type === 'disbursement.cancelled')!;
    expect(cancelEvent.body).toMatchObject({ reason: 'Paid by hand instead', data: { ...cancel.body, resource: 'disbursement', status: 'cancelled' } });
    const failure = receiver.forResource(failed.body.id).find((r) => r.body.type === 'disbursement.failed')!;
    expect(failure.body.data).toMatchObject({ status: 'failed', error: expect.stringContaining('rejected') });
    const { resource, ...paidData } = receiver.forResource(paid.body.id).find((r) => r.body.type === 'disbursement.paid')!.body.data;
    expect(resource).toBe('disbursement');
    expect((await api.get(`/api/v1/disbursements/${paid.body.id}`)).body).toEqual({ ...paidData, status: 'paid' });

    // The endpoint that selected disbursement.paid only received that (after its ping).
    await expect.poll(() => types(selective.receiver), poll).toEqual(['ping', 'disbursement.paid']);
    expect(selective.receiver.received[1].body.data.id).toBe(elsewhere.body.id);
    const listed = (await api.get(`/api/v1/events?resource_id=${failed.body.id}`)).body.data;
    expect(listed.map((e: any) => e.type)).toEqual(['disbursement.failed', 'disbursement.created']);
  });

  it('refuses an unknown ledger event type in an endpoint selection, naming the known ones', async () => {
    const { api } = await setup();
    const res = await api.post('/api/v1/webhooks', { url: 'https://hooks.example/x', events: ['disbursement.completed'] });
    expect(res.status).toBe(422);
    expect(res.body.error.message).toContain('disbursement.cancelled');
  });
});

describe('a seeded merchant', () => {
  it('makes the same ledger events, ids and bodies included, after a reset starts its seed over', async () => {
    const m = await h.merchant();
    const api = paymentApi(h, m.secretKey);
    expect((await api.post('/api/v1/test_helpers/seed', { seed: 1717 })).status).toBe(200);
    const run = async () => {
      await api.create({ amount: 30000, tax: 0 });
      const d = await api.post('/api/v1/disbursements', { ...BANK, amount: 1000, account_number: '1234567' });
      await api.post(`/api/v1/disbursements/${d.body.id}/cancel`, { cancel_reason: 'no' });
      await api.post('/api/v1/disbursements', { ...BANK, amount: 1000, account_number: '1234567' });
      await advanceTo(api, payoutOf(cycleOf(await clockNow(api))));
      const events = (await api.get('/api/v1/events?per_page=100')).body.data;
      return events.filter((e: any) => /^(settlement|disbursement)\./.test(e.type));
    };
    const first = await run();
    expect(first.map((e: any) => e.type).sort()).toEqual(['disbursement.cancelled', 'disbursement.created', 'disbursement.created', 'disbursement.paid', 'settlement.created', 'settlement.paid']);
    expect((await api.post('/api/v1/test_helpers/reset', {})).status).toBe(200);
    expect(await run()).toEqual(first);
  });
});
