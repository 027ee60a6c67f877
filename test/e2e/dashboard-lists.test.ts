import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeBrowser, screenshot, watchProblems } from '../helpers/browser';
import { DASHBOARD_USER, startDashboardScene, stopDashboardScene, type DashboardScene } from '../helpers/dashboard-scene';
import { testCard, type Harness, type TestMerchant } from '../helpers/harness';

// The dashboard as a merchant first meets it, in Chromium at 1280 and 390 px: the sign-in card in
// the middle, empty lists that say how to make the first payment, then the payment list with data —
// no sideways scroll on a phone, every id on one line. Screenshots: dashboard-lists-*.png.
describeBrowser('dashboard lists in a browser', () => {
  let h: Harness;
  let merchant: TestMerchant;
  let browser: Browser;
  let scene: DashboardScene | undefined;

  beforeAll(async () => {
    scene = await startDashboardScene();
    ({ h, merchant, browser } = scene);
  });
  afterAll(() => stopDashboardScene(scene));

  async function signIn(page: Page): Promise<void> {
    await page.goto(`${h.services.publicUrl}/dashboard/login`);
    await page.fill('#email', DASHBOARD_USER.email);
    await page.fill('#password', DASHBOARD_USER.password);
    await Promise.all([page.waitForURL('**/dashboard'), page.click('form.dash-login button[type="submit"]')]);
  }

  /** No sideways scroll, and every id in a list on one line. */
  async function expectFits(page: Page): Promise<void> {
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    const ids = page.locator('.dash-id');
    for (let i = 0; i < (await ids.count()); i++) {
      const lines = await ids.nth(i).evaluate((element) => element.getClientRects().length === 1 && element.getBoundingClientRect().height < 32);
      expect(lines, `id ${i} on one line`).toBe(true);
    }
  }

  it('sign-in card, empty states, then the payment list at 1280 and 390 px', async () => {
    for (const [width, name] of [[1280, 'wide'], [390, 'phone']] as const) {
      const page = await browser.newPage({ viewport: { width, height: 900 }, locale: 'en-US' });
      const problems = watchProblems(page);
      await page.goto(`${h.services.publicUrl}/dashboard/login`);
      const card = (await page.locator('.dash-main').boundingBox())!;
      expect(Math.abs(card.x + card.width / 2 - width / 2)).toBeLessThan(20);
      expect(await page.locator('[data-login-help]').innerText()).toContain('kessai users create');
      await expectFits(page);
      await screenshot(page, `dashboard-lists-login-${name}`);
      await signIn(page);
      expect(await page.locator('[data-user-email]').innerText()).toBe(DASHBOARD_USER.email);
      if (name === 'wide') {
        expect(await page.locator('[data-empty="chart"]').count()).toBe(1);
        expect(await page.locator('.dash-chart svg').count()).toBe(0);
        await screenshot(page, 'dashboard-lists-home-empty');
        await page.goto(`${h.services.publicUrl}/dashboard/payments`);
        expect(await page.locator('[data-curl]').innerText()).toContain('curl -u sk_test_…:');
        await screenshot(page, 'dashboard-lists-payments-empty');
      }
      await page.close();
      expect(problems).toEqual([]);
    }

    for (let i = 0; i < 13; i++) {
      const res = await h.request({ method: 'POST', url: '/api/v1/payments', key: merchant.secretKey, json: { amount: 1000 + i * 250, currency: 'JPY', external_order_num: `order-2026-12-${1000 + i}`, email: `customer.${i}@example.com`, payment_details: testCard() } });
      expect(res.status, res.text).toBe(200);
    }
    for (const [width, name] of [[1280, 'wide'], [390, 'phone']] as const) {
      const page = await browser.newPage({ viewport: { width, height: 900 }, locale: 'en-US' });
      const problems = watchProblems(page);
      await signIn(page);
      await page.goto(`${h.services.publicUrl}/dashboard/payments`);
      expect(await page.locator('[data-row]').count()).toBe(13);
      await expectFits(page);
      const height = await page.evaluate(() => document.documentElement.scrollHeight);
      if (name === 'phone') expect(height).toBeLessThan(5191);
      await screenshot(page, `dashboard-lists-payments-${name}`);
      await page.close();
      expect(problems).toEqual([]);
    }
  });
});
