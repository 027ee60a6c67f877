import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createDashboardUser } from '../../src/domain/dashboard/auth';
import { TEST_DATA_KINDS } from '../../src/model/test-data';
import { describeBrowser, launchBrowser, screenshot, watchProblems } from '../helpers/browser';
import { startHarness, type Harness, type TestMerchant } from '../helpers/harness';
import { seedTestData, tableCounts } from '../helpers/test-data';

// "Delete test data" in Chromium: the Developers menu's Test data page counts the merchant's test
// data, its button leads to a confirmation step, and confirming deletes it (the same reset as the
// API), keeping the keys, the webhook endpoint and the signed-in user. Forms without the CSRF
// token, or without the confirmation, delete nothing; a live merchant is refused. Screenshots in
// test-results/screenshots/dashboard-test-data-*.png.
describeBrowser('Delete test data in the dashboard', () => {
  let h: Harness;
  let browser: Browser;
  const PASSWORD = 'correct horse battery';

  beforeAll(async () => {
    h = await startHarness();
    await h.listen({ asPublicUrl: true });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  async function signIn(merchant: TestMerchant, email: string, locale = 'en-US'): Promise<{ page: Page; problems: string[] }> {
    await createDashboardUser(h.store.db, h.clock.now(), { merchantId: merchant.id, email, password: PASSWORD });
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale });
    page.setDefaultTimeout(30_000);
    const problems = watchProblems(page);
    await page.goto(`${h.services.publicUrl}/dashboard/login`);
    await page.fill('#email', email);
    await page.fill('#password', PASSWORD);
    await Promise.all([page.waitForURL('**/dashboard'), page.click('form.dash-login button[type="submit"]')]);
    return { page, problems };
  }

  it('counts, confirms, deletes; refuses without the CSRF token or the confirmation', { timeout: 120_000 }, async () => {
    const m = await h.merchant();
    const other = await h.merchant();
    await seedTestData(h, m);
    await seedTestData(h, other);
    const before = await tableCounts(h.store.db, m.id);
    const otherBefore = await tableCounts(h.store.db, other.id);
    const { page, problems } = await signIn(m, 'ops@shop.example');

    await page.click('.dash-nav a[href="/dashboard/developers/test-data"]');
    for (const kind of TEST_DATA_KINDS) expect(await page.locator(`[data-count="${kind}"]`).innerText(), kind).toBe(String(before[kind]));
    await screenshot(page, 'dashboard-test-data-1-counts');

    // The button leads to the confirmation step; cancelling there deletes nothing.
    await Promise.all([page.waitForURL('**/test-data/confirm'), page.click('[data-action="delete-test-data"]')]);
    expect(await page.locator('h1').innerText()).toBe('Delete test data?');
    await screenshot(page, 'dashboard-test-data-2-confirm');
    await Promise.all([page.waitForURL('**/developers/test-data'), page.click('text=Cancel')]);
    expect(await tableCounts(h.store.db, m.id)).toEqual(before);

    // The form's own posts, without its CSRF token or without `confirm=yes`, delete nothing.
    const csrf = await page.locator('input[name="_csrf"]').first().getAttribute('value');
    const deleteUrl = `${h.services.publicUrl}/dashboard/developers/test-data/delete`;
    expect((await page.request.post(deleteUrl, { form: { confirm: 'yes' } })).status()).toBe(403);
    expect((await page.request.post(deleteUrl, { form: { confirm: 'yes', _csrf: 'x'.repeat(43) } })).status()).toBe(403);
    const unconfirmed = await page.request.post(deleteUrl, { form: { _csrf: csrf! }, headers: { 'accept-language': 'en' } });
    expect(unconfirmed.status()).toBe(422);
    expect(await unconfirmed.text()).toContain('Nothing was deleted');
    expect(await tableCounts(h.store.db, m.id)).toEqual(before);

    // Confirmed: deleted, and the page says what went.
    await page.click('[data-action="delete-test-data"]');
    await Promise.all([page.waitForURL('**/developers/test-data?deleted=*'), page.click('[data-action="confirm-delete"]')]);
    const done = await page.locator('[data-notice="ok"]').innerText();
    expect(done).toContain(`Payments ${before.payments}`);
    expect(done).toContain(`Events ${before.events}`);
    expect(done).toContain('The clock is back at real time.');
    for (const kind of TEST_DATA_KINDS) expect(await page.locator(`[data-count="${kind}"]`).innerText(), kind).toBe('0');
    await screenshot(page, 'dashboard-test-data-3-deleted');
    expect(Object.values(await tableCounts(h.store.db, m.id)).every((n) => n === 0)).toBe(true);
    expect(await tableCounts(h.store.db, other.id)).toEqual(otherBefore);

    // Still signed in, the same keys work, the endpoint is there, the clock at real time.
    const api = (url: string) => h.request({ url, key: m.secretKey });
    expect((await api('/api/v1/payments')).body.total).toBe(0);
    expect((await api('/api/v1/webhooks')).body.total).toBe(1);
    expect((await api('/api/v1/test_helpers/clock')).body.offset_seconds).toBe(0);
    await page.click('.dash-nav a[href="/dashboard/developers/clock"]');
    expect(await page.locator('[data-field="offset"] dd').innerText()).toBe('0s');

    // In Japanese.
    await page.goto(`${h.services.publicUrl}/dashboard/developers/test-data?locale=ja`);
    expect(await page.locator('[data-action="delete-test-data"]').innerText()).toBe('テストデータを削除');
    await screenshot(page, 'dashboard-test-data-4-ja');
    expect(problems).toEqual([]);
  });

  it('a live merchant gets the notice, no button, and its post is refused', { timeout: 60_000 }, async () => {
    const live = await h.merchant({ mode: 'live' });
    const { page, problems } = await signIn(live, 'ops@live.example');
    await page.click('.dash-nav a[href="/dashboard/developers/test-data"]');
    expect(await page.locator('[data-notice="error"]').innerText()).toBe('Test data can be deleted for test-mode merchants only.');
    expect(await page.locator('[data-action="delete-test-data"]').count()).toBe(0);
    const csrf = await page.locator('input[name="_csrf"]').first().getAttribute('value');
    const res = await page.request.post(`${h.services.publicUrl}/dashboard/developers/test-data/delete`, { form: { confirm: 'yes', _csrf: csrf! } });
    expect(res.status()).toBe(403);
    expect(problems).toEqual([]);
  });
});
