import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeBrowser, screenshot, watchProblems } from '../helpers/browser';
import { DASHBOARD_USER, startDashboardScene, stopDashboardScene, type DashboardScene } from '../helpers/dashboard-scene';
import { testCard, type Harness, type TestMerchant } from '../helpers/harness';
import type { Receiver } from '../helpers/receiver';

// The merchant dashboard in Chromium, as a merchant's operator uses it: sign in, find a payment by
// its order number, refund half of it, watch `payment.refund.created` reach a real webhook
// receiver (the worker runs), redeliver it, roll the secret key (the old one gets 401 from the
// API), sign out. Each step is saved to test-results/screenshots/dashboard-*.png.
describeBrowser('merchant dashboard in a browser', () => {
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

  async function until(check: () => Promise<boolean> | boolean, what: string): Promise<void> {
    for (let i = 0; i < 200; i++) {
      if (await check()) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`timed out waiting for ${what}`);
  }

  /** Reloads until the selector shows (a delivery the worker makes after the page was drawn). */
  async function reloadUntil(page: Page, selector: string): Promise<void> {
    await until(async () => {
      if ((await page.locator(selector).count()) > 0) return true;
      await page.reload();
      return false;
    }, selector);
  }

  it('sign in, find, refund half, see the webhook, redeliver, roll the key, sign out', async () => {
    const api = (method: 'GET' | 'POST', url: string, json?: unknown, key = merchant.secretKey) => h.request({ method, url, key, json });
    const endpoint = await api('POST', '/api/v1/webhooks', { url: receiver.url, events: ['payment.captured', 'payment.refund.created'] });
    expect(endpoint.status, endpoint.text).toBe(200);
    for (const order of ['order-1001', 'order-1002', 'order-1003']) {
      const res = await api('POST', '/api/v1/payments', { amount: 3000, currency: 'JPY', external_order_num: order, payment_details: testCard() });
      expect(res.status, res.text).toBe(200);
    }
    const konbini = await api('POST', '/api/v1/payments', { amount: 1200, currency: 'JPY', external_order_num: 'order-1004', payment_details: { type: 'konbini', store: 'lawson', email: 'taro@example.com' } });
    expect(konbini.status).toBe(200);
    const target = (await api('GET', '/api/v1/payments?external_order_num=order-1002')).body.data[0];
    expect(target.total).toBe(3300);

    const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    page.setDefaultTimeout(30_000);
    const problems = watchProblems(page);

    // Sign in: the dashboard sends a browser without a session to the form.
    await page.goto(`${h.services.publicUrl}/dashboard`);
    expect(new URL(page.url()).pathname).toBe('/dashboard/login');
    await screenshot(page, 'dashboard-1-login');
    await page.fill('#email', DASHBOARD_USER.email);
    await page.fill('#password', DASHBOARD_USER.password);
    await Promise.all([page.waitForURL('**/dashboard'), page.click('form.dash-login button[type="submit"]')]);
    await page.waitForSelector('.dash-chart svg');
    expect(await page.locator('[data-count="payments"] strong').innerText()).toBe('4');
    await screenshot(page, 'dashboard-2-home');

    // Find the payment by its order number.
    await page.click('.dash-nav a[href="/dashboard/payments"]');
    await page.waitForSelector('[data-row]');
    expect(await page.locator('[data-row]').count()).toBe(4);
    await page.fill('#f-order', 'order-1002');
    await Promise.all([page.waitForURL('**/dashboard/payments?**'), page.click('.dash-filters button[type="submit"]')]);
    expect(await page.locator('[data-row]').count()).toBe(1);
    await screenshot(page, 'dashboard-3-search');
    await Promise.all([page.waitForURL(`**/dashboard/payments/${target.id}`), page.click(`[data-row="${target.id}"] a`)]);
    await screenshot(page, 'dashboard-4-payment');

    // Refund half of it.
    await page.fill('#refund-amount', String(target.total / 2));
    await page.fill('#refund-description', 'one of two items returned');
    await Promise.all([page.waitForURL('**?done=refunded'), page.click('[data-form="refund"] button[type="submit"]')]);
    expect(await page.locator('[data-notice="ok"]').innerText()).toContain('The refund was recorded.');
    expect(await page.locator('[data-field="amount_refunded"] dd').innerText()).toMatch(/1,650/);
    const refundEvent = page.locator('[data-event-type="payment.refund.created"]');
    await reloadUntil(page, '[data-event-type="payment.refund.created"] [data-delivery-status="succeeded"]');
    await until(() => receiver.received.some((r) => r.body?.type === 'payment.refund.created'), 'the refund webhook');
    const first = receiver.received.filter((r) => r.body?.type === 'payment.refund.created');
    expect(first).toHaveLength(1);
    expect(first[0].body.data.id).toBe(target.id);
    expect(first[0].body.data.amount_refunded).toBe(1650);
    expect(await refundEvent.locator('[data-attempt-status="200"]').count()).toBe(1);
    await screenshot(page, 'dashboard-5-refunded-delivered');

    // Redeliver it: the receiver gets the same delivery (same X-Komoju-ID) again.
    await Promise.all([page.waitForURL('**?done=redelivered'), refundEvent.locator('[data-action="redeliver"]').click()]);
    await until(() => receiver.received.filter((r) => r.body?.type === 'payment.refund.created').length === 2, 'the redelivery');
    const [once, twice] = receiver.received.filter((r) => r.body?.type === 'payment.refund.created');
    expect(twice.headers['x-komoju-id']).toBe(once.headers['x-komoju-id']);
    await reloadUntil(page, '[data-event-type="payment.refund.created"] [data-attempt-status="200"] + [data-attempt-status="200"]');
    await screenshot(page, 'dashboard-6-redelivered');

    // The event's own page: its payload and delivery.
    await refundEvent.locator('a[href^="/dashboard/developers/events/"]').first().click();
    await page.waitForSelector('.dash-json');
    expect(await page.locator('.dash-json').innerText()).toContain('"type": "payment.refund.created"');
    await screenshot(page, 'dashboard-7-event');

    // Roll the secret key, revoking the old one at once.
    await page.click('.dash-nav a[href="/dashboard/settings"]');
    await page.selectOption('#roll-grace', '0');
    await Promise.all([page.waitForURL('**/dashboard/settings/keys/roll'), page.click('[data-form="roll"] button[type="submit"]')]);
    const newKey = (await page.locator('[data-secret-key]').innerText()).trim();
    expect(newKey).toMatch(/^sk_test_[a-z0-9]{32}$/);
    await screenshot(page, 'dashboard-8-key-rolled');
    expect((await api('GET', '/api/v1/payments')).status).toBe(401);
    expect((await api('GET', '/api/v1/payments', undefined, newKey)).status).toBe(200);

    // The request log shows the API calls (made with the old key, then the new one).
    await page.click('.dash-nav a[href="/dashboard/developers/requests"]');
    expect(await page.locator('.dash-table').innerText()).toContain('/api/v1/payments?external_order_num=order-1002');
    await screenshot(page, 'dashboard-9-requests');

    // Japanese, then sign out.
    await page.goto(`${h.services.publicUrl}/dashboard?locale=ja`);
    expect(await page.locator('html').getAttribute('lang')).toBe('ja');
    await screenshot(page, 'dashboard-10-home-ja');
    await Promise.all([page.waitForURL('**/dashboard/login'), page.click('[data-action="sign-out"]')]);
    await screenshot(page, 'dashboard-11-signed-out');
    await page.goto(`${h.services.publicUrl}/dashboard/payments`);
    expect(new URL(page.url()).pathname).toBe('/dashboard/login');
    expect(problems).toEqual([]);
  });
});
