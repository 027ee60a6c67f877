import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createDashboardUser } from '../../src/domain/dashboard/auth';
import { startHarness, startTestWebhookWorker, type Harness, type TestMerchant } from '../helpers/harness';
import { DASHBOARD_PASSWORD, signedIn as signedInAs } from '../helpers/dashboard-browser';
import { paymentApi } from '../helpers/payment-api';
import { startReceiver, type Receiver } from '../helpers/receiver';

// Managing webhook endpoints from the dashboard (add, edit, pause/resume, send a test event,
// reveal the secret, delete) and the test clock's "Reset to real time", through app.inject() with
// a signed-in session: each against the API's view afterwards, bad input, CSRF, live mode.

let h: Harness;
let worker: Awaited<ReturnType<typeof startTestWebhookWorker>>;
let shop: TestMerchant;
let live: TestMerchant;
const receivers: Receiver[] = [];
const PASSWORD = DASHBOARD_PASSWORD;
const BASE = '/dashboard/developers/webhooks';

beforeAll(async () => {
  h = await startHarness();
  worker = await startTestWebhookWorker(h);
  shop = await h.merchant();
  live = await h.merchant({ mode: 'live' });
  await createDashboardUser(h.store.db, h.clock.now(), { merchantId: shop.id, email: 'ops@hooks.example', password: PASSWORD });
  await createDashboardUser(h.store.db, h.clock.now(), { merchantId: live.id, email: 'ops@live-hooks.example', password: PASSWORD });
});
afterEach(async () => {
  for (const receiver of receivers.splice(0)) await receiver.close();
});
afterAll(async () => {
  await worker.stop();
  await h.close();
});

const signedIn = (email: string, language = 'en') => signedInAs(h.app, email, { language });

describe('dashboard: webhook endpoints', () => {
  it('adds an endpoint (pinged), edits it, pauses and resumes it, sends a test event, reveals the secret, deletes it after confirming', async () => {
    const api = paymentApi(h, shop.secretKey);
    const receiver = await startReceiver();
    receivers.push(receiver);
    const browser = await signedIn('ops@hooks.example');

    const list = await browser.get(BASE);
    expect(list.body).toContain(`href="${BASE}/new"`);
    const form = await browser.get(`${BASE}/new`);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('value="payment.captured"');

    const added = await browser.post(BASE, { url: receiver.url, events: ['payment.captured', 'payment.refunded'], secret_token: 'whsec-dashboard-1' });
    expect(added.statusCode, added.body).toBe(303);
    const location = added.headers.location as string;
    const id = /\/webhooks\/([0-9a-z]+)\?done=created$/.exec(location)![1];
    const page = `${BASE}/${id}`;
    expect((await browser.get(location)).body).toContain('Endpoint added');
    const created = (await api.get(`/api/v1/webhooks/${id}`)).body;
    expect(created).toMatchObject({ url: receiver.url, events: ['payment.captured', 'payment.refunded'], active: true, secret_token: 'whsec-dashboard-1' });
    await expect.poll(() => receiver.received.length, { timeout: 10_000 }).toBe(1);
    expect(receiver.received[0].body.type).toBe('ping');

    const edited = await browser.post(`${page}/edit`, { url: `${receiver.url}/v2`, events: 'payment.failed' });
    expect(edited.headers.location).toBe(`${page}?done=updated`);
    expect((await api.get(`/api/v1/webhooks/${id}`)).body).toMatchObject({ url: `${receiver.url}/v2`, events: ['payment.failed'] });
    expect((await browser.post(`${page}/edit`, { url: receiver.url })).headers.location).toBe(`${page}?done=updated`);
    expect((await api.get(`/api/v1/webhooks/${id}`)).body.events).toEqual([]);

    const paused = await browser.post(`${page}/active`, { active: 'false' });
    expect(paused.headers.location).toBe(`${page}?done=paused`);
    expect((await api.get(`/api/v1/webhooks/${id}`)).body.active).toBe(false);
    expect((await browser.get(paused.headers.location as string)).body).toContain('data-field="active">Paused');
    expect((await browser.post(`${page}/active`, { active: 'true' })).headers.location).toBe(`${page}?done=resumed`);
    expect((await api.get(`/api/v1/webhooks/${id}`)).body.active).toBe(true);

    const pinged = await browser.post(`${page}/ping`);
    expect(pinged.headers.location).toBe(`${page}?done=pinged`);
    await expect.poll(() => receiver.received.length, { timeout: 10_000 }).toBe(2);
    expect(receiver.received[1].body.type).toBe('ping');

    expect((await browser.get(page)).body).not.toContain('whsec-dashboard-1');
    const revealed = await browser.post(`${page}/secret`);
    expect(revealed.statusCode).toBe(200);
    expect(revealed.headers['cache-control']).toBe('no-store');
    expect(revealed.body).toContain('<code data-secret>whsec-dashboard-1</code>');

    const confirm = await browser.get(`${page}/delete`);
    expect(confirm.body).toContain('name="confirm" value="yes"');
    expect((await browser.post(`${page}/delete`)).headers.location).toBe(`${page}/delete`);
    expect((await api.get(`/api/v1/webhooks/${id}`)).status).toBe(200);
    const deleted = await browser.post(`${page}/delete`, { confirm: 'yes' });
    expect(deleted.headers.location).toBe(`${BASE}?done=deleted`);
    expect((await browser.get(deleted.headers.location as string)).body).toContain('Endpoint deleted.');
    expect((await api.get(`/api/v1/webhooks/${id}`)).status).toBe(404);
    expect((await browser.get(page)).statusCode).toBe(404);
  });

  it('shows the form again (422) with the API message for bad input, and changes nothing', async () => {
    const api = paymentApi(h, shop.secretKey);
    const browser = await signedIn('ops@hooks.example');
    const before = (await api.get('/api/v1/webhooks')).body.total ?? (await api.get('/api/v1/webhooks')).body.data.length;
    const notUrl = await browser.post(BASE, { url: 'not a url' });
    expect(notUrl.statusCode).toBe(422);
    expect(notUrl.body).toContain('url must be an absolute http or https URL');
    expect(notUrl.body).toContain('value="not a url"');
    const badType = await browser.post(BASE, { url: 'https://shop.example/hooks', events: 'payment.nope' });
    expect(badType.statusCode).toBe(422);
    expect(badType.body).toContain('payment.nope is not an event type');
    expect((await api.get('/api/v1/webhooks')).body.total ?? (await api.get('/api/v1/webhooks')).body.data.length).toBe(before);

    const endpoint = (await api.post('/api/v1/webhooks', { url: 'https://shop.example/hooks' })).body;
    const page = `${BASE}/${endpoint.id}`;
    const badEdit = await browser.post(`${page}/edit`, { url: 'ftp://shop.example/' });
    expect(badEdit.statusCode).toBe(422);
    expect(badEdit.body).toContain('url must be an absolute http or https URL');
    expect((await browser.post(`${page}/active`, { active: 'maybe' })).statusCode).toBe(422);
    expect((await api.get(`/api/v1/webhooks/${endpoint.id}`)).body).toMatchObject({ url: 'https://shop.example/hooks', active: true });
    for (const action of ['edit', 'active', 'ping', 'secret', 'delete']) expect((await browser.post(`${BASE}/nothere/${action}`, { confirm: 'yes', active: 'true', url: 'https://x.example' })).statusCode).toBe(404);
  });

  it('refuses posts without the CSRF token', async () => {
    const api = paymentApi(h, shop.secretKey);
    const browser = await signedIn('ops@hooks.example');
    const endpoint = (await api.post('/api/v1/webhooks', { url: 'https://shop.example/csrf' })).body;
    const page = `${BASE}/${endpoint.id}`;
    expect((await browser.post(BASE, { url: 'https://shop.example/other' }, null)).statusCode).toBe(403);
    for (const [action, form] of [['edit', { url: 'https://evil.example' }], ['active', { active: 'false' }], ['ping', {}], ['secret', {}], ['delete', { confirm: 'yes' }]] as const) {
      const res = await browser.post(`${page}/${action}`, form, null);
      expect(res.statusCode).toBe(403);
      expect(res.body).not.toContain(endpoint.secret_token);
    }
    expect((await api.get(`/api/v1/webhooks/${endpoint.id}`)).body).toMatchObject({ url: 'https://shop.example/csrf', active: true });
  });

  it('a live merchant manages its endpoints but may not send test events', async () => {
    const api = paymentApi(h, live.secretKey);
    const browser = await signedIn('ops@live-hooks.example');
    const loopback = await browser.post(BASE, { url: 'http://127.0.0.1:9/hooks' });
    expect(loopback.statusCode).toBe(422);
    expect(loopback.body).toContain('private and loopback addresses are refused');
    const added = await browser.post(BASE, { url: 'https://shop.example/live' });
    expect(added.statusCode).toBe(303);
    const page = (added.headers.location as string).split('?')[0];
    expect((await browser.get(page)).body).not.toContain('data-form="ping"');
    expect((await browser.post(`${page}/ping`)).statusCode).toBe(403);
    expect((await browser.post(`${page}/active`, { active: 'false' })).statusCode).toBe(303);
    expect((await api.get(`/api/v1/webhooks/${page.split('/').pop()}`)).body.active).toBe(false);
  });
});

describe('dashboard: test clock reset', () => {
  it('sets the offset back to 0 (test mode only; CSRF checked)', async () => {
    const browser = await signedIn('ops@hooks.example');
    expect((await browser.post('/dashboard/developers/clock/advance', { seconds: '86400' })).statusCode).toBe(303);
    expect((await browser.get('/dashboard/developers/clock')).body).toContain('1d');
    expect((await browser.get('/dashboard/developers/clock')).body).toContain('data-form="clock-reset"');
    expect((await browser.post('/dashboard/developers/clock/reset', {}, null)).statusCode).toBe(403);
    const reset = await browser.post('/dashboard/developers/clock/reset');
    expect(reset.headers.location).toBe('/dashboard/developers/clock?done=reset');
    const page = await browser.get(reset.headers.location as string);
    expect(page.body).toContain('The clock is back at real time.');
    expect(page.body).toMatch(/data-field="offset"><dt>[^<]*<\/dt><dd>0s<\/dd>/);
    const row = await h.store.db.selectFrom('merchants').select('clock_offset_ms').where('id', '=', shop.id).executeTakeFirstOrThrow();
    expect(Number(row.clock_offset_ms)).toBe(0);
    // A seeded merchant's clock starts over at its seed's start, not at real time.
    await h.store.db.updateTable('merchants').set({ seed: 7 }).where('id', '=', shop.id).execute();
    const seeded = await browser.get((await browser.post('/dashboard/developers/clock/reset')).headers.location as string);
    expect(seeded.body).toContain('The clock is back at the seeded merchant&#39;s start.');
    await h.store.db.updateTable('merchants').set({ seed: null }).where('id', '=', shop.id).execute();
    const ja = await signedIn('ops@hooks.example', 'ja');
    expect((await ja.get('/dashboard/developers/clock')).body).toContain('実時間に戻す');

    const liveBrowser = await signedIn('ops@live-hooks.example');
    expect((await liveBrowser.post('/dashboard/developers/clock/reset')).statusCode).toBe(403);
  });
});
