import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createDashboardUser } from '../../src/domain/dashboard/auth';
import { startHarness, startTestWebhookWorker, type Harness, type TestMerchant } from '../helpers/harness';
import { DASHBOARD_PASSWORD, signedIn as signedInAs } from '../helpers/dashboard-browser';
import { paymentApi } from '../helpers/payment-api';
import { startReceiver, type Receiver } from '../helpers/receiver';

// The dashboard's form of simulated receiver faults on a webhook endpoint's page, and the marks
// of what was done on purpose in its delivery log, through app.inject() with a signed-in session.

let h: Harness;
let worker: Awaited<ReturnType<typeof startTestWebhookWorker>>;
let shop: TestMerchant;
let live: TestMerchant;
const receivers: Receiver[] = [];
const PASSWORD = DASHBOARD_PASSWORD;

beforeAll(async () => {
  h = await startHarness();
  worker = await startTestWebhookWorker(h);
  shop = await h.merchant();
  live = await h.merchant({ mode: 'live' });
  await createDashboardUser(h.store.db, h.clock.now(), { merchantId: shop.id, email: 'ops@sim.example', password: PASSWORD });
  await createDashboardUser(h.store.db, h.clock.now(), { merchantId: live.id, email: 'ops@live.example', password: PASSWORD });
});
afterEach(async () => {
  for (const receiver of receivers.splice(0)) await receiver.close();
});
afterAll(async () => {
  await worker.stop();
  await h.close();
});

const signedIn = (email: string, language = 'en') => signedInAs(h.app, email, { language });

describe('dashboard: simulated receiver faults', () => {
  it('sets the faults from the endpoint page (as the API shows them after), refuses bad seconds, and marks what was done in the log', async () => {
    const api = paymentApi(h, shop.secretKey);
    const receiver = await startReceiver();
    receivers.push(receiver);
    const endpoint = (await api.post('/api/v1/webhooks', { url: receiver.url, events: ['payment.captured'] })).body;
    await expect.poll(() => receiver.received.length, { timeout: 10_000 }).toBe(1);
    const browser = await signedIn('ops@sim.example');
    const page = `/dashboard/developers/webhooks/${endpoint.id}`;

    const form = await browser.get(page);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('data-form="simulate"');
    expect(form.body).toContain('Send every event twice');

    const saved = await browser.post(`${page}/simulate`, { duplicate: 'true', window_seconds: '', delay_seconds: '' });
    expect(saved.statusCode).toBe(303);
    expect(saved.headers.location).toBe(`${page}?done=simulated`);
    expect((await browser.get(saved.headers.location as string)).body).toContain('Simulated faults saved.');
    expect((await api.get(`/api/v1/webhooks/${endpoint.id}`)).body.simulate).toEqual({
      duplicate: true,
      out_of_order: null,
      delay_seconds: 0,
      bad_signature: false,
      wrong_content_type: false,
    });

    const invalid = await browser.post(`${page}/simulate`, { window_seconds: '0', delay_seconds: '' });
    expect(invalid.headers.location).toBe(`${page}?done=simulate-invalid`);
    expect((await browser.get(invalid.headers.location as string)).body).toContain('a window of 1 to 300');
    expect((await api.get(`/api/v1/webhooks/${endpoint.id}`)).body.simulate.duplicate).toBe(true);

    await api.create();
    await expect.poll(() => receiver.received.length, { timeout: 10_000 }).toBe(3);
    await expect.poll(async () => (await browser.get(page)).body, { timeout: 10_000 }).toContain('data-simulated="duplicate"');
    const ja = await signedIn('ops@sim.example', 'ja');
    const japanese = await ja.get(page);
    expect(japanese.body).toContain('すべてのイベントを 2 回送る');
    expect(japanese.body).toContain('シミュレーション: 重複');
  });

  it('a live merchant has no form, and its post is refused', async () => {
    const api = paymentApi(h, live.secretKey);
    const endpoint = (await api.post('/api/v1/webhooks', { url: 'https://shop.example/hooks' })).body;
    const browser = await signedIn('ops@live.example');
    const page = `/dashboard/developers/webhooks/${endpoint.id}`;
    expect((await browser.get(page)).body).not.toContain('data-form="simulate"');
    expect((await browser.post(`${page}/simulate`, { duplicate: 'true' })).statusCode).toBe(403);
    expect((await api.get(`/api/v1/webhooks/${endpoint.id}`)).body.simulate.duplicate).toBe(false);
  });
});
