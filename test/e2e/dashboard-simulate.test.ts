import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createDashboardUser } from '../../src/domain/dashboard/auth';
import { describeBrowser, launchBrowser, screenshot, watchProblems } from '../helpers/browser';
import { startHarness, startTestWebhookWorker, testCard, type Harness, type TestMerchant } from '../helpers/harness';
import { startReceiver, type Receiver } from '../helpers/receiver';

// The webhook endpoint page's simulated receiver faults in Chromium: tick "send every event
// twice" and "sign with a wrong secret", save, make a payment, and see the real receiver get it
// twice, badly signed, and the page mark both attempts. Screenshots: dashboard-simulate-*.png.
describeBrowser('dashboard: simulated receiver faults in a browser', () => {
  let h: Harness;
  let merchant: TestMerchant;
  let browser: Browser;
  let receiver: Receiver;
  let worker: Awaited<ReturnType<typeof startTestWebhookWorker>>;

  beforeAll(async () => {
    h = await startHarness();
    await h.listen({ asPublicUrl: true });
    merchant = await h.merchant();
    await createDashboardUser(h.store.db, h.clock.now(), { merchantId: merchant.id, email: 'ops@shop.example', password: 'correct horse battery' });
    receiver = await startReceiver();
    worker = await startTestWebhookWorker(h);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await worker?.stop();
    await receiver?.close();
    await h?.close();
    expect(worker?.errors).toEqual([]);
  });

  it('sets faults with the form; the receiver gets the event twice with a bad signature; the log marks it', async () => {
    const endpoint = await h.request({ method: 'POST', url: '/api/v1/webhooks', key: merchant.secretKey, json: { url: receiver.url, events: ['payment.captured'] } });
    expect(endpoint.status, endpoint.text).toBe(200);
    await expect.poll(() => receiver.received.length, { timeout: 10_000 }).toBe(1);

    const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    page.setDefaultTimeout(30_000);
    const problems = watchProblems(page);
    await page.goto(`${h.services.publicUrl}/dashboard/login`);
    await page.fill('#email', 'ops@shop.example');
    await page.fill('#password', 'correct horse battery');
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
