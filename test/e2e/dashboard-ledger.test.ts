import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createDashboardUser } from '../../src/domain/dashboard/auth';
import { cutoffOf, cycleOf } from '../../src/domain/settlements';
import { describeBrowser, launchBrowser, screenshot, watchProblems } from '../helpers/browser';
import { startHarness, type Harness, type TestMerchant } from '../helpers/harness';
import { paymentApi } from '../helpers/payment-api';

// The dashboard's money pages in Chromium: a chargeback defended with a file chosen in the form
// (the browser's own multipart upload), a disbursement cancelled, balances and a settlement with
// its files; no CSP violation or console error on the way. Screenshots:
// test-results/screenshots/dashboard-chargeback.png, …-balances, …-settlement, …-disbursement.
describeBrowser('the money pages in a browser', () => {
  let h: Harness;
  let merchant: TestMerchant;
  let browser: Browser;
  const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');

  beforeAll(async () => {
    h = await startHarness();
    await h.listen({ asPublicUrl: true });
    merchant = await h.merchant();
    await createDashboardUser(h.store.db, h.clock.now(), { merchantId: merchant.id, email: 'ops@money.example', password: 'correct horse battery' });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  async function signIn(): Promise<{ page: Page; problems: string[]; close: () => Promise<void> }> {
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    const problems = watchProblems(page);
    await page.goto(`${h.services.publicUrl}/dashboard`);
    await page.fill('#email', 'ops@money.example');
    await page.fill('#password', 'correct horse battery');
    await Promise.all([page.waitForURL('**/dashboard'), page.click('form.dash-login button[type="submit"]')]);
    return { page, problems, close: () => context.close() };
  }

  it('defends a chargeback with an uploaded document', async () => {
    const api = paymentApi(h, merchant.secretKey);
    const payment = await api.create({ amount: 5000, tax: 0 });
    const opened = await api.post(`/api/v1/test_helpers/payments/${payment.id}/chargeback`, {});
    expect(opened.status, opened.text).toBe(201);
    const { page, problems, close } = await signIn();
    await Promise.all([page.waitForURL('**/dashboard/chargebacks'), page.click('.dash-nav a[href="/dashboard/chargebacks"]')]);
    await Promise.all([page.waitForURL('**/dashboard/chargebacks/*'), page.click(`a[href="/dashboard/chargebacks/${opened.body.id}"]`)]);
    await page.fill('#cb-description', 'The customer signed for the parcel.');
    await page.setInputFiles('#cb-document', { name: 'receipt.png', mimeType: 'image/png', buffer: PNG });
    await page.fill('#cb-tracking_number', 'JP123456');
    await Promise.all([page.waitForURL('**?done=defended'), page.click('form[data-form="defend"] button[type="submit"]')]);
    expect(await page.locator('[data-chargeback-status]').first().innerText()).toBe('Under review');
    expect(await page.locator('a[data-document="receipt.png"]').count()).toBe(1);
    await screenshot(page, 'dashboard-chargeback');
    expect((await api.get(`/api/v1/chargeback_requests/${opened.body.id}`)).body.defense.documents[0]).toMatchObject({ file_name: 'receipt.png', content_type: 'image/png' });
    expect(problems).toEqual([]);
    await close();
  });

  it('shows balances and a settlement, and cancels a disbursement', async () => {
    const api = paymentApi(h, merchant.secretKey);
    await api.create({ amount: 20000, tax: 0 });
    const clock = await api.get('/api/v1/test_helpers/clock');
    const cutoff = cutoffOf(cycleOf(new Date(clock.body.now)));
    await api.post('/api/v1/test_helpers/clock/advance', { seconds: Math.ceil((cutoff.getTime() - Date.parse(clock.body.now)) / 1000) + 60 });
    await api.create({ amount: 30000, tax: 0 });
    const account = { currency: 'JPY', account_number: '1234567', account_type: 'ordinary', account_name_kana: 'ヤマダ タロウ', bank_code: '0005', branch_code: '123' };
    const disbursement = await api.post('/api/v1/disbursements', { ...account, amount: 10000 });
    expect(disbursement.status, disbursement.text).toBe(200);

    const { page, problems, close } = await signIn();
    await Promise.all([page.waitForURL('**/dashboard/balances'), page.click('.dash-nav a[href="/dashboard/balances"]')]);
    expect(await page.locator('section[data-currency="JPY"] .dash-table tbody tr').count()).toBeGreaterThan(3);
    await screenshot(page, 'dashboard-balances');
    await Promise.all([page.waitForURL('**/dashboard/settlements'), page.click('.dash-nav a[href="/dashboard/settlements"]')]);
    await Promise.all([page.waitForURL('**/dashboard/settlements/*'), page.click('.dash-table tbody tr a')]);
    expect(await page.locator('a[data-file]').count()).toBe(3);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('a[data-file="csv"]')]);
    expect(download.suggestedFilename()).toMatch(/^settlement-.+\.csv$/);
    await screenshot(page, 'dashboard-settlement');
    await Promise.all([page.waitForURL('**/dashboard/disbursements'), page.click('.dash-nav a[href="/dashboard/disbursements"]')]);
    await Promise.all([page.waitForURL('**/dashboard/disbursements/*'), page.click(`a[href="/dashboard/disbursements/${disbursement.body.id}"]`)]);
    await page.fill('#cancel-reason', 'Wrong account');
    await Promise.all([page.waitForURL('**?done=cancelled'), page.click('form[data-form="cancel"] button[type="submit"]')]);
    expect(await page.locator('[data-disbursement-status]').first().innerText()).toBe('Cancelled');
    await screenshot(page, 'dashboard-disbursement');
    expect(problems).toEqual([]);
    await close();
  });
});
