import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/harness';
import { expectError, paymentApi } from '../helpers/payment-api';

// No delivery worker runs in this file: deliveries stay queued, as the outbox wrote them.
let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

async function merchantApi() {
  const m = await h.merchant();
  return { m, api: paymentApi(h, m.secretKey) };
}

const RECEIVER = 'http://127.0.0.1:4000/hooks';

describe('POST /api/v1/webhooks', () => {
  it('creates an endpoint with a generated secret, every event type, active', async () => {
    const { api } = await merchantApi();
    const res = await api.post('/api/v1/webhooks', { url: RECEIVER });
    expect(res.status, res.text).toBe(200);
    expect(Object.keys(res.body)).toEqual(['id', 'resource', 'url', 'events', 'secret_token', 'active', 'simulate', 'created_at']);
    expect(res.body).toMatchObject({ resource: 'webhook', url: RECEIVER, events: [], active: true });
    expect(res.body.id).toMatch(/^[a-z0-9]{25}$/);
    expect(res.body.secret_token).toMatch(/^[a-z0-9]{32}$/);
    expect(res.body.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it('takes secret_token, events and active, as JSON or bracket-notation form', async () => {
    const { m, api } = await merchantApi();
    const json = await api.post('/api/v1/webhooks', { url: RECEIVER, secret_token: 'whsec', events: ['payment.captured', 'payment.refunded'], active: false });
    expect(json.body).toMatchObject({ secret_token: 'whsec', events: ['payment.captured', 'payment.refunded'], active: false });
    const form = await h.request({
      method: 'POST',
      url: '/api/v1/webhooks',
      key: m.secretKey,
      form: [['url', RECEIVER], ['events[]', 'payment.expired'], ['events[]', 'payment.failed']],
    });
    expect(form.status, form.text).toBe(200);
    expect(form.body.events).toEqual(['payment.expired', 'payment.failed']);
  });

  it('refuses a missing or non-http url and unknown event types', async () => {
    const { api } = await merchantApi();
    expectError(await api.post('/api/v1/webhooks', {}), 422, 'missing_parameter', 'url');
    expectError(await api.post('/api/v1/webhooks', { url: 'not a url' }), 422, 'invalid_parameter', 'url');
    expectError(await api.post('/api/v1/webhooks', { url: 'ftp://example.com/hooks' }), 422, 'invalid_parameter', 'url');
    const typo = await api.post('/api/v1/webhooks', { url: RECEIVER, events: ['payment.captured', 'payment.capturd'] });
    expectError(typo, 422, 'invalid_parameter', 'events.1');
    expect(typo.body.error.message).toContain('payment.capturd is not an event type');
    expect((await api.get('/api/v1/webhooks')).body.total).toBe(0);
  });

  it('replays the response for a repeated idempotency key instead of creating twice', async () => {
    const { api } = await merchantApi();
    const headers = { 'X-KOMOJU-IDEMPOTENCY': 'webhook-once' };
    const first = await api.post('/api/v1/webhooks', { url: RECEIVER }, headers);
    const second = await api.post('/api/v1/webhooks', { url: RECEIVER }, headers);
    expect(second.text).toBe(first.text);
    expect((await api.get('/api/v1/webhooks')).body.total).toBe(1);
  });

  it('queues a ping for the new endpoint only, recorded as an event', async () => {
    const { api } = await merchantApi();
    const older = (await api.post('/api/v1/webhooks', { url: RECEIVER })).body;
    const newer = (await api.post('/api/v1/webhooks', { url: `${RECEIVER}/2` })).body;
    const pings = (await api.get('/api/v1/events?type=ping')).body.data;
    expect(pings.map((e: any) => e.data)).toEqual([
      { resource: 'webhook', id: newer.id, url: `${RECEIVER}/2` },
      { resource: 'webhook', id: older.id, url: RECEIVER },
    ]);
    const queued = (await api.get(`/api/v1/webhooks/${newer.id}/deliveries`)).body.data;
    expect(queued).toHaveLength(1);
    expect(queued[0]).toMatchObject({ event: pings[0].id, event_type: 'ping', status: 'pending', attempts: [], delivered_at: null });
    expect((await api.get(`/api/v1/webhooks/${older.id}/deliveries`)).body.data.map((d: any) => d.event)).toEqual([pings[1].id]);
  });
});

describe('the outbox', () => {
  it('queues one delivery per active endpoint whose filter matches, in the statement that writes the event', async () => {
    const { api } = await merchantApi();
    const all = (await api.post('/api/v1/webhooks', { url: RECEIVER })).body;
    const refunds = (await api.post('/api/v1/webhooks', { url: RECEIVER, events: ['payment.refunded'] })).body;
    const inactive = (await api.post('/api/v1/webhooks', { url: RECEIVER, active: false })).body;
    const payment = await api.create();
    await api.post(`/api/v1/payments/${payment.id}/refund`);
    const types = async (id: string) => (await api.get(`/api/v1/webhooks/${id}/deliveries`)).body.data.map((d: any) => d.event_type);
    expect(await types(all.id)).toEqual(['payment.refunded', 'payment.refund.created', 'payment.captured', 'ping']);
    expect(await types(refunds.id)).toEqual(['payment.refunded', 'ping']);
    expect(await types(inactive.id)).toEqual([]);
  });

  it('queues nothing for a change that was refused', async () => {
    const { api } = await merchantApi();
    const endpoint = (await api.post('/api/v1/webhooks', { url: RECEIVER })).body;
    const payment = await api.create();
    expectError(await api.post(`/api/v1/payments/${payment.id}/refund`, { amount: 999_999 }), 422, 'invalid_parameter');
    expect((await api.get(`/api/v1/webhooks/${endpoint.id}/deliveries`)).body.total).toBe(2); // ping, payment.captured
  });
});

describe('GET, PATCH and DELETE /api/v1/webhooks/:id', () => {
  it('lists oldest first, shows, changes and deletes an endpoint', async () => {
    const { m, api } = await merchantApi();
    const first = (await api.post('/api/v1/webhooks', { url: RECEIVER })).body;
    const second = (await api.post('/api/v1/webhooks', { url: `${RECEIVER}/2` })).body;
    const list = (await api.get('/api/v1/webhooks')).body;
    expect(list).toMatchObject({ resource: 'list', total: 2, page: 1, per_page: 10, last_page: 1 });
    expect(list.data.map((e: any) => e.id)).toEqual([first.id, second.id]);
    expect((await api.get(`/api/v1/webhooks/${first.id}`)).body).toEqual(first);

    const changed = await api.patch(`/api/v1/webhooks/${first.id}`, {
      url: `${RECEIVER}/moved`,
      secret_token: 'rotated',
      events: ['payment.captured'],
      active: false,
    });
    expect(changed.status, changed.text).toBe(200);
    expect(changed.body).toEqual({ ...first, url: `${RECEIVER}/moved`, secret_token: 'rotated', events: ['payment.captured'], active: false });
    expect((await api.patch(`/api/v1/webhooks/${first.id}`, { events: [] })).body.events).toEqual([]);
    expectError(await api.patch(`/api/v1/webhooks/${first.id}`, { events: ['nope'] }), 422, 'invalid_parameter', 'events.0');

    const removed = await h.request({ method: 'DELETE', url: `/api/v1/webhooks/${second.id}`, key: m.secretKey });
    expect(removed.body).toEqual({ ...second, deleted: true });
    expectError(await api.get(`/api/v1/webhooks/${second.id}`), 404, 'not_found', 'id');
    expectError(await api.get(`/api/v1/webhooks/${second.id}/deliveries`), 404, 'not_found', 'id');
    expect((await api.get('/api/v1/webhooks')).body.total).toBe(1);
  });
});

describe('webhook endpoints: security', () => {
  it('need the secret key', async () => {
    const { m } = await merchantApi();
    for (const [method, url] of [
      ['POST', '/api/v1/webhooks'],
      ['GET', '/api/v1/webhooks'],
      ['GET', '/api/v1/webhooks/x'],
      ['PATCH', '/api/v1/webhooks/x'],
      ['DELETE', '/api/v1/webhooks/x'],
      ['GET', '/api/v1/webhooks/x/deliveries'],
      ['POST', '/api/v1/events/x/redeliver'],
      ['GET', '/api/v1/events/stream'],
    ] as const) {
      expectError(await h.request({ method, url, key: m.publishableKey, json: method === 'GET' || method === 'DELETE' ? undefined : {} }), 403, 'forbidden');
      expectError(await h.request({ method, url }), 401, 'unauthorized');
    }
  });

  it("answer 404 for another merchant's endpoints and events", async () => {
    const owner = await merchantApi();
    const other = await merchantApi();
    const endpoint = (await owner.api.post('/api/v1/webhooks', { url: RECEIVER })).body;
    const [ping] = (await owner.api.get('/api/v1/events?type=ping')).body.data;
    expectError(await other.api.get(`/api/v1/webhooks/${endpoint.id}`), 404, 'not_found');
    expectError(await other.api.patch(`/api/v1/webhooks/${endpoint.id}`, { active: false }), 404, 'not_found');
    expectError(await h.request({ method: 'DELETE', url: `/api/v1/webhooks/${endpoint.id}`, key: other.m.secretKey }), 404, 'not_found');
    expectError(await other.api.get(`/api/v1/webhooks/${endpoint.id}/deliveries`), 404, 'not_found');
    expectError(await other.api.post(`/api/v1/events/${ping.id}/redeliver`), 404, 'not_found');
    expect((await other.api.get('/api/v1/webhooks')).body.total).toBe(0);
    expect((await owner.api.get(`/api/v1/webhooks/${endpoint.id}`)).body.active).toBe(true);
  });
});
