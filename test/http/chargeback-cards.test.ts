import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDuePlannedChargebacks } from '../../src/domain/chargeback-plans';
import { startHarness, testCard, type Harness, type TestMerchant } from '../helpers/harness';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const DAY = 86400;
const FRAUD = '4000000000000259';
const WON = '4000000000001976';
const LOST = '4000000000002685';
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
const defense = { description: 'Delivered and signed for.', document: { document_base64: PNG.toString('base64'), filename: 'receipt.png' } };

async function pay(m: TestMerchant, number: string, capture = true) {
  const res = await h.request({
    method: 'POST',
    url: '/api/v1/payments',
    key: m.secretKey,
    json: { amount: 5000, currency: 'JPY', capture, payment_details: testCard({ number }) },
  });
  expect(res.status, res.text).toBe(200);
  return res.body;
}

const advance = (m: TestMerchant, seconds: number) =>
  h.request({ method: 'POST', url: '/api/v1/test_helpers/clock/advance', key: m.secretKey, json: { seconds } });
const list = async (m: TestMerchant) => (await h.request({ url: '/api/v1/chargeback_requests', key: m.secretKey })).body.data;
const eventTypes = async (m: TestMerchant) =>
  (await h.request({ url: '/api/v1/events?per_page=100', key: m.secretKey })).body.data
    .map((e: { type: string }) => e.type)
    .filter((t: string) => t.startsWith('chargeback.'))
    .reverse();
const defend = (m: TestMerchant, id: string) =>
  h.request({ method: 'POST', url: `/api/v1/chargeback_requests/${id}/defend`, key: m.secretKey, json: defense });
const show = async (m: TestMerchant, id: string) => (await h.request({ url: `/api/v1/chargeback_requests/${id}`, key: m.secretKey })).body;

describe('test cards that open a chargeback', () => {
  it('the fraud card is approved, then disputed (CB_Fraud) 3 days after capture on the test clock, with its webhook', async () => {
    const m = await h.merchant();
    const endpoint = await h.request({
      method: 'POST',
      url: '/api/v1/webhooks',
      key: m.secretKey,
      json: { url: 'https://shop.example/hooks', events: ['chargeback.created'] },
    });
    expect(endpoint.status, endpoint.text).toBe(200);
    const payment = await pay(m, FRAUD);
    expect(payment.status).toBe('captured');
    expect((await advance(m, 3 * DAY - 60)).status).toBe(200);
    expect(await list(m)).toEqual([]);
    expect((await advance(m, 120)).status).toBe(200);
    const [item] = await list(m);
    expect(item).toMatchObject({ payment_id: payment.id, status: 'pending', reason_code: 'CB_Fraud', amount: payment.total });
    const chargeback = await show(m, item.id);
    // Opened when it fell due (capture + 3 days), not when the clock was moved past it.
    expect(Date.parse(chargeback.created_at) - Date.parse(payment.captured_at)).toBe(3 * DAY * 1000);
    expect(await eventTypes(m)).toEqual(['chargeback.created']);
    const deliveries = await h.request({ url: `/api/v1/webhooks/${endpoint.body.id}/deliveries`, key: m.secretKey });
    expect(deliveries.body.data.map((d: { event_type: string }) => d.event_type)).toContain('chargeback.created');
    // Once: advancing again opens no second dispute.
    await advance(m, DAY);
    expect(await list(m)).toHaveLength(1);
    // Its defense waits for the test helper.
    expect((await defend(m, item.id)).status).toBe(204);
    expect((await show(m, item.id)).status).toBe('defended');
  });

  it('the winning card: a chargeback request that the merchant wins when it defends', async () => {
    const m = await h.merchant();
    const payment = await pay(m, WON);
    await advance(m, 3 * DAY);
    const [item] = await list(m);
    expect(item).toMatchObject({ payment_id: payment.id, status: 'pending', reason_code: 'CB_ProductNotReceived' });
    expect((await defend(m, item.id)).status).toBe(204);
    const chargeback = await show(m, item.id);
    expect(chargeback.status).toBe('cancelled');
    expect(chargeback.timeline.map((t: { type: string }) => t.type)).toEqual(['created', 'defended', 'won']);
    expect(await eventTypes(m)).toEqual(['chargeback.created', 'chargeback.defended', 'chargeback.won']);
  });

  it('the losing card: a chargeback request that the merchant loses when it defends', async () => {
    const m = await h.merchant();
    await pay(m, LOST);
    await advance(m, 3 * DAY);
    const [item] = await list(m);
    expect(item).toMatchObject({ status: 'pending', reason_code: 'CB_ProductNotAsDescribed' });
    expect((await defend(m, item.id)).status).toBe(204);
    expect((await show(m, item.id)).status).toBe('lost');
    expect(await eventTypes(m)).toEqual(['chargeback.created', 'chargeback.defended', 'chargeback.lost']);
  });

  it('counts from the capture: an authorized payment is disputed only 3 days after it is captured', async () => {
    const m = await h.merchant();
    const payment = await pay(m, FRAUD, false);
    expect(payment.status).toBe('authorized');
    await advance(m, 5 * DAY);
    expect(await list(m)).toEqual([]);
    const captured = await h.request({ method: 'POST', url: `/api/v1/payments/${payment.id}/capture`, key: m.secretKey });
    expect(captured.status, captured.text).toBe(200);
    await advance(m, 3 * DAY);
    expect(await list(m)).toHaveLength(1);
  });

  it('a payment the test helper already disputed keeps that chargeback', async () => {
    const m = await h.merchant();
    const payment = await pay(m, FRAUD);
    const opened = await h.request({ method: 'POST', url: `/api/v1/test_helpers/payments/${payment.id}/chargeback`, key: m.secretKey, json: { reason_code: 'CB_Other' } });
    expect(opened.status, opened.text).toBe(201);
    await advance(m, 3 * DAY);
    const items = await list(m);
    expect(items.map((c: { reason_code: string }) => c.reason_code)).toEqual(['CB_Other']);
  });

  it("disputes a payment by a customer whose saved card is one", async () => {
    const m = await h.merchant();
    const customer = await h.request({ method: 'POST', url: '/api/v1/customers', key: m.secretKey, json: { payment_details: testCard({ number: LOST }) } });
    expect(customer.status, customer.text).toBe(200);
    const payment = await h.request({ method: 'POST', url: '/api/v1/payments', key: m.secretKey, json: { amount: 1000, currency: 'JPY', customer: customer.body.id } });
    expect(payment.status, payment.text).toBe(200);
    await advance(m, 3 * DAY);
    expect((await list(m)).map((c: { payment_id: string }) => c.payment_id)).toEqual([payment.body.id]);
  });

  it('opens on real time too (the worker sweep), and not for an ordinary card', async () => {
    const m = await h.merchant();
    const disputed = await pay(m, FRAUD);
    await pay(m, '4111111111111111');
    h.clock.advance(3 * DAY * 1000);
    await openDuePlannedChargebacks(h.services);
    const items = await list(m);
    expect(items.map((c: { payment_id: string }) => c.payment_id)).toEqual([disputed.id]);
  });
});
