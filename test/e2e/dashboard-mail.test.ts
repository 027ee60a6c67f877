import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createDashboardUser } from '../../src/domain/dashboard/auth';
import { describeBrowser, launchBrowser, screenshot, watchProblems } from '../helpers/browser';
import { startHarness, type Harness, type TestMerchant } from '../helpers/harness';

// The dashboard's Mail page in Chromium: from the menu to a konbini payment's instructions, whose
// HTML shows in its sandboxed frame (its own CSP lets its inline styles apply and nothing else)
// and whose text shows below it; no CSP violation or console error on the way.
// Screenshot: test-results/screenshots/dashboard-mail.png.
describeBrowser('the Mail page in a browser', () => {
  let h: Harness;
  let merchant: TestMerchant;
  let browser: Browser;

  beforeAll(async () => {
    h = await startHarness();
    await h.listen({ asPublicUrl: true });
    merchant = await h.merchant();
    await createDashboardUser(h.store.db, h.clock.now(), { merchantId: merchant.id, email: 'ops@mail.example', password: 'correct horse battery' });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  it('shows a konbini payment’s instructions mail, HTML in its frame and text', async () => {
    const created = await h.request({
      method: 'POST',
      url: '/api/v1/payments',
      key: merchant.secretKey,
      json: { amount: 2400, currency: 'JPY', locale: 'en', payment_details: { type: 'konbini', store: 'family-mart', email: 'hanako@example.com' } },
    });
    expect(created.status, created.text).toBe(200);
    const receipt = created.body.payment_details.receipt;

    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    const problems = watchProblems(page);
    await page.goto(`${h.services.publicUrl}/dashboard`);
    await page.fill('#email', 'ops@mail.example');
    await page.fill('#password', 'correct horse battery');
    await Promise.all([page.waitForURL('**/dashboard'), page.click('form.dash-login button[type="submit"]')]);

    await Promise.all([page.waitForURL('**/dashboard/developers/mail'), page.click('.dash-nav a[href="/dashboard/developers/mail"]')]);
    await expect.poll(() => page.locator('.dash-table tbody tr').count()).toBe(1);
    await Promise.all([page.waitForURL('**/dashboard/developers/mail/*'), page.click('.dash-table tbody tr a[href^="/dashboard/developers/mail/"]')]);

    const frame = page.frameLocator('iframe[data-mail-html]');
    await expect.poll(() => frame.locator('body').innerText()).toContain(receipt);
    expect(await frame.locator('body').innerText()).toContain('FamilyMart');
    // The mail's inline styles apply inside the sandbox (a white card on a grey ground).
    expect(await frame.locator('body > div').evaluate((div) => getComputedStyle(div).backgroundColor)).toBe('rgb(255, 255, 255)');
    // Sandboxed: no script may run in it, and it cannot reach the dashboard's document.
    expect(await page.locator('iframe[data-mail-html]').getAttribute('sandbox')).toBe('');
    expect(await page.locator('[data-mail-text]').innerText()).toContain(`Receipt number: ${receipt}`);
    await screenshot(page, 'dashboard-mail');
    expect(problems).toEqual([]);
    await context.close();
  });
});
