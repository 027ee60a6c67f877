import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeBrowser, launchBrowser, openPage, screenshot, startOtherSite, type OtherSite } from '../helpers/browser';
import { startHarness, type Harness, type TestMerchant } from '../helpers/harness';

// The Hosted Page's method picker in Chromium: a radio list, one method's form open at a time,
// by mouse, by keyboard and with JavaScript off; a 7-method session stays short until a method is
// chosen. Screenshots: test-results/screenshots/session-picker-*.png.
const SEVEN = ['credit_card', 'konbini', 'paypay', 'bank_transfer', 'pay_easy', 'merpay', 'line_pay'];

describeBrowser('hosted page method picker', () => {
  let h: Harness;
  let merchant: TestMerchant;
  let browser: Browser;
  let shop: OtherSite;
  beforeAll(async () => {
    h = await startHarness();
    await h.listen({ asPublicUrl: true });
    merchant = await h.merchant();
    browser = await launchBrowser();
    shop = await startOtherSite();
  });
  afterAll(async () => {
    await browser?.close();
    await shop?.close();
    await h?.close();
  });

  async function create(paymentTypes: string[]) {
    const res = await h.request({
      method: 'POST',
      url: '/api/v1/sessions',
      key: merchant.secretKey,
      json: { amount: 5980, currency: 'JPY', default_locale: 'en', return_url: `${shop.url}/done`, payment_types: paymentTypes },
    });
    expect(res.status, res.text).toBe(200);
    return res.body as { id: string; session_url: string };
  }

  const visibleForms = (page: import('playwright-core').Page) =>
    page.locator('section.method').evaluateAll((sections) => sections.filter((s) => (s as HTMLElement).offsetParent !== null).map((s) => s.getAttribute('data-method')));

  it('a 7-method session is one short list until a method is chosen, then shows that form alone', async () => {
    const types = SEVEN;
    const session = await create(types);
    for (const width of [1280, 390]) {
      const { page, problems } = await openPage(browser, session.session_url, { width, height: 800 });
      expect(await page.locator('[data-pick]').count()).toBe(types.length);
      expect(await visibleForms(page)).toEqual([]);
      const height = await page.evaluate(() => document.documentElement.scrollHeight);
      if (width === 1280) expect(height).toBeLessThanOrEqual(1200);
      await screenshot(page, `session-picker-${width}-1-list`);
      await page.locator('label.pick', { hasText: 'Konbini' }).click();
      expect(await visibleForms(page)).toEqual(['konbini']);
      await page.locator('[data-pick="credit_card"]').check();
      expect(await visibleForms(page)).toEqual(['credit_card']);
      expect(await page.locator('[data-method="credit_card"] button[type="submit"]').innerText()).toBe('Pay ¥5,980');
      await screenshot(page, `session-picker-${width}-2-card`);
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
      expect(problems).toEqual([]);
      await page.close();
    }
  });

  it('by keyboard: Tab reaches the list, arrows choose, Tab goes on into the chosen form', async () => {
    const session = await create(['credit_card', 'konbini', 'paypay']);
    const { page } = await openPage(browser, session.session_url, { width: 390, height: 800 });
    await page.locator('[data-pick="credit_card"]').focus();
    await page.keyboard.press('ArrowDown');
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement).value)).toBe('konbini');
    expect(await visibleForms(page)).toEqual(['konbini']);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.closest('section.method')?.getAttribute('data-method'))).toBe('konbini');
    await page.close();
  });

  it('without JavaScript: choose konbini, pay, reach the instructions', async () => {
    const session = await create(['credit_card', 'konbini', 'paypay']);
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 390, height: 800 } });
    try {
      const page = await context.newPage();
      await page.goto(session.session_url);
      expect(await visibleForms(page)).toEqual([]);
      await page.locator('[data-pick="konbini"]').check();
      const form = page.locator('[data-method="konbini"] form');
      await form.locator('input[value="seven-eleven"]').check();
      await Promise.all([page.waitForURL('**/instructions/**'), form.locator('button[type="submit"]').click()]);
      expect(page.url()).toMatch(/\/en\/instructions\/[0-9a-z]+$/);
    } finally {
      await context.close();
    }
  });
});
