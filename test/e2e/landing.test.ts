import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeBrowser, launchBrowser, openPage, screenshot } from '../helpers/browser';
import { startHarness, type Harness, type TestMerchant } from '../helpers/harness';

// The browser's first sight of kessai: `/` is a page (not the API's 401), its links lead to the
// dashboard, the API reference and the health check, which all answer, and a path nothing serves
// is a 404 page that leads back home. Screenshots: test-results/screenshots/landing*.png.
describeBrowser('the landing page in a browser', () => {
  let h: Harness;
  let base: string;
  let merchant: TestMerchant;
  let browser: Browser;

  beforeAll(async () => {
    h = await startHarness();
    base = await h.listen({ asPublicUrl: true });
    merchant = await h.merchant();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  /** Clicks the link named `name` on the landing page and answers the page it leads to, with its status. */
  async function follow(page: Page, name: string): Promise<number | undefined> {
    await page.goto(`${base}/`);
    const [response] = await Promise.all([page.waitForNavigation(), page.getByRole('link', { name, exact: true }).click()]);
    return response?.status();
  }

  it('shows what kessai is, the key prefixes (no key) and a curl creating a payment', async () => {
    const { page, problems } = await openPage(browser, `${base}/`);
    await expect(page.locator('h1').innerText()).resolves.toContain('KOMOJU');
    const secret = await page.locator('[data-field="secret-key"] .code').innerText();
    expect(secret).toBe('sk_test_…');
    await expect(page.locator('[data-field="publishable-key"] .code').innerText()).resolves.toBe('pk_test_…');
    const curl = await page.locator('pre.curl').innerText();
    expect(curl).toContain(`curl -u "$KESSAI_SECRET_KEY:" ${base}/api/v1/payments`);
    expect(curl).toContain('payment_details[number]=4111111111111111');
    const text = await page.locator('body').innerText();
    expect(text).not.toContain(merchant.secretKey);
    expect(text).not.toContain(merchant.publishableKey);
    await screenshot(page, 'landing');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('leads to the dashboard, the API reference and the health check, which answer', async () => {
    const page = await browser.newPage();
    page.setDefaultTimeout(60_000);

    expect(await follow(page, 'Dashboard')).toBe(200);
    expect(new URL(page.url()).pathname).toBe('/dashboard/login');
    await expect(page.locator('input[type="password"]').count()).resolves.toBe(1);

    expect(await follow(page, 'API reference')).toBe(200);
    expect(new URL(page.url()).pathname).toMatch(/^\/docs/);
    await page.waitForSelector('.opblock-summary-path', { timeout: 20_000 });

    expect(await follow(page, 'Health check')).toBe(200);
    expect(JSON.parse(await page.locator('body').innerText())).toEqual({ status: 'ok' });
    await page.close();
  });

  it('answers a path nothing serves with a 404 page that leads home', async () => {
    const page = await browser.newPage({ locale: 'en-US' });
    page.setDefaultTimeout(60_000);
    const response = await page.goto(`${base}/no/such/page`);
    expect(response?.status()).toBe(404);
    expect(response?.headers()['content-type']).toContain('text/html');
    await expect(page.locator('h1').innerText()).resolves.toBe('Page not found');
    await screenshot(page, 'landing-404');
    await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'kessai' }).click()]);
    expect(new URL(page.url()).pathname).toBe('/');
    await expect(page.locator('pre.curl').count()).resolves.toBe(1);
    await page.close();
  });
});
