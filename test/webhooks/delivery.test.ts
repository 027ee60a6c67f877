import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RETRY_SCHEDULE_MS } from '../../src/domain/webhook-retry';
import { startHarness, startTestWebhookWorker, testCard, type Harness, type TestMerchant } from '../helpers/harness';
import { paymentApi, expectError, type PaymentApi } from '../helpers/payment-api';
import { expectSigned, startReceiver, type Receiver } from '../helpers/receiver';

let h: Harness;
let worker: Awaited<ReturnType<typeof startTestWebhookWorker>>;
const receivers: Receiver[] = [];

beforeAll(async () => {
  h = await startHarness();
  worker = await startTestWebhookWorker(h);
});
afterEach(async () => {
  for (const receiver of receivers.splice(0)) await receiver.close();
  h.services.webhooks.timeoutMs = 10_000;
  h.services.webhooks.privateAddresses = 'auto';
});
afterAll(async () => {
  await worker.stop();
  await h.close();
  expect(worker.errors).toEqual([]);
});

interface Setup {
  m: TestMerchant;
  api: PaymentApi;
  receiver: Receiver;
  endpoint: { id: string; secret_token: string };
}

/** A merchant with one endpoint at a new receiver; `respond` is how the receiver answers from the first request (the ping) on. */
async function setup(body: Record<string, unknown> = {}, respond?: Receiver['respond']): Promise<Setup> {
  const m = await h.merchant();
  const api = paymentApi(h, m.secretKey);
  const receiver = await startReceiver();
  receivers.push(receiver);
  if (respond) receiver.respond = respond;
  const res = await api.post('/api/v1/webhooks', { url: receiver.url, ...body });
  expect(res.status, res.text).toBe(200);
  return { m, api, receiver, endpoint: res.body };
}

async function advance(api: PaymentApi, seconds: number) {
  const res = await api.post('/api/v1/test_helpers/clock/advance', { seconds });
  expect(res.status, res.text).toBe(200);
}

async function allEvents(api: PaymentApi): Promise<any[]> {
  const res = await api.get('/api/v1/events?per_page=100');
  return res.body.data;
}

async function deliveries(api: PaymentApi, endpointId: string): Promise<any[]> {
  const res = await api.get(`/api/v1/webhooks/${endpointId}/deliveries?per_page=100`);
  expect(res.status, res.text).toBe(200);
  return res.body.data;
}

const poll = { timeout: 10_000, interval: 50 };

describe('webhook delivery', () => {
  it('delivers every event type signed, with KOMOJU headers and the event exactly as GET /events/:id shows it', async () => {
    const { api, receiver, endpoint } = await setup();
    await expect.poll(() => receiver.received.length, poll).toBe(1);
    expect(receiver.received[0].body).toMatchObject({ type: 'ping', resource: 'event', data: { resource: 'webhook', id: endpoint.id } });

    await api.create(); // payment.captured
    const authorized = await api.create({ capture: false }); // payment.authorized
    await api.post(`/api/v1/payments/${authorized.id}/capture`); // payment.captured
    await api.post(`/api/v1/payments/${authorized.id}/refund`, { amount: 100 }); // payment.refund.created
    await api.post(`/api/v1/payments/${authorized.id}/refund`); // payment.refund.created + payment.refunded
    await api.patch(`/api/v1/payments/${authorized.id}`, { description: 'changed' }); // payment.updated
    const cancelled = await api.create({ capture: false });
    await api.post(`/api/v1/payments/${cancelled.id}/cancel`); // payment.cancelled
    await api.post('/api/v1/payments', { amount: 1000, currency: 'JPY', payment_details: testCard({ number: '4123111111111059' }) }); // payment.failed
    await api.create({ capture: false });
    await advance(api, 9 * 86400); // payment.expired

    const events = await allEvents(api);
    expect(new Set(events.map((e) => e.type))).toEqual(
      new Set(['ping', 'payment.captured', 'payment.authorized', 'payment.refund.created', 'payment.refunded', 'payment.updated', 'payment.cancelled', 'payment.failed', 'payment.expired']),
    );
    await expect.poll(() => receiver.received.length, poll).toBe(events.length);
    for (const event of events) {
      const [request] = receiver.received.filter((r) => r.body.id === event.id);
      expectSigned(request, endpoint.secret_token);
      expect(request.body).toEqual((await api.get(`/api/v1/events/${event.id}`)).body);
    }
    expect(new Set(receiver.received.map((r) => r.headers['x-komoju-id'])).size).toBe(events.length);
  });

  it('retries a receiver that answers 500, 500, 200: one success, same id and bytes every time', async () => {
    const { api, receiver, endpoint } = await setup({ events: ['payment.captured'] });
    let failures = 2;
    receiver.respond = (request, response) => {
      if (request.body.type === 'payment.captured' && failures-- > 0) response.writeHead(500).end('try later');
      else response.end('ok');
    };
    const payment = await api.create();
    await expect.poll(() => receiver.forResource(payment.id).length, poll).toBe(1);
    // The first retry is due 1 minute (±10 %) after the first attempt, the second 4 minutes after that.
    await advance(api, 67);
    await expect.poll(() => receiver.forResource(payment.id).length, poll).toBe(2);
    // The next attempt is shown on the merchant's (moved) clock: 4 minutes ± 10 % from now.
    await expect.poll(async () => (await deliveries(api, endpoint.id))[0].attempts.length, poll).toBe(2);
    const merchantNow = Date.parse((await api.get('/api/v1/test_helpers/clock')).body.now);
    const due = Date.parse((await deliveries(api, endpoint.id))[0].next_attempt_at);
    expect(due - merchantNow).toBeGreaterThan(0.9 * 240_000 - 2000);
    expect(due - merchantNow).toBeLessThan(1.1 * 240_000 + 1000);
    await advance(api, 265);
    await expect.poll(() => receiver.forResource(payment.id).length, poll).toBe(3);

    const attempts = receiver.forResource(payment.id);
    expect(new Set(attempts.map((r) => r.raw)).size).toBe(1);
    expect(new Set(attempts.map((r) => r.headers['x-komoju-id'])).size).toBe(1);
    for (const attempt of attempts) expectSigned(attempt, endpoint.secret_token);

    await expect.poll(async () => (await deliveries(api, endpoint.id))[0].status, poll).toBe('succeeded');
    const [delivery] = await deliveries(api, endpoint.id);
    expect(delivery).toMatchObject({ resource: 'webhook_delivery', webhook: endpoint.id, event_type: 'payment.captured', next_attempt_at: null });
    expect(delivery.id).toBe(attempts[0].headers['x-komoju-id']);
    expect(delivery.attempts.map((a: any) => a.status_code)).toEqual([500, 500, 200]);
    expect(delivery.attempts[0]).toMatchObject({ error: null, response_excerpt: 'try later' });
    expect(delivery.attempts[0].latency_ms).toBeGreaterThanOrEqual(0);

    // Nothing more once delivered, however far the clock moves.
    await advance(api, 4 * 86400);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(receiver.forResource(payment.id)).toHaveLength(3);
  });

  it('counts a clock advance made while an attempt is in flight: the retry it passed is due at once', async () => {
    const { api, receiver, endpoint } = await setup({ events: ['payment.captured'] });
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let held = 0;
    receiver.respond = async (request, response) => {
      if (request.body.type === 'payment.captured' && held++ === 0) {
        await released;
        response.writeHead(500).end('try later');
      } else response.end('ok');
    };
    const payment = await api.create();
    await expect.poll(() => receiver.forResource(payment.id).length, poll).toBe(1);
    // While the first attempt waits for its answer, the merchant's clock moves an hour: the
    // retry a minute after that attempt is then long past on the merchant's clock.
    await advance(api, 3600);
    release();
    await expect.poll(() => receiver.forResource(payment.id).length, poll).toBe(2);
    await expect.poll(async () => (await deliveries(api, endpoint.id))[0].status, poll).toBe('succeeded');
    const [delivery] = await deliveries(api, endpoint.id);
    expect(delivery.attempts.map((a: any) => a.status_code)).toEqual([500, 200]);
  });

  it('schedules the retry from the attempt on the merchant clock as it is when recorded', async () => {
    const { api, receiver, endpoint } = await setup({ events: ['payment.captured'] });
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    receiver.respond = async (request, response) => {
      if (request.body.type !== 'payment.captured') return void response.end('ok');
      await released;
      response.writeHead(500).end('try later');
    };
    const payment = await api.create();
    await expect.poll(() => receiver.forResource(payment.id).length, poll).toBe(1);
    await advance(api, 30);
    release();
    await expect.poll(async () => (await deliveries(api, endpoint.id))[0].attempts.length, poll).toBe(1);
    const [delivery] = await deliveries(api, endpoint.id);
    // A minute (±10 %) after the attempt on the merchant's clock, so about 30 s after its now,
    // not a minute after the advanced now.
    const due = Date.parse(delivery.next_attempt_at) - Date.parse(delivery.attempts[0].attempted_at);
    expect(due).toBeGreaterThanOrEqual(0.9 * 60_000 - 1000);
    expect(due).toBeLessThanOrEqual(1.1 * 60_000 + 1000);
    const merchantNow = Date.parse((await api.get('/api/v1/test_helpers/clock')).body.now);
    expect(Date.parse(delivery.next_attempt_at) - merchantNow).toBeLessThan(40_000);
  });

  it('gives up after the tenth attempt, about three days later: failed', async () => {
    const { api, receiver, endpoint } = await setup({ events: ['payment.captured'] });
    receiver.respond = (_request, response) => void response.writeHead(503).end();
    const payment = await api.create();
    for (let attempt = 1; attempt <= RETRY_SCHEDULE_MS.length; attempt++) {
      await expect.poll(() => receiver.forResource(payment.id).length, poll).toBe(attempt);
      // Wait for the worker to record the attempt (and schedule the next) before moving the clock,
      // or the next due time is computed from the already-advanced clock.
      const recorded = async () => (await deliveries(api, endpoint.id)).find((d) => d.event_type === 'payment.captured').attempts.length;
      await expect.poll(recorded, poll).toBe(attempt);
      if (attempt < RETRY_SCHEDULE_MS.length) {
        const gapSeconds = (RETRY_SCHEDULE_MS[attempt] - RETRY_SCHEDULE_MS[attempt - 1]) / 1000;
        await advance(api, Math.ceil(gapSeconds * 1.1) + 1);
      }
    }
    await expect.poll(async () => (await deliveries(api, endpoint.id)).find((d) => d.event_type === 'payment.captured').status, poll).toBe('failed');
    const failed = (await deliveries(api, endpoint.id)).find((d) => d.event_type === 'payment.captured');
    expect(failed.attempts).toHaveLength(10);
    expect(failed.next_attempt_at).toBeNull();
    await advance(api, 7 * 86400);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(receiver.forResource(payment.id)).toHaveLength(10);
  });

  it('delivers only the subscribed types, and nothing to an inactive endpoint', async () => {
    const { api, receiver: refundsOnly } = await setup({ events: ['payment.refunded'] });
    const everything = await startReceiver();
    receivers.push(everything);
    await api.post('/api/v1/webhooks', { url: everything.url });
    const paused = await startReceiver();
    receivers.push(paused);
    const pausedEndpoint = (await api.post('/api/v1/webhooks', { url: paused.url })).body;
    await expect.poll(() => paused.received.length, poll).toBe(1); // its ping
    expect((await api.patch(`/api/v1/webhooks/${pausedEndpoint.id}`, { active: false })).body.active).toBe(false);

    const payment = await api.create();
    await api.post(`/api/v1/payments/${payment.id}/refund`);
    // Deliveries run concurrently, so they may arrive in any order (receivers must cope, spec §7.2).
    await expect.poll(() => everything.forResource(payment.id).map((r) => r.body.type).sort(), poll).toEqual(
      ['payment.captured', 'payment.refund.created', 'payment.refunded'],
    );
    await expect.poll(() => refundsOnly.forResource(payment.id).map((r) => r.body.type), poll).toEqual(['payment.refunded']);
    expect(refundsOnly.received.map((r) => r.body.type)).toEqual(['ping', 'payment.refunded']);
    expect(paused.received.map((r) => r.body.type)).toEqual(['ping']);
  });

  it('redelivers an event on request with the same id and bytes; deliveries list every attempt', async () => {
    const { api, receiver, endpoint } = await setup();
    const payment = await api.create();
    await expect.poll(() => receiver.forResource(payment.id).length, poll).toBe(1);
    const [event] = (await api.get(`/api/v1/events?resource_id=${payment.id}`)).body.data;

    const res = await api.post(`/api/v1/events/${event.id}/redeliver`);
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ resource: 'list', total: 1 });
    expect(res.body.data[0]).toMatchObject({ event: event.id, webhook: endpoint.id, status: 'pending' });
    await expect.poll(() => receiver.forResource(payment.id).length, poll).toBe(2);
    const [first, second] = receiver.forResource(payment.id);
    expect(second.raw).toBe(first.raw);
    expect(second.headers['x-komoju-id']).toBe(first.headers['x-komoju-id']);

    // An endpoint added later receives it too when named.
    const late = await startReceiver();
    receivers.push(late);
    const lateEndpoint = (await api.post('/api/v1/webhooks', { url: late.url })).body;
    expect((await api.post(`/api/v1/events/${event.id}/redeliver`, { webhook: lateEndpoint.id })).status).toBe(200);
    await expect.poll(() => late.forResource(payment.id).length, poll).toBe(1);
    expect(late.forResource(payment.id)[0].raw).toBe(first.raw);
    expect(receiver.forResource(payment.id)).toHaveLength(2);

    await expect.poll(async () => (await deliveries(api, endpoint.id)).find((d) => d.event === event.id).attempts.length, poll).toBe(2);
    const listed = await deliveries(api, endpoint.id);
    expect(listed.map((d) => d.event_type)).toEqual(['payment.captured', 'ping']);
    expect(listed[0]).toMatchObject({ status: 'succeeded', event: event.id });
    expect(Object.keys(listed[0].attempts[0])).toEqual(['attempted_at', 'status_code', 'latency_ms', 'error', 'response_excerpt', 'simulated']);

    expectError(await api.post('/api/v1/events/nosuchevent/redeliver'), 404, 'not_found', 'id');
    expectError(await api.post(`/api/v1/events/${event.id}/redeliver`, { webhook: 'nosuchendpoint' }), 404, 'not_found', 'webhook');
  });

  it('refuses to redeliver an event no endpoint receives', async () => {
    const m = await h.merchant();
    const api = paymentApi(h, m.secretKey);
    const payment = await api.create();
    const [event] = (await api.get(`/api/v1/events?resource_id=${payment.id}`)).body.data;
    expectError(await api.post(`/api/v1/events/${event.id}/redeliver`), 422, 'unprocessable_entity', 'id');
  });
});

describe('outbound safety', () => {
  it('does not follow redirects: a 302 is a failed attempt', async () => {
    const { api, receiver, endpoint } = await setup();
    receiver.respond = (_request, response) => void response.writeHead(302, { location: `${receiver.url}/elsewhere` }).end();
    await expect.poll(async () => (await deliveries(api, endpoint.id))[0]?.attempts.length, poll).toBe(1);
    const [ping] = await deliveries(api, endpoint.id);
    expect(ping.status).toBe('pending');
    expect(ping.attempts[0].status_code).toBe(302);
    expect(receiver.received.map((r) => r.path)).toEqual(['/hooks']);
  });

  it('reads at most 64 KiB of a response and keeps an excerpt', async () => {
    const { api, receiver, endpoint } = await setup();
    receiver.respond = (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.end('x'.repeat(1024 * 1024));
    };
    await expect.poll(async () => (await deliveries(api, endpoint.id))[0]?.status, poll).toBe('succeeded');
    const [attempt] = (await deliveries(api, endpoint.id))[0].attempts;
    expect(attempt.error).toContain('65536 bytes');
    expect(attempt.response_excerpt).toBe('x'.repeat(1000));
  });

  it('times out a receiver that does not answer, and retries it', async () => {
    h.services.webhooks.timeoutMs = 300;
    // Set before the endpoint exists: its ping could otherwise be answered before the swap.
    const { api, endpoint } = await setup({}, () => new Promise(() => {}));
    await expect.poll(async () => (await deliveries(api, endpoint.id))[0]?.attempts.length, poll).toBe(1);
    const [ping] = await deliveries(api, endpoint.id);
    expect(ping).toMatchObject({ status: 'pending' });
    expect(ping.attempts[0]).toMatchObject({ status_code: null, error: 'timed out after 300 ms' });
    expect(ping.attempts[0].latency_ms).toBeGreaterThanOrEqual(290);
  });

  it('sends at most 4 requests at once to one endpoint', async () => {
    const { api, receiver } = await setup({ events: ['payment.captured'] });
    await expect.poll(() => receiver.received.length, poll).toBe(1);
    let open = 0;
    let most = 0;
    const held: (() => void)[] = [];
    receiver.respond = (_request, response) => {
      open++;
      most = Math.max(most, open);
      held.push(() => {
        open--;
        response.end('ok');
      });
    };
    for (let i = 0; i < 10; i++) await api.create();
    await expect.poll(() => held.length, poll).toBe(4);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(held).toHaveLength(4);
    while (receiver.received.length < 11 || held.length) {
      held.shift()?.();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(most).toBe(4);
    expect(receiver.received).toHaveLength(11);
  });

  it('refuses private and loopback receivers for live merchants (and when configured), before connecting', async () => {
    const live = await h.merchant({ mode: 'live' });
    for (const url of ['http://127.0.0.1:9/hooks', 'http://localhost/hooks', 'http://[::1]/hooks', 'http://10.0.0.8/hooks', 'http://169.254.169.254/latest']) {
      expectError(await h.request({ method: 'POST', url: '/api/v1/webhooks', key: live.secretKey, json: { url } }), 422, 'invalid_parameter', 'url');
    }
    // A test merchant's localhost receiver is the point of test mode…
    const { api, receiver, endpoint } = await setup({ events: ['payment.captured'] });
    await expect.poll(() => receiver.received.length, poll).toBe(1);
    // …unless the operator refuses private addresses everywhere: the attempt fails without a request.
    h.services.webhooks.privateAddresses = 'refuse';
    await api.create();
    await expect.poll(async () => (await deliveries(api, endpoint.id))[0]?.attempts.length, poll).toBe(1);
    expect((await deliveries(api, endpoint.id))[0].attempts[0].error).toMatch(/^refused: 127\.0\.0\.1/);
    expect(receiver.received).toHaveLength(1);
  });
});
