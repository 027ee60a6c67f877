import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeBrowser, launchBrowser, screenshot, watchProblems } from '../helpers/browser';
import { startHarness, type Harness } from '../helpers/harness';

// /docs in Chromium: Swagger UI renders every operation of the document under the page's own
// CSP with no violation, and every request the page makes stays on this server (no CDN).
describeBrowser('the API reference page', () => {
  let h: Harness;
  let base: string;
  let browser: Browser;

  beforeAll(async () => {
    h = await startHarness();
    base = await h.listen();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await h.close();
  });

  it('renders the operations from this server alone, without a CSP violation', async () => {
    const page = await browser.newPage();
    const problems = watchProblems(page);
    const origins = new Set<string>();
    page.on('request', (request) => {
      if (!request.url().startsWith('data:')) origins.add(new URL(request.url()).origin);
    });
    await page.goto(`${base}/docs`);
    await page.waitForSelector('.opblock-summary-path', { timeout: 20_000 });
    const paths = await page.locator('.opblock-summary-path').allTextContents();
    expect(paths.map((path) => path.replace(/\u200B/g, ''))).toEqual(expect.arrayContaining(['/api/v1/payments', '/api/v1/sessions/{id}/pay', '/api/v1/webhooks']));
    await expect(page.locator('.info .title').textContent()).resolves.toContain('kessai');
    // One operation opened: its parameters and the seed's examples are there.
    await page.locator('#operations-Payments-createPayment .opblock-summary').click();
    await page.waitForSelector('#operations-Payments-createPayment .responses-wrapper', { timeout: 10_000 });
    await screenshot(page, 'docs');
    expect(problems).toEqual([]);
    expect([...origins]).toEqual([base]);
    await page.close();
  });
});
