import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeBrowser, launchBrowser, openPage, screenshot, startOtherSite, type OtherSite } from '../helpers/browser';
import { startHarness, type Harness, type TestMerchant } from '../helpers/harness';

// The Hosted Page in Chromium at 360 px: a card paid (and a decline shown first), konbini to its
// instructions, an offsite method to the simulator, "Return to merchant"; in ja and en. Each step
// is saved to test-results/screenshots/session-*.png.
describeBrowser('hosted page in a browser', () => {
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

  async function create(locale: 'ja' | 'en') {
    const res = await h.request({
      method: 'POST',
      url: '/api/v1/sessions',
      key: merchant.secretKey,
      json: { amount: 2500, currency: 'JPY', default_locale: locale, return_url: `${shop.url}/done?order=5`, payment_types: ['credit_card', 'konbini', 'paypay'] },
    });
    expect(res.status, res.text).toBe(200);
    return res.body as { id: string; session_url: string };
  }

  const open = (url: string) => openPage(browser, url, { width: 360, height: 800 });

  for (const locale of ['ja', 'en'] as const) {
    it(`${locale}: a declined card is shown, then a good card pays and lands on the shop with session_id`, async () => {
      const session = await create(locale);
      const { page, problems } = await open(session.session_url);
      expect(await page.locator('html').getAttribute('lang')).toBe(locale);
      expect(await page.locator('[data-total]').innerText()).toMatch(/2,500/);
      await screenshot(page, `session-${locale}-1-page`);
      await page.locator('[data-pick="credit_card"]').check();
      const form = page.locator('[data-method="credit_card"] form');
      await form.locator('input[name="name"]').fill('Taro Yamada');
      await form.locator('input[name="number"]').fill('4123 1111 1111 1059');
      await form.locator('input[name="expiry"]').fill('12/39');
      await form.locator('input[name="verification_value"]').fill('123');
      await form.locator('button[type="submit"]').click();
      await page.waitForSelector('[data-error="credit_card"]');
      await screenshot(page, `session-${locale}-2-declined`);
      await page.locator('[data-pick="credit_card"]').check();
      const again = page.locator('[data-method="credit_card"] form');
      await again.locator('input[name="number"]').fill('4111111111111111');
      await again.locator('input[name="expiry"]').fill('12/39');
      await again.locator('input[name="verification_value"]').fill('123');
      await Promise.all([page.waitForURL(`${shop.url}/**`), again.locator('button[type="submit"]').click()]);
      expect(page.url()).toBe(`${shop.url}/done?order=5&session_id=${session.id}`);
      await screenshot(page, `session-${locale}-3-back-at-shop`);
      const shown = await h.request({ url: `/api/v1/sessions/${session.id}`, key: merchant.secretKey });
      expect(shown.body.status).toBe('completed');
      // The decline answers 422 on purpose (the page again, with the error): Chromium logs that status.
      expect(problems.filter((p) => !p.includes('422'))).toEqual([]);
    });
  }

  it('konbini: store picker → instructions page', async () => {
    const session = await create('ja');
    const { page } = await open(session.session_url);
    await page.locator('[data-pick="konbini"]').check();
    const form = page.locator('[data-method="konbini"] form');
    await form.locator('input[value="lawson"]').check();
    await form.locator('input[name="email"]').fill('taro@example.com');
    await Promise.all([page.waitForURL('**/instructions/**'), form.locator('button[type="submit"]').click()]);
    await screenshot(page, 'session-ja-konbini-instructions');
    expect(page.url()).toMatch(/\/ja\/instructions\/[0-9a-z]+$/);
  });

  it('offsite: to the simulator', async () => {
    const session = await create('en');
    const { page } = await open(session.session_url);
    await page.locator('[data-pick="paypay"]').check();
    await Promise.all([page.waitForURL('**/offsite/new**'), page.locator('[data-method="paypay"] form button[type="submit"]').click()]);
    await screenshot(page, 'session-en-offsite-simulator');
    expect(page.url()).toContain('/offsite/new?uuid=');
  });

  it('Return to merchant cancels the session', async () => {
    const session = await create('en');
    const { page } = await open(session.session_url);
    await Promise.all([page.waitForURL(`${shop.url}/**`), page.locator('[data-action="return"]').click()]);
    expect(page.url()).toBe(`${shop.url}/done?order=5&session_id=${session.id}`);
    await screenshot(page, 'session-en-cancelled-back-at-shop');
    const shown = await h.request({ url: `/api/v1/sessions/${session.id}`, key: merchant.secretKey });
    expect(shown.body.status).toBe('cancelled');
  });
});
