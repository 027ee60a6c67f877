import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicAuth, startHarness, testCard, type ApiResponse, type Harness } from '../helpers/harness';
import { expectError, paymentApi, type PaymentApi } from '../helpers/payment-api';

let h: Harness;
let baseUrl: string;

beforeAll(async () => {
  h = await startHarness();
  baseUrl = await h.listen();
});
afterAll(() => h.close());

/** A fresh merchant per test, so counts and lists see only that test's rows. */
async function freshApi(): Promise<PaymentApi & { key: string }> {
  const m = await h.merchant();
  return { ...paymentApi(h, m.secretKey), key: m.secretKey };
}

describe('capture', () => {
  it('captures an authorized payment (capture=false) with captured_at set', async () => {
    const api = await freshApi();
    const p = await api.create({ capture: false });
    expect(p).toMatchObject({ status: 'authorized', captured_at: null, total: 1100 });
    const res = await api.post(`/api/v1/payments/${p.id}/capture`, {});
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: p.id, status: 'captured', amount: 1000, tax: 100, total: 1100, amount_refunded: 0 });
    expect(res.body.captured_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect((await api.get(`/api/v1/payments/${p.id}`)).body).toEqual(res.body);
  });

  it('captures with an empty body and with form encoding', async () => {
    const api = await freshApi();
    const p = await api.create({ capture: false });
    const res = await h.request({ method: 'POST', url: `/api/v1/payments/${p.id}/capture`, key: api.key });
    expect(res.status, res.text).toBe(200);
    expect(res.body.status).toBe('captured');
    const q = await api.create({ capture: false });
    // The captured amount as API version 2025-01-28 shows it (earlier versions: test/http/api-version.test.ts).
    const form = await h.request({ method: 'POST', url: `/api/v1/payments/${q.id}/capture`, key: api.key, form: { amount: '400' }, headers: { 'X-KOMOJU-API-VERSION': '2025-01-28' } });
    expect(form.status, form.text).toBe(200);
    expect(form.body).toMatchObject({ status: 'captured', amount: 400 });
  });

  it('captures less than was authorized; tax follows the captured amount', async () => {
    const api = await freshApi();
    const p = await api.create({ capture: false });
    const v2025 = { 'X-KOMOJU-API-VERSION': '2025-01-28' };
    const res = await api.post(`/api/v1/payments/${p.id}/capture`, { amount: 500 }, v2025);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'captured', amount: 500, tax: 50, total: 550 });
    // The refundable total is the captured one.
    expectError(await api.post(`/api/v1/payments/${p.id}/refund`, { amount: 551 }), 422, 'invalid_parameter', 'amount');
    expect((await api.post(`/api/v1/payments/${p.id}/refund`, {}, v2025)).body).toMatchObject({ status: 'refunded', amount_refunded: 550 });
  });

  it('refuses to capture more than was authorized', async () => {
    const api = await freshApi();
    const p = await api.create({ capture: false });
    expectError(await api.post(`/api/v1/payments/${p.id}/capture`, { amount: 1001 }), 422, 'invalid_parameter', 'amount');
    expect((await api.get(`/api/v1/payments/${p.id}`)).body.status).toBe('authorized');
  });

  it('answers not_capturable for a captured payment and changes nothing', async () => {
    const api = await freshApi();
    const p = await api.create();
    expectError(await api.post(`/api/v1/payments/${p.id}/capture`, {}), 422, 'not_capturable');
    expect((await api.get(`/api/v1/payments/${p.id}`)).body).toEqual(p);
    expect(await api.eventTypes(p.id)).toEqual(['payment.captured']);
  });

  it('answers not_capturable for cancelled, refunded and failed payments', async () => {
    const api = await freshApi();
    const cancelled = await api.create({ capture: false });
    await api.post(`/api/v1/payments/${cancelled.id}/cancel`, {});
    const refunded = await api.create();
    await api.post(`/api/v1/payments/${refunded.id}/refund`, {});
    const failed = await api.post('/api/v1/payments', { amount: 1000, currency: 'JPY', payment_details: testCard({ number: '4123111111111059' }) });
    expectError(failed, 502, 'card_declined');
    const failedId = (await api.get('/api/v1/payments?status=failed')).body.data[0].id;
    for (const id of [cancelled.id, refunded.id, failedId]) {
      expectError(await api.post(`/api/v1/payments/${id}/capture`, {}), 422, 'not_capturable');
    }
  });
});

describe('refund', () => {
  it('refunds everything when no amount is given, with a complete refunds[] entry', async () => {
    const api = await freshApi();
    const p = await api.create();
    const res = await api.post(`/api/v1/payments/${p.id}/refund`, { description: 'customer changed their mind' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'refunded', amount_refunded: 1100, total: 1100 });
    expect(res.body.captured_at).toBe(p.captured_at);
    expect(res.body.refunds).toHaveLength(1);
    const refund = res.body.refunds[0];
    expect(Object.keys(refund).sort()).toEqual(['amount', 'chargeback', 'created_at', 'currency', 'description', 'id', 'payment', 'resource'].sort());
    expect(refund).toEqual({
      id: expect.stringMatching(/^[a-z0-9]{25}$/),
      resource: 'refund',
      amount: 1100,
      currency: 'JPY',
      payment: p.id,
      description: 'customer changed their mind',
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      chargeback: false,
    });
    expect((await api.get(`/api/v1/payments/${p.id}`)).body).toEqual(res.body);
  });

  it('refunds partially twice, then the rest, ending refunded', async () => {
    const api = await freshApi();
    const p = await api.create();
    const first = await api.post(`/api/v1/payments/${p.id}/refund`, { amount: 300 });
    expect(first.body).toMatchObject({ status: 'captured', amount_refunded: 300 });
    expect(first.body.refunds[0].description).toBeNull();
    const second = await api.post(`/api/v1/payments/${p.id}/refund`, { amount: 500, description: 'second' });
    expect(second.body).toMatchObject({ status: 'captured', amount_refunded: 800 });
    const rest = await api.post(`/api/v1/payments/${p.id}/refund`, {});
    expect(rest.body).toMatchObject({ status: 'refunded', amount_refunded: 1100 });
    expect(rest.body.refunds.map((r: { amount: number }) => r.amount)).toEqual([300, 500, 300]);
    expect(rest.body.refunds[1].description).toBe('second');
    expect(await api.eventTypes(p.id)).toEqual([
      'payment.captured',
      'payment.refund.created',
      'payment.refund.created',
      'payment.refund.created',
      'payment.refunded',
    ]);
  });

  it('ends refunded when partial refunds add up to the total exactly', async () => {
    const api = await freshApi();
    const p = await api.create();
    await api.post(`/api/v1/payments/${p.id}/refund`, { amount: 1000 });
    const last = await api.post(`/api/v1/payments/${p.id}/refund`, { amount: 100 });
    expect(last.body).toMatchObject({ status: 'refunded', amount_refunded: 1100 });
    expect((await api.eventTypes(p.id)).slice(-1)).toEqual(['payment.refunded']);
  });

  it('refuses more than remains (invalid_parameter amount) and changes nothing', async () => {
    const api = await freshApi();
    const p = await api.create();
    await api.post(`/api/v1/payments/${p.id}/refund`, { amount: 1000 });
    const before = (await api.get(`/api/v1/payments/${p.id}`)).body;
    expectError(await api.post(`/api/v1/payments/${p.id}/refund`, { amount: 101 }), 422, 'invalid_parameter', 'amount');
    expect((await api.get(`/api/v1/payments/${p.id}`)).body).toEqual(before);
  });

  it('refuses amounts below 1 and non-integers', async () => {
    const api = await freshApi();
    const p = await api.create();
    for (const amount of [0, -5, 10.5, 'abc']) {
      expectError(await api.post(`/api/v1/payments/${p.id}/refund`, { amount }), 422, 'invalid_parameter', 'amount');
    }
    expect((await api.get(`/api/v1/payments/${p.id}`)).body.amount_refunded).toBe(0);
  });

  it('answers not_refundable for an authorized payment', async () => {
    const api = await freshApi();
    const p = await api.create({ capture: false });
    expectError(await api.post(`/api/v1/payments/${p.id}/refund`, {}), 422, 'not_refundable');
    expectError(await api.post(`/api/v1/payments/${p.id}/refund`, { amount: 100 }), 422, 'not_refundable');
    expect((await api.get(`/api/v1/payments/${p.id}`)).body).toEqual(p);
  });

  it('answers not_refundable for a refunded payment', async () => {
    const api = await freshApi();
    const p = await api.create();
    await api.post(`/api/v1/payments/${p.id}/refund`, {});
    expectError(await api.post(`/api/v1/payments/${p.id}/refund`, {}), 422, 'not_refundable');
    expectError(await api.post(`/api/v1/payments/${p.id}/refund`, { amount: 1 }), 422, 'not_refundable');
  });

  it('answers not_refundable for cancelled and failed payments', async () => {
    const api = await freshApi();
    const p = await api.create({ capture: false });
    await api.post(`/api/v1/payments/${p.id}/cancel`, {});
    expectError(await api.post(`/api/v1/payments/${p.id}/refund`, {}), 422, 'not_refundable');
    await api.post('/api/v1/payments', { amount: 1000, currency: 'JPY', payment_details: testCard({ number: '4123111111111000' }) });
    const failed = (await api.get('/api/v1/payments?status=failed')).body.data[0];
    expectError(await api.post(`/api/v1/payments/${failed.id}/refund`, {}), 422, 'not_refundable');
  });
});

describe('cancel', () => {
  it('cancels an authorized payment', async () => {
    const api = await freshApi();
    const p = await api.create({ capture: false });
    const res = await api.post(`/api/v1/payments/${p.id}/cancel`, {});
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: p.id, status: 'cancelled', captured_at: null, amount_refunded: 0 });
    expect(await api.eventTypes(p.id)).toEqual(['payment.authorized', 'payment.cancelled']);
  });

  it('answers not_cancellable for captured, refunded, cancelled and failed payments', async () => {
    const api = await freshApi();
    const captured = await api.create();
    const refunded = await api.create();
    await api.post(`/api/v1/payments/${refunded.id}/refund`, {});
    const cancelled = await api.create({ capture: false });
    await api.post(`/api/v1/payments/${cancelled.id}/cancel`, {});
    await api.post('/api/v1/payments', { amount: 1000, currency: 'JPY', payment_details: testCard({ number: '4123111111111059' }) });
    const failed = (await api.get('/api/v1/payments?status=failed')).body.data[0];
    for (const id of [captured.id, refunded.id, cancelled.id, failed.id]) {
      const before = (await api.get(`/api/v1/payments/${id}`)).body;
      expectError(await api.post(`/api/v1/payments/${id}/cancel`, {}), 422, 'not_cancellable');
      expect((await api.get(`/api/v1/payments/${id}`)).body).toEqual(before);
    }
  });
});

describe('update (PATCH)', () => {
  it('updates metadata, description and external_order_num and records payment.updated', async () => {
    const api = await freshApi();
    const p = await api.create({ metadata: { a: '1' }, description: 'old', external_order_num: 'ORDER-1' });
    const res = await api.patch(`/api/v1/payments/${p.id}`, { metadata: { b: '2' }, description: 'new', external_order_num: 'ORDER-2' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ...p, metadata: { b: '2' }, description: 'new', external_order_num: 'ORDER-2' });
    expect((await api.get(`/api/v1/payments/${p.id}`)).body).toEqual(res.body);
    expect(await api.eventTypes(p.id)).toEqual(['payment.captured', 'payment.updated']);
    const event = (await api.get(`/api/v1/events?resource_id=${p.id}`)).body.data[0];
    expect(event.data).toEqual(res.body);
  });

  it('changes only the fields sent, and accepts form encoding', async () => {
    const api = await freshApi();
    const p = await api.create({ metadata: { a: '1' }, description: 'keep', external_order_num: 'ORDER-1' });
    const res = await h.request({ method: 'PATCH', url: `/api/v1/payments/${p.id}`, key: api.key, form: { metadata: { c: '3' } } });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ metadata: { c: '3' }, description: 'keep', external_order_num: 'ORDER-1', status: 'captured' });
  });

  it('updates payments in every status, leaving the status as it was', async () => {
    const api = await freshApi();
    const authorized = await api.create({ capture: false });
    const refunded = await api.create();
    await api.post(`/api/v1/payments/${refunded.id}/refund`, {});
    for (const [id, status] of [[authorized.id, 'authorized'], [refunded.id, 'refunded']]) {
      const res = await api.patch(`/api/v1/payments/${id}`, { description: 'note' });
      expect(res.body).toMatchObject({ status, description: 'note' });
    }
  });

  it('writes no event and no webhook when nothing changes, and answers the payment as it is', async () => {
    const api = await freshApi();
    const hook = await api.post('/api/v1/webhooks', { url: 'http://127.0.0.1:9/hooks' });
    expect(hook.status, hook.text).toBe(200);
    const p = await api.create({ metadata: { a: '1', b: '2' }, description: 'same', external_order_num: 'ORDER-1' });
    const deliveries = async () => (await api.get(`/api/v1/webhooks/${hook.body.id}/deliveries?per_page=100`)).body.total;
    const queued = await deliveries();
    const unchanged = [
      {},
      { description: 'same' },
      { external_order_num: 'ORDER-1', metadata: { b: '2', a: '1' } },
      { description: 'same', external_order_num: 'ORDER-1', metadata: { a: '1', b: '2' } },
    ];
    for (const body of unchanged) {
      const res = await api.patch(`/api/v1/payments/${p.id}`, body);
      expect(res.status, JSON.stringify(body)).toBe(200);
      expect(res.body).toEqual(p);
    }
    const empty = await h.request({ method: 'PATCH', url: `/api/v1/payments/${p.id}`, key: api.key });
    expect(empty.status, empty.text).toBe(200);
    expect(empty.body).toEqual(p);
    expect(await api.eventTypes(p.id)).toEqual(['payment.captured']);
    expect(await deliveries()).toBe(queued);

    // One field that differs is a change: one event, one delivery.
    expect((await api.patch(`/api/v1/payments/${p.id}`, { description: 'same', metadata: { a: '1' } })).body.metadata).toEqual({ a: '1' });
    expect(await api.eventTypes(p.id)).toEqual(['payment.captured', 'payment.updated']);
    expect(await deliveries()).toBe(queued + 1);
  });

  it('refuses invalid metadata (key over 30 characters, value over 2000)', async () => {
    const api = await freshApi();
    const p = await api.create();
    expectError(await api.patch(`/api/v1/payments/${p.id}`, { metadata: { ['k'.repeat(31)]: 'v' } }), 422, 'invalid_parameter');
    expectError(await api.patch(`/api/v1/payments/${p.id}`, { metadata: { k: 'v'.repeat(2001) } }), 422, 'invalid_parameter');
    expect((await api.get(`/api/v1/payments/${p.id}`)).body).toEqual(p);
  });
});

describe('events', () => {
  it('records payment.authorized, .captured, .refund.created, .refunded, .cancelled, .updated and .failed', async () => {
    const api = await freshApi();
    const a = await api.create({ capture: false });
    await api.post(`/api/v1/payments/${a.id}/capture`, {});
    await api.post(`/api/v1/payments/${a.id}/refund`, { amount: 100 });
    await api.post(`/api/v1/payments/${a.id}/refund`, {});
    await api.patch(`/api/v1/payments/${a.id}`, { description: 'done' });
    const b = await api.create({ capture: false });
    await api.post(`/api/v1/payments/${b.id}/cancel`, {});
    await api.post('/api/v1/payments', { amount: 1000, currency: 'JPY', payment_details: testCard({ number: '4123111111111018' }) });

    const list = (await api.get('/api/v1/events?per_page=100')).body;
    const oldestFirst = [...list.data].reverse();
    expect(oldestFirst.map((e: { type: string }) => e.type)).toEqual([
      'payment.authorized',
      'payment.captured',
      'payment.refund.created',
      'payment.refund.created',
      'payment.refunded',
      'payment.updated',
      'payment.authorized',
      'payment.cancelled',
      'payment.failed',
    ]);
    // Each event's data is the payment as it was right after that change.
    expect(oldestFirst.map((e: any) => e.data.status)).toEqual([
      'authorized', 'captured', 'captured', 'refunded', 'refunded', 'refunded', 'authorized', 'cancelled', 'failed',
    ]);
    expect(oldestFirst.map((e: any) => e.data.amount_refunded)).toEqual([0, 0, 100, 1100, 1100, 1100, 0, 0, 0]);
    expect(oldestFirst[8].data.payment_details.last_four_digits).toBe('1018');
  });

  it('lists newest first in the list envelope, and shows one event by id', async () => {
    const api = await freshApi();
    const p = await api.create({ capture: false });
    h.clock.advance(1000);
    await api.post(`/api/v1/payments/${p.id}/capture`, {});
    h.clock.advance(1000);
    await api.post(`/api/v1/payments/${p.id}/refund`, {});
    const list = (await api.get('/api/v1/events')).body;
    expect(list).toMatchObject({ resource: 'list', total: 4, page: 1, per_page: 10, last_page: 1 });
    expect(list.data.map((e: { type: string }) => e.type)).toEqual([
      'payment.refunded',
      'payment.refund.created',
      'payment.captured',
      'payment.authorized',
    ]);
    const times = list.data.map((e: { created_at: string }) => e.created_at);
    expect([...times].sort().reverse()).toEqual(times);
    for (const event of list.data) {
      expect(Object.keys(event).sort()).toEqual(['created_at', 'data', 'id', 'reason', 'resource', 'type']);
      expect(event).toMatchObject({ resource: 'event', reason: null, id: expect.stringMatching(/^[a-z0-9]{25}$/) });
      const shown = await api.get(`/api/v1/events/${event.id}`);
      expect(shown.status).toBe(200);
      expect(shown.text).toBe(JSON.stringify(event));
    }
  });

  it('answers 404 not_found for unknown payment and event ids', async () => {
    const api = await freshApi();
    const unknown = 'a'.repeat(25);
    expectError(await api.get(`/api/v1/payments/${unknown}`), 404, 'not_found');
    expectError(await api.get(`/api/v1/events/${unknown}`), 404, 'not_found');
    expectError(await api.post(`/api/v1/payments/${unknown}/capture`, {}), 404, 'not_found');
    expectError(await api.post(`/api/v1/payments/${unknown}/refund`, {}), 404, 'not_found');
    expectError(await api.post(`/api/v1/payments/${unknown}/cancel`, {}), 404, 'not_found');
    expectError(await api.patch(`/api/v1/payments/${unknown}`, { description: 'x' }), 404, 'not_found');
  });
});

describe('concurrent partial refunds', () => {
  async function httpRefund(key: string, id: string, amount: number): Promise<ApiResponse> {
    const res = await fetch(`${baseUrl}/api/v1/payments/${id}/refund`, {
      method: 'POST',
      headers: { authorization: basicAuth(key), 'content-type': 'application/json' },
      body: JSON.stringify({ amount }),
    });
    const text = await res.text();
    return { status: res.status, headers: Object.fromEntries(res.headers), body: JSON.parse(text), text };
  }

  async function expectThreeOfTenFit(api: PaymentApi, id: string, responses: ApiResponse[]) {
    const ok = responses.filter((r) => r.status === 200);
    const refused = responses.filter((r) => r.status !== 200);
    expect(ok).toHaveLength(3);
    expect(refused).toHaveLength(7);
    for (const r of refused) expectError(r, 422, 'invalid_parameter', 'amount');
    // Each success saw the refunds before it: 300, 600, 900 in some order.
    expect(ok.map((r) => r.body.amount_refunded).sort()).toEqual([300, 600, 900]);
    const final = (await api.get(`/api/v1/payments/${id}`)).body;
    expect(final).toMatchObject({ status: 'captured', amount_refunded: 900, total: 1100 });
    expect(final.refunds.map((r: { amount: number }) => r.amount)).toEqual([300, 300, 300]);
    expect((await api.eventTypes(id)).filter((t) => t === 'payment.refund.created')).toHaveLength(3);
  }

  it('lets exactly the refunds that fit succeed (inject)', async () => {
    const api = await freshApi();
    const p = await api.create();
    const responses = await Promise.all(Array.from({ length: 10 }, () => api.post(`/api/v1/payments/${p.id}/refund`, { amount: 300 })));
    await expectThreeOfTenFit(api, p.id, responses);
  });

  it('lets exactly the refunds that fit succeed (real HTTP, overlapping transactions)', async () => {
    const api = await freshApi();
    const p = await api.create();
    const responses = await Promise.all(Array.from({ length: 10 }, () => httpRefund(api.key, p.id, 300)));
    await expectThreeOfTenFit(api, p.id, responses);
  });

  it('marks the payment refunded exactly once when concurrent refunds reach the total', async () => {
    const api = await freshApi();
    const p = await api.create();
    const responses = await Promise.all(Array.from({ length: 11 }, () => httpRefund(api.key, p.id, 100)));
    expect(responses.map((r) => r.status)).toEqual(Array(11).fill(200));
    const final = (await api.get(`/api/v1/payments/${p.id}`)).body;
    expect(final).toMatchObject({ status: 'refunded', amount_refunded: 1100 });
    expect(final.refunds).toHaveLength(11);
    const types = await api.eventTypes(p.id);
    expect(types.filter((t) => t === 'payment.refunded')).toHaveLength(1);
    expect(types[types.length - 1]).toBe('payment.refunded');
  });
});
