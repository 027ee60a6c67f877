import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeBrowser, screenshot, watchProblems } from '../helpers/browser';
import { DASHBOARD_USER, startDashboardScene, stopDashboardScene, type DashboardScene } from '../helpers/dashboard-scene';
import type { Harness, TestMerchant } from '../helpers/harness';
import type { Receiver } from '../helpers/receiver';

// The dashboard's test-mode actions in Chromium: add a webhook endpoint (a real receiver gets its
// ping), pause it, send a test event, reveal the secret, delete it after confirming; then press
// "Simulate payment" on a konbini payment and see it captured. Screenshots: dashboard-webhooks-*.png.
describeBrowser('dashboard: webhook endpoints and test actions in a browser', () => {
  let h: Harness;
  let merchant: TestMerchant;
  let browser: Browser;
  let receiver: Receiver;
  let worker: DashboardScene['worker'];

  let scene: DashboardScene | undefined;

  beforeAll(async () => {
    scene = await startDashboardScene();
    ({ h, merchant, browser, receiver, worker } = scene);
  });
  afterAll(() => stopDashboardScene(scene));

  it('adds, pauses, pings, reveals and deletes an endpoint; simulates a konbini payment', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    page.setDefaultTimeout(30_000);
    const problems = watchProblems(page);
    const base = h.services.publicUrl;
    await page.goto(`${base}/dashboard/login`);
    await page.fill('#email', DASHBOARD_USER.email);
    await page.fill('#password', DASHBOARD_USER.password);
    await Promise.all([page.waitForURL('**/dashboard'), page.click('form.dash-login button[type="submit"]')]);

    await page.goto(`${base}/dashboard/developers/webhooks`);
    await Promise.all([page.waitForURL('**/webhooks/new'), page.click('[data-action="add-endpoint"]')]);
    await page.fill('#wh-url', receiver.url);
    await page.check('input[name="events"][value="payment.captured"]');
    await page.fill('#wh-secret', 'whsec-browser-1');
    await screenshot(page, 'dashboard-webhooks-1-add');
    await Promise.all([page.waitForURL('**?done=created'), page.click('form[data-form="endpoint"] button[type="submit"]')]);
    await expect.poll(() => receiver.received.length, { timeout: 10_000 }).toBe(1);
    expect(receiver.received[0].body.type).toBe('ping');

    await Promise.all([page.waitForURL('**?done=paused'), page.click('form[data-form="active"] button')]);
    expect(await page.locator('[data-field="active"]').innerText()).toBe('Paused');
    await Promise.all([page.waitForURL('**?done=resumed'), page.click('form[data-form="active"] button')]);
    await Promise.all([page.waitForURL('**?done=pinged'), page.click('form[data-form="ping"] button')]);
    await expect.poll(() => receiver.received.length, { timeout: 10_000 }).toBe(2);
    expect(receiver.received[1].body.type).toBe('ping');

    expect(await page.locator('[data-secret]').count()).toBe(0);
    await Promise.all([page.waitForURL('**/secret'), page.click('form[data-form="secret"] button')]);
    expect(await page.locator('[data-secret]').innerText()).toBe('whsec-browser-1');
    await screenshot(page, 'dashboard-webhooks-2-secret');

    await page.click('a[href$="/delete"]');
    await page.waitForURL('**/delete');
    await Promise.all([page.waitForURL('**/webhooks?done=deleted'), page.click('form[data-form="delete"] button[type="submit"]')]);
    expect(await page.locator('[data-notice="ok"]').innerText()).toBe('Endpoint deleted.');
    expect((await h.request({ url: '/api/v1/webhooks', key: merchant.secretKey })).body.data).toEqual([]);

    const konbini = await h.request({
      method: 'POST',
      url: '/api/v1/payments',
      key: merchant.secretKey,
      json: { amount: 1000, currency: 'JPY', payment_details: { type: 'konbini', store: 'lawson', email: 'a@b.example' } },
    });
    expect(konbini.status, konbini.text).toBe(200);
    await page.goto(`${base}/dashboard/payments/${konbini.body.id}`);
    await Promise.all([page.waitForURL('**?done=paid'), page.click('form[data-form="simulate-payment"] button')]);
    expect(await page.locator('.dash-lead [data-status], [data-status]').first().getAttribute('data-status')).toBe('captured');
    expect((await h.request({ url: `/api/v1/payments/${konbini.body.id}`, key: merchant.secretKey })).body.status).toBe('captured');
    await screenshot(page, 'dashboard-webhooks-3-konbini');
    expect(problems).toEqual([]);
  });
});
