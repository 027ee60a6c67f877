import { createHmac } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { shuffleHeld } from '../../src/domain/webhook-simulation';
import { startHarness, startTestWebhookWorker, type Harness } from '../helpers/harness';
import { expectError, paymentApi, type PaymentApi } from '../helpers/payment-api';
import { expectSigned, startReceiver, type Receiver } from '../helpers/receiver';

/**
 * Simulated receiver faults (`simulate` on a webhook endpoint, docs/webhooks.md), each observed at
 * a real receiving HTTP server, and marked in the delivery log.
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
  h.services.webhooks.timeoutMs = 10_000;
});
afterAll(async () => {
  await worker.stop();
  await h.close();
  expect(worker.errors).toEqual([]);
});

const poll = { timeout: 15_000, interval: 50 };

/** A test merchant with an endpoint at a new receiver whose ping has arrived, then `simulate` set by PATCH. */
async function setup(simulate: Record<string, unknown>) {
  const m = await h.merchant();
  const api = paymentApi(h, m.secretKey);
  const receiver = await startReceiver();
  receivers.push(receiver);
  const created = await api.post('/api/v1/webhooks', { url: receiver.url, events: ['payment.captured'] });
  expect(created.status, created.text).toBe(200);
  await expect.poll(() => receiver.received.length, poll).toBe(1);
  const patched = await api.patch(`/api/v1/webhooks/${created.body.id}`, { simulate });
  expect(patched.status, patched.text).toBe(200);
  receiver.received.splice(0);
  return { api, key: m.secretKey, receiver, endpoint: patched.body as { id: string; secret_token: string; simulate: Record<string, unknown> } };
}

async function deliveries(api: PaymentApi, endpointId: string): Promise<any[]> {
  const res = await api.get(`/api/v1/webhooks/${endpointId}/deliveries?per_page=100`);
  expect(res.status, res.text).toBe(200);
  return res.body.data;
}

/** The newest delivery once `attempts` attempts are recorded (a receiver hears a request before its attempt is recorded). */
async function recorded(api: PaymentApi, endpointId: string, attempts = 1): Promise<any> {
  await expect.poll(async () => (await deliveries(api, endpointId))[0]?.attempts.length, poll).toBe(attempts);
  return (await deliveries(api, endpointId))[0];
}

describe('simulate on a webhook endpoint', () => {
  it('is shown in full on the resource, replaced by PATCH, and off with {}', async () => {
    const { api, endpoint } = await setup({ duplicate: true, delay_seconds: 5 });
    expect(endpoint.simulate).toEqual({ duplicate: true, out_of_order: null, delay_seconds: 5, bad_signature: false, wrong_content_type: false });
    const replaced = await api.patch(`/api/v1/webhooks/${endpoint.id}`, { simulate: { out_of_order: { window_seconds: 3 } } });
    expect(replaced.body.simulate).toEqual({ duplicate: false, out_of_order: { window_seconds: 3 }, delay_seconds: 0, bad_signature: false, wrong_content_type: false });
    const shown = await api.get(`/api/v1/webhooks/${endpoint.id}`);
    expect(shown.body.simulate).toEqual(replaced.body.simulate);
    const off = await api.patch(`/api/v1/webhooks/${endpoint.id}`, { simulate: {} });
    expect(off.body.simulate).toMatchObject({ duplicate: false, out_of_order: null, delay_seconds: 0 });
    // Created with it, as a form too.
    const receiver = await startReceiver();
    receivers.push(receiver);
    const form = await h.request({
      method: 'POST',
      url: '/api/v1/webhooks',
      key: (await h.merchant()).secretKey,
      form: { url: receiver.url, simulate: { bad_signature: 'true', delay_seconds: '2' } },
    });
    expect(form.status, form.text).toBe(200);
    expect(form.body.simulate).toMatchObject({ bad_signature: true, delay_seconds: 2 });
  });

  it('refuses bad input with the envelope naming the parameter, and live merchants with 403', async () => {
    const { api, endpoint } = await setup({});
    const url = `/api/v1/webhooks/${endpoint.id}`;
    expectError(await api.patch(url, { simulate: { delay_seconds: 3601 } }), 422, 'invalid_parameter', 'simulate.delay_seconds');
    expectError(await api.patch(url, { simulate: { out_of_order: { window_seconds: 0 } } }), 422, 'invalid_parameter', 'simulate.out_of_order.window_seconds');
    expectError(await api.patch(url, { simulate: { duplicate: 'twice' } }), 422, 'invalid_parameter', 'simulate.duplicate');
    expectError(await api.patch(url, { simulate: { dupliate: true } }), 422, 'invalid_parameter', 'simulate.dupliate');
    expectError(await api.patch(url, { simulate: 'yes' }), 422, 'invalid_parameter', 'simulate');

    const live = paymentApi(h, (await h.merchant({ mode: 'live' })).secretKey);
    expectError(await live.post('/api/v1/webhooks', { url: 'https://shop.example/hooks', simulate: { duplicate: true } }), 403, 'forbidden', 'simulate');
    const plain = await live.post('/api/v1/webhooks', { url: 'https://shop.example/hooks' });
    expect(plain.body.simulate.duplicate).toBe(false);
    expectError(await live.patch(`/api/v1/webhooks/${plain.body.id}`, { simulate: {} }), 403, 'forbidden', 'simulate');
  });

  it('duplicate: every event arrives twice, same event id and X-Komoju-ID, both signed; the log marks the second', async () => {
    const { api, receiver, endpoint } = await setup({ duplicate: true });
    const payment = await api.create();
    await expect.poll(() => receiver.received.length, poll).toBe(2);
    const [first, second] = receiver.received;
    expect(first.body.data.id).toBe(payment.id);
    expect(second.body.id).toBe(first.body.id);
    expect(second.headers['x-komoju-id']).toBe(first.headers['x-komoju-id']);
    expect(second.raw).toBe(first.raw);
    expectSigned(second, endpoint.secret_token);
    const delivery = await recorded(api, endpoint.id, 2);
    expect(delivery.status).toBe('succeeded');
    expect(delivery.attempts.map((a: { simulated: string[] }) => a.simulated)).toEqual([[], ['duplicate']]);
  });

  it('duplicate: a second request for a delivery deleted meanwhile (its endpoint deleted) is not recorded, and is no error', async () => {
    const { key, receiver, endpoint } = await setup({ duplicate: true });
    let answerFirst = () => {};
    receiver.respond = (_request, response) => {
      if (receiver.received.length > 1) return void response.end('ok');
      answerFirst = () => response.end('ok');
    };
    await paymentApi(h, key).create();
    await expect.poll(() => receiver.received.length, poll).toBe(1);
    const deleted = await h.request({ method: 'DELETE', url: `/api/v1/webhooks/${endpoint.id}`, key });
    expect(deleted.status, deleted.text).toBe(200);
    answerFirst();
    await expect.poll(() => receiver.received.length, poll).toBe(2);
    // Stopping the worker waits for the duplicate's record; before, its foreign key failed there.
    await worker.stop();
    expect(worker.errors).toEqual([]);
    worker = await startTestWebhookWorker(h);
  });

  it('delay_seconds: the delivery arrives no sooner than that after the event', async () => {
    const { api, receiver, endpoint } = await setup({ delay_seconds: 2 });
    const before = Date.now();
    await api.create();
    await expect.poll(() => receiver.received.length, poll).toBe(1);
    const arrived = Date.now();
    expect(arrived - before).toBeGreaterThanOrEqual(2000);
    const delivery = await recorded(api, endpoint.id);
    expect(delivery.simulated).toEqual(['delay']);
    expect(new Date(delivery.attempts[0].attempted_at).getTime() - new Date(delivery.created_at).getTime()).toBeGreaterThanOrEqual(2000);
  });

  it('out_of_order: deliveries of a window are held, then arrive together in an order that is not the order of their events', async () => {
    const { api, receiver, endpoint } = await setup({ out_of_order: { window_seconds: 2 } });
    const before = Date.now();
    const created: string[] = [];
    for (let i = 0; i < 4; i++) created.push((await api.create({ amount: 1000 + i })).id);
    await expect.poll(() => receiver.received.length, poll).toBe(4);
    expect(Date.now() - before).toBeGreaterThanOrEqual(2000);
    await expect.poll(async () => (await deliveries(api, endpoint.id)).filter((d) => d.attempts.length === 1).length, poll).toBe(5);
    const arrived = receiver.received.map((r) => r.body.data.id);
    expect([...arrived].sort()).toEqual([...created].sort());
    expect(arrived).not.toEqual(created);
    // The order is the shuffle of their delivery ids: the same ids always arrive the same way.
    const log = (await deliveries(api, endpoint.id)).filter((d) => d.event_type !== 'ping');
    expect(log).toHaveLength(4);
    const inEventOrder = created.map((id) => log.find((d) => receiver.received.find((r) => r.body.data.id === id)!.headers['x-komoju-id'] === d.id));
    const expected = shuffleHeld(inEventOrder, (d) => d.id).map((d) => receiver.received.find((r) => r.headers['x-komoju-id'] === d.id)!.body.data.id);
    expect(arrived).toEqual(expected);
    expect(log.every((d) => d.simulated.includes('out_of_order'))).toBe(true);
  });

  it('out_of_order with a receiver that hangs: a turn outlasting its claims sends no delivery twice, with two workers', async () => {
    const { api, receiver, endpoint } = await setup({ out_of_order: { window_seconds: 2 } });
    // Each request times out after 200 ms and a claim lasts 400 ms: the turn of 4 takes 800 ms
    // or more, so the claims of its last ones run out while they wait, and the polls (100 ms)
    // of both workers would claim them again.
    h.services.webhooks.timeoutMs = 200;
    receiver.respond = () => new Promise(() => {});
    const other = await startTestWebhookWorker(h);
    for (let i = 0; i < 4; i++) await api.create({ amount: 1000 + i });
    const held = async () => (await deliveries(api, endpoint.id)).filter((d) => d.event_type !== 'ping');
    await expect.poll(async () => (await held()).filter((d) => d.attempts.length > 0).length, poll).toBe(4);
    // Stopping a worker waits for its turns to end: every request either would make is made.
    await Promise.all([worker.stop(), other.stop()]);
    expect(other.errors).toEqual([]);
    expect(worker.errors).toEqual([]);
    worker = await startTestWebhookWorker(h);
    const ids = receiver.received.map((r) => r.headers['x-komoju-id']);
    expect(ids).toHaveLength(4);
    expect(new Set(ids).size).toBe(4);
    for (const delivery of await held()) {
      expect(delivery.attempts).toHaveLength(1);
      expect(delivery.attempts[0]).toMatchObject({ status_code: null, error: 'timed out after 200 ms' });
      expect(delivery.status).toBe('pending');
    }
  });

  it('bad_signature: the signature does not verify with the endpoint secret (it is made with the documented wrong one)', async () => {
    const { api, receiver, endpoint } = await setup({ bad_signature: true });
    await api.create();
    await expect.poll(() => receiver.received.length, poll).toBe(1);
    const [request] = receiver.received;
    const good = createHmac('sha256', endpoint.secret_token).update(request.raw).digest('hex');
    expect(request.headers['x-komoju-signature']).not.toBe(good);
    expect(request.headers['x-komoju-signature']).toBe(createHmac('sha256', `${endpoint.secret_token}-simulated-bad-signature`).update(request.raw).digest('hex'));
    expect(request.headers['content-type']).toBe('application/json');
    const delivery = await recorded(api, endpoint.id);
    expect(delivery.attempts[0].simulated).toEqual(['bad_signature']);
  });

  it('wrong_content_type: sent as text/plain with the same signed JSON body', async () => {
    const { api, receiver, endpoint } = await setup({ wrong_content_type: true });
    await api.create();
    await expect.poll(() => receiver.received.length, poll).toBe(1);
    const [request] = receiver.received;
    expect(request.headers['content-type']).toBe('text/plain');
    expect(request.body.type).toBe('payment.captured');
    expect(request.headers['x-komoju-signature']).toBe(createHmac('sha256', endpoint.secret_token).update(request.raw).digest('hex'));
    const delivery = await recorded(api, endpoint.id);
    expect(delivery.attempts[0].simulated).toEqual(['wrong_content_type']);
  });

  it('an endpoint without simulate is unchanged: signed JSON, once, nothing marked', async () => {
    const { api, receiver, endpoint } = await setup({});
    await api.create();
    await expect.poll(() => receiver.received.length, poll).toBe(1);
    expectSigned(receiver.received[0], endpoint.secret_token);
    const delivery = await recorded(api, endpoint.id);
    expect(delivery.simulated).toEqual([]);
    expect(delivery.attempts).toHaveLength(1);
    expect(delivery.attempts[0].simulated).toEqual([]);
  });
});

describe('shuffleHeld', () => {
  it('never keeps the order it was given (two or more), and is the same for the same ids', () => {
    for (let n = 2; n < 8; n++) {
      for (let run = 0; run < 20; run++) {
        const ids = Array.from({ length: n }, (_, i) => `d${run}-${i}`);
        const shuffled = shuffleHeld(ids, (id) => id);
        expect(shuffled).not.toEqual(ids);
        expect([...shuffled].sort()).toEqual([...ids].sort());
        expect(shuffleHeld(ids, (id) => id)).toEqual(shuffled);
      }
    }
    expect(shuffleHeld(['only'], (id) => id)).toEqual(['only']);
  });
});
