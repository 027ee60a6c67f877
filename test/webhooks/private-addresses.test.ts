import { isIP } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebhookWorker } from '../../src/worker/webhooks';
import { startHarness, type Harness } from '../helpers/harness';
import { expectError, paymentApi } from '../helpers/payment-api';
import { startReceiver, type Receiver } from '../helpers/receiver';

// Webhook receivers on private addresses, in every spelling: refused when the URL is registered
// (an IP literal, localhost) and when a registered name resolves to one at delivery. Names get
// their addresses from a resolver given to the worker (a hosts file of this test), never real DNS.
// The worker only ever connects to the 127.0.0.1 receiver.

let h: Harness;
let receiver: Receiver;
let worker: Awaited<ReturnType<typeof startWebhookWorker>>;
const errors: unknown[] = [];
const hosts: Record<string, string> = {};
const poll = { timeout: 10_000, interval: 50 };

beforeAll(async () => {
  h = await startHarness();
  receiver = await startReceiver();
  worker = await startWebhookWorker(h.services, {
    log: { info: () => {}, error: (details) => errors.push(details) },
    listen: h.store.listen,
    pollMs: 100,
    resolve: async (hostname) => {
      const address = hosts[hostname];
      if (!address) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
      return [{ address, family: isIP(address) }];
    },
  });
});
afterAll(async () => {
  await worker.stop();
  await receiver.close();
  await h.close();
  expect(errors).toEqual([]);
});

/** The blocked forms of the issue: each the address of a host inside this machine or its network. */
const BLOCKED = {
  nat64: '64:ff9b::a9fe:a9fe',
  '6to4': '2002:a9fe:a9fe::',
  'ipv4-compatible': '::127.0.0.1',
  'ipv4-compatible-hex': '::a9fe:a9fe',
  'ipv4-mapped': '::ffff:127.0.0.1',
  'ipv4-mapped-hex': '::ffff:a9fe:a9fe',
  'ipv4-mapped-long': '0:0:0:0:0:ffff:169.254.169.254',
  'ipv4-translated': '::ffff:0:127.0.0.1',
  'nat64-local': '64:ff9b:1::a9fe:a9fe',
  loopback: '127.0.0.1',
  metadata: '169.254.169.254',
};

describe('registration', () => {
  const refusedUrls = [
    ...Object.values(BLOCKED).map((address) => `http://${isIP(address) === 6 ? `[${address}]` : address}/hooks`),
    'http://[0000:0000:0000:0000:0000:FFFF:7F00:0001]:8080/hooks',
    'http://localhost./hooks',
    'http://LOCALHOST../hooks',
    'http://api.localhost./hooks',
    'http://2130706433/hooks', // 127.0.0.1 as one number
    'http://0x7f.1/hooks',
    'http://127.1/hooks',
  ];

  it('refuses every private form for a live merchant (422, param url), on create and on update', async () => {
    const live = await h.merchant({ mode: 'live' });
    const api = paymentApi(h, live.secretKey);
    // Inactive, so that even a regression that accepted one would not send it a ping.
    for (const url of refusedUrls) expectError(await api.post('/api/v1/webhooks', { url, active: false }), 422, 'invalid_parameter', 'url');
    const created = await api.post('/api/v1/webhooks', { url: 'https://shop.example/hooks', active: false });
    expect(created.status, created.text).toBe(200);
    for (const url of refusedUrls) {
      expectError(await h.request({ method: 'PATCH', url: `/api/v1/webhooks/${created.body.id}`, key: live.secretKey, json: { url } }), 422, 'invalid_parameter', 'url');
    }
    // Nothing was registered but the public one.
    expect((await api.get('/api/v1/webhooks')).body.data.map((w: any) => w.url)).toEqual(['https://shop.example/hooks']);
    expect((await h.request({ method: 'DELETE', url: `/api/v1/webhooks/${created.body.id}`, key: live.secretKey })).status).toBeLessThan(300);
  });

  it('accepts public addresses, including the same forms around a public IPv4 address (checked, never connected to)', async () => {
    const live = await h.merchant({ mode: 'live' });
    const api = paymentApi(h, live.secretKey);
    for (const url of [
      'https://93.184.216.34/hooks',
      'https://[2606:2800:220:1:248:1893:25c8:1946]/hooks',
      'https://[64:ff9b::5db8:d822]/hooks',
      'https://[2002:5db8:d822::1]/hooks',
      'https://shop.example./hooks',
    ]) {
      const res = await api.post('/api/v1/webhooks', { url, active: false });
      expect(res.status, `${url}: ${res.text}`).toBe(200);
      // Inactive endpoints get no ping: this test file's worker never connects outside the machine.
      expect((await api.get(`/api/v1/webhooks/${res.body.id}/deliveries`)).body.total).toBe(0);
      expect((await h.request({ method: 'DELETE', url: `/api/v1/webhooks/${res.body.id}`, key: live.secretKey })).status).toBeLessThan(300);
    }
  });
});

describe('delivery', () => {
  it('refuses a registered name that resolves to a private address, in every form, without a request', async () => {
    const port = new URL(receiver.url).port;
    // Control: a test merchant may use private receivers, and the name reaches the receiver
    // through the resolver the worker was given.
    hosts['receiver.test'] = '127.0.0.1';
    const test = paymentApi(h, (await h.merchant()).secretKey);
    const control = await test.post('/api/v1/webhooks', { url: `http://receiver.test:${port}/hooks` });
    expect(control.status, control.text).toBe(200);
    await expect.poll(() => receiver.received.length, poll).toBe(1);

    // A live merchant registers names (nothing to judge yet); each resolves to a blocked form.
    const live = await h.merchant({ mode: 'live' });
    const api = paymentApi(h, live.secretKey);
    const endpoints: { id: string; host: string; address: string }[] = [];
    for (const [name, address] of Object.entries(BLOCKED)) {
      const host = `${name}.rebind.test`;
      hosts[host] = address;
      const res = await api.post('/api/v1/webhooks', { url: `http://${host}:${port}/hooks` });
      expect(res.status, res.text).toBe(200);
      endpoints.push({ id: res.body.id, host, address });
    }
    for (const endpoint of endpoints) {
      const attempts = async () => (await api.get(`/api/v1/webhooks/${endpoint.id}/deliveries`)).body.data[0]?.attempts ?? [];
      await expect.poll(async () => (await attempts()).length, poll).toBeGreaterThan(0);
      const [attempt] = await attempts();
      expect(attempt.status_code).toBeNull();
      expect(attempt.error).toContain(`refused: ${endpoint.host} resolves to private address ${endpoint.address}`);
    }
    expect(receiver.received).toHaveLength(1);
  });
});
