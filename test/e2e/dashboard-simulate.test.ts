import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeBrowser, screenshot, watchProblems } from '../helpers/browser';
import { DASHBOARD_USER, startDashboardScene, stopDashboardScene, type DashboardScene } from '../helpers/dashboard-scene';
import { testCard, type Harness, type TestMerchant } from '../helpers/harness';
import type { Receiver } from '../helpers/receiver';

// The webhook endpoint page's simulated receiver faults in Chromium: tick "send every event
// twice" and "sign with a wrong secret", save, make a payment, and see the real receiver get it
// twice, badly signed, and the page mark both attempts. Screenshots: dashboard-simulate-*.png.
describeBrowser('dashboard: simulated receiver faults in a browser', () => {
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

  it('sets faults with the form; the receiver gets the event twice with a bad signature; the log marks it', async () => {
    const endpoint = await h.request({ method: 'POST', url: '/api/v1/webhooks', key: merchant.secretKey, json: { url: receiver.url, events: ['payment.captured'] } });
    expect(endpoint.status, endpoint.text).toBe(200);
    await expect.poll(() => receiver.received.length, { timeout: 10_000 }).toBe(1);

    const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    page.setDefaultTimeout(30_000);
    const problems = watchProblems(page);
    await page.goto(`${h.services.publicUrl}/dashboard/login`);
    await page.fill('#email', DASHBOARD_USER.email);
    await page.fill('#password', DASHBOARD_USER.password);
    await Promise.all([page.waitForURL('**/dashboard'), page.click('form.dash-login button[type="submit"]')]);

    await page.goto(`${h.services.publicUrl}/dashboard/developers/webhooks/${endpoint.body.id}`);
    const form = page.locator('form[data-form="simulate"]');
    await form.locator('input[name="duplicate"]').check();
    await form.locator('input[name="bad_signature"]').check();
    await screenshot(page, 'dashboard-simulate-1-form');
    await Promise.all([page.waitForURL('**?done=simulated'), form.locator('button[type="submit"]').click()]);
    expect(await page.locator('[data-notice="ok"]').innerText()).toBe('Simulated faults saved.');
    expect(await form.locator('input[name="duplicate"]').isChecked()).toBe(true);

    const payment = await h.request({ method: 'POST', url: '/api/v1/payments', key: merchant.secretKey, json: { amount: 1000, currency: 'JPY', payment_details: testCard() } });
    expect(payment.status).toBe(200);
    await expect.poll(() => receiver.forResource(payment.body.id).length, { timeout: 10_000 }).toBe(2);
    const [first, second] = receiver.forResource(payment.body.id);
    expect(second.headers['x-komoju-id']).toBe(first.headers['x-komoju-id']);

    for (let i = 0; i < 100 && (await page.locator('[data-simulated="duplicate bad_signature"]').count()) === 0; i++) await page.reload();
    expect(await page.locator('[data-simulated="bad_signature"]').count()).toBe(1);
    expect(await page.locator('[data-simulated="duplicate bad_signature"]').count()).toBe(1);
    await screenshot(page, 'dashboard-simulate-2-log');
    expect(problems).toEqual([]);
  });
});
