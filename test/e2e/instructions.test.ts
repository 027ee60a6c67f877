import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeBrowser, launchBrowser, openPage, screenshot, startOtherSite, type OtherSite } from '../helpers/browser';
import { startHarness, type Harness, type TestMerchant } from '../helpers/harness';

// The instructions pages in Chromium: open a konbini, bank transfer and PayEasy payment's
// instructions_url, read the codes the customer needs, press "Simulate payment", and check
// through the API that the payment is captured.
describeBrowser('instructions pages in a browser', () => {
  let h: Harness;
  let merchant: TestMerchant;
  let browser: Browser;
  let evil: OtherSite;
  beforeAll(async () => {
    h = await startHarness();
    await h.listen({ asPublicUrl: true });
    merchant = await h.merchant();
    browser = await launchBrowser();
    evil = await startOtherSite({
      // Another site that knows a payment id and tries to pay it through the customer's browser.
      '/attack': (url) => `<!doctype html><title>Win a prize</title>
        <form method="post" action="${url.searchParams.get('target')}"><button id="go">Claim your prize</button></form>`,
    });
  });
  afterAll(async () => {
    await browser?.close();
    await evil?.close();
    await h?.close();
  });

  const PAYER = { family_name: '山田', given_name: '太郎', family_name_kana: 'ヤマダ', given_name_kana: 'タロウ', email: 'taro@example.com', phone: '080-1111-2222' };

  async function create(paymentDetails: Record<string, unknown>, locale: string) {
    const res = await h.request({ method: 'POST', url: '/api/v1/payments', key: merchant.secretKey, json: { amount: 1000, currency: 'JPY', locale, payment_details: paymentDetails } });
    expect(res.status, res.text).toBe(200);
    return res.body;
  }

  async function apiStatus(id: string): Promise<string> {
    return (await h.request({ url: `/api/v1/payments/${id}`, key: merchant.secretKey })).body.status;
  }

  const open = (url: string, viewport?: { width: number; height: number }) => openPage(browser, url, viewport);

  const field = (page: Page, name: string) => page.locator(`[data-field="${name}"] dd`).innerText();

  it('konbini (ja): store, receipt and confirmation code; Simulate payment captures it', async () => {
    const payment = await create({ type: 'konbini', store: 'lawson', email: 'taro@example.com', phone: '090-1111-2222' }, 'ja');
    const { page, problems } = await open(payment.payment_details.instructions_url);
    expect(await page.locator('h1').innerText()).toBe('コンビニでのお支払い');
    expect(await field(page, 'store')).toBe('ローソン');
    expect(await field(page, 'receipt')).toBe(payment.payment_details.receipt);
    expect(await field(page, 'confirmation_code')).toBe('2222');
    expect(await page.locator('[data-total]').innerText()).toBe('¥1,100');
    expect(await field(page, 'deadline')).toMatch(/^\d{4}年\d{1,2}月\d{1,2}日 23:59 \(日本時間\)$/);
    // The stylesheet applied (CSP allowed it): the page background is not the browser default.
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(243, 245, 249)');
    await screenshot(page, 'instructions-konbini-ja');

    await page.getByRole('button', { name: 'お支払いをシミュレート' }).click();
    await page.waitForSelector('[data-status="captured"]');
    expect(page.url()).toBe(payment.payment_details.instructions_url);
    expect(await page.locator('.notice').innerText()).toBe('お支払いを確認しました。ありがとうございました。');
    expect(await page.getByRole('button').count()).toBe(0);
    await screenshot(page, 'instructions-konbini-ja-paid');
    expect(await apiStatus(payment.id)).toBe('captured');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('bank transfer (en): account details and remitter name; Simulate payment captures it', async () => {
    const payment = await create({ type: 'bank_transfer', ...PAYER }, 'en');
    const details = payment.payment_details;
    const { page, problems } = await open(details.instructions_url);
    expect(await page.locator('h1').innerText()).toBe('Pay with Bank Transfer');
    expect(await field(page, 'bank_name')).toBe(details.bank_name);
    expect(await field(page, 'account_branch_name')).toBe(details.account_branch_name);
    expect(await field(page, 'account_type')).toBe(details.account_type);
    expect(await field(page, 'account_number')).toBe(details.account_number);
    expect(await field(page, 'account_name')).toBe(details.account_name);
    expect(await field(page, 'order_id')).toContain(details.order_id);
    expect(await page.locator('[data-total]').innerText()).toBe('¥1,100');
    expect(await field(page, 'deadline')).toMatch(/23:59 \(Japan time\)$/);
    await screenshot(page, 'instructions-bank-transfer-en');

    await page.getByRole('button', { name: 'Simulate payment' }).click();
    await page.waitForSelector('[data-status="captured"]');
    expect(await apiStatus(payment.id)).toBe('captured');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('PayEasy (en, then ja via the language switcher) at 360 px: the three numbers, no sideways scrolling', async () => {
    const payment = await create({ type: 'pay_easy', ...PAYER }, 'en');
    const details = payment.payment_details;
    const { page, problems } = await open(details.instructions_url, { width: 360, height: 800 });
    expect(await field(page, 'bank_id')).toBe(details.bank_id);
    expect(await field(page, 'customer_id')).toBe(details.customer_id);
    expect(await field(page, 'confirmation_id')).toBe(details.confirmation_id);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await screenshot(page, 'instructions-pay-easy-en-360');

    await page.getByRole('link', { name: '日本語' }).click();
    await page.waitForURL(`**/ja/instructions/${payment.id}`);
    expect(await page.locator('[data-field="customer_id"] dt').innerText()).toBe('お客様番号');
    await screenshot(page, 'instructions-pay-easy-ja-360');
    await page.getByRole('button', { name: 'お支払いをシミュレート' }).click();
    await page.waitForSelector('[data-status="captured"]');
    expect(await apiStatus(payment.id)).toBe('captured');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('a form posted from another site does not pay the payment', async () => {
    const payment = await create({ type: 'konbini', store: 'family-mart', email: 'taro@example.com' }, 'en');
    const target = `${payment.payment_details.instructions_url}/simulate`;
    const page = await browser.newPage();
    page.setDefaultTimeout(60_000);
    await page.goto(`${evil.url}/attack?target=${encodeURIComponent(target)}`);
    await Promise.all([page.waitForURL(target), page.click('#go')]);
    expect(await page.locator('h1').innerText()).toBe('Request refused');
    await screenshot(page, 'instructions-cross-site-refused');
    expect(await apiStatus(payment.id)).toBe('authorized');
    await page.close();
  });

  it('an unknown payment is a 404 page', async () => {
    const page = await browser.newPage();
    const response = await page.goto(`${h.services.publicUrl}/en/instructions/zzzzzzzzzzzzzzzzzzzzzzzzz`);
    expect(response?.status()).toBe(404);
    expect(await page.locator('h1').innerText()).toBe('Page not found');
    await page.close();
  });
});
