import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/harness';
import { expectError, paymentApi, type PaymentApi } from '../helpers/payment-api';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

/** Two merchants: A with payments in several states, B with one payment of its own. */
async function twoMerchants() {
  const a = paymentApi(h, (await h.merchant()).secretKey);
  const b = paymentApi(h, (await h.merchant()).secretKey);
  const authorized = await a.create({ capture: false, external_order_num: 'SHARED-ORDER' });
  const captured = await a.create({ external_order_num: 'SHARED-ORDER' });
  const own = await b.create({ external_order_num: 'SHARED-ORDER' });
  return { a, b, authorized, captured, own };
}

async function unchanged(a: PaymentApi, payment: { id: string }) {
  const res = await a.get(`/api/v1/payments/${payment.id}`);
  expect(res.body).toEqual(payment);
}

describe("another merchant's payment answers 404", () => {
  it('on show', async () => {
    const { b, captured } = await twoMerchants();
    expectError(await b.get(`/api/v1/payments/${captured.id}`), 404, 'not_found');
  });

  it('on capture, and it stays authorized', async () => {
    const { a, b, authorized } = await twoMerchants();
    expectError(await b.post(`/api/v1/payments/${authorized.id}/capture`, {}), 404, 'not_found');
    await unchanged(a, authorized);
  });

  it('on refund, and nothing is refunded', async () => {
    const { a, b, captured } = await twoMerchants();
    expectError(await b.post(`/api/v1/payments/${captured.id}/refund`, {}), 404, 'not_found');
    expectError(await b.post(`/api/v1/payments/${captured.id}/refund`, { amount: 100 }), 404, 'not_found');
    await unchanged(a, captured);
  });

  it('on cancel, and it stays authorized', async () => {
    const { a, b, authorized } = await twoMerchants();
    expectError(await b.post(`/api/v1/payments/${authorized.id}/cancel`, {}), 404, 'not_found');
    await unchanged(a, authorized);
  });

  it('on update, and nothing changes', async () => {
    const { a, b, captured } = await twoMerchants();
    expectError(await b.patch(`/api/v1/payments/${captured.id}`, { description: 'mine now', metadata: { x: 'y' } }), 404, 'not_found');
    await unchanged(a, captured);
  });

  it('the same way as an id that does not exist (nothing tells them apart)', async () => {
    const { b, captured } = await twoMerchants();
    const foreign = await b.get(`/api/v1/payments/${captured.id}`);
    const missing = await b.get(`/api/v1/payments/${'z'.repeat(25)}`);
    expect(foreign.status).toBe(missing.status);
    expect(foreign.text).toBe(missing.text);
  });
});

describe('lists', () => {
  it("never contain another merchant's payments, whatever the filter", async () => {
    const { a, b, authorized, captured, own } = await twoMerchants();
    for (const query of ['', '?per_page=100', '?status=captured,authorized', '?external_order_num=SHARED-ORDER']) {
      const listB = (await b.get(`/api/v1/payments${query}`)).body;
      expect(listB.data.map((p: { id: string }) => p.id), query).toEqual([own.id]);
      expect(listB.total).toBe(1);
      const listA = (await a.get(`/api/v1/payments${query}`)).body;
      expect(listA.data.map((p: { id: string }) => p.id).sort(), query).toEqual([authorized.id, captured.id].sort());
    }
  });
});

describe('events', () => {
  it("are listed and shown only to the merchant they belong to", async () => {
    const { a, b, captured, own } = await twoMerchants();
    const eventsA = (await a.get('/api/v1/events')).body;
    const eventsB = (await b.get('/api/v1/events')).body;
    expect(eventsA.total).toBe(2);
    expect(eventsB.total).toBe(1);
    expect(eventsB.data[0].data.id).toBe(own.id);
    for (const event of eventsA.data) {
      expectError(await b.get(`/api/v1/events/${event.id}`), 404, 'not_found');
      expect((await a.get(`/api/v1/events/${event.id}`)).status).toBe(200);
    }
    // Filtering by A's payment id does not reach A's events either.
    expect((await b.get(`/api/v1/events?resource_id=${captured.id}`)).body.total).toBe(0);
  });
});
