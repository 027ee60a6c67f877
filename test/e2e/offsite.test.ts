import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeBrowser, launchBrowser, openPage, screenshot, startOtherSite, type OtherSite } from '../helpers/browser';
import { startHarness, type Harness, type TestMerchant } from '../helpers/harness';

// The offsite simulator in Chromium: Approve, Decline and Cancel on three payments, each landing
// on the shop's return_url (a second local server, another origin) with payment_id, and the
// resulting status read back through the API.
describeBrowser('offsite simulator in a browser', () => {
  let h: Harness;
  let merchant: TestMerchant;
  let browser: Browser;
  let shop: OtherSite;
  beforeAll(async () => {
    h = await startHarness();
    await h.listen({ asPublicUrl: true });
    merchant = await h.merchant();
    browser = await launchBrowser();
    shop = await startOtherSite({
      '/attack': (url) => `<!doctype html><title>Win a prize</title>
        <form method="post" action="${url.searchParams.get('target')}"><input type="hidden" name="action" value="approve"><button id="go">Claim your prize</button></form>`,
    });
  });
  afterAll(async () => {
    await browser?.close();
    await shop?.close();
    await h?.close();
  });

  async function create(paymentDetails: Record<string, unknown>, extra: Record<string, unknown> = {}) {
    const res = await h.request({ method: 'POST', url: '/api/v1/payments', key: merchant.secretKey, json: { amount: 1000, currency: 'JPY', payment_details: paymentDetails, ...extra } });
    expect(res.status, res.text).toBe(200);
    return res.body;
  }

  async function apiStatus(id: string): Promise<string> {
    return (await h.request({ url: `/api/v1/payments/${id}`, key: merchant.secretKey })).body.status;
  }

  const open = (url: string, viewport?: { width: number; height: number }) => openPage(browser, url, viewport);

  const CASES = [
    { type: 'line_pay', button: 'Approve', expected: 'captured', name: 'LINE Pay' },
    { type: 'paypay', button: 'Decline', expected: 'failed', name: 'PayPay' },
    { type: 'merpay', button: 'Cancel', expected: 'cancelled', name: 'Merpay' },
  ];

  for (const { type, button, expected, name } of CASES) {
    it(`${type}: ${button} → ${expected}, back on the shop's return_url with payment_id`, async () => {
      const payment = await create({ type }, { locale: 'en', return_url: `${shop.url}/done?order=42` });
      const { page, problems } = await open(payment.payment_details.redirect_url);
      expect(await page.locator('h1').innerText()).toContain(`Pay with ${name.split(' ')[0]}`);
      expect(await page.locator('[data-total]').innerText()).toBe('¥1,100');
      expect(await page.locator('[data-field="merchant"] dd').innerText()).toBe((await merchantName()) ?? '');
      await screenshot(page, `offsite-${type}-en`);

      await Promise.all([page.waitForURL(`${shop.url}/done?**`), page.getByRole('button', { name: button }).click()]);
      expect(page.url()).toBe(`${shop.url}/done?order=42&payment_id=${payment.id}`);
      expect(await page.locator('h1').innerText()).toBe('Back at the shop');
      expect(await apiStatus(payment.id)).toBe(expected);
      expect(problems).toEqual([]);
      await page.close();
    });
  }

  async function merchantName(): Promise<string | undefined> {
    const page = await h.app.inject({ url: `/offsite/new?uuid=${(await create({ type: 'line_pay' })).id}&locale=en` });
    return /data-field="merchant"><dt>[^<]*<\/dt><dd>([^<]*)<\/dd>/.exec(page.body)?.[1];
  }

  it('ja at 360 px, without a return_url: Approve lands on the result page', async () => {
    const payment = await create({ type: 'japan_mobile', brand: 'docomo' }, { locale: 'ja' });
    const { page, problems } = await open(payment.payment_details.redirect_url, { width: 360, height: 760 });
    expect(await page.locator('h1').innerText()).toContain('(docomo)');
    expect(await page.getByRole('button').allInnerTexts()).toEqual(['承認する', '拒否する', 'キャンセル']);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await screenshot(page, 'offsite-japan-mobile-ja-360');

    await Promise.all([page.waitForURL(`**/offsite/${payment.id}?locale=ja`), page.getByRole('button', { name: '承認する' }).click()]);
    expect(await page.locator('h1').innerText()).toBe('お支払いが完了しました');
    await screenshot(page, 'offsite-result-ja-360');
    expect(await apiStatus(payment.id)).toBe('captured');

    // Back to the simulator (the browser's back button): nothing left to press.
    await page.goto(payment.payment_details.redirect_url);
    expect(await page.getByRole('button').count()).toBe(0);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('a form posted from another site is refused and changes nothing', async () => {
    const payment = await create({ type: 'line_pay' }, { locale: 'en' });
    const target = `${h.services.publicUrl}/offsite/${payment.id}`;
    const page = await browser.newPage();
    page.setDefaultTimeout(60_000);
    await page.goto(`${shop.url}/attack?target=${encodeURIComponent(target)}`);
    const [response] = await Promise.all([page.waitForResponse(target), page.click('#go')]);
    expect(response.status()).toBe(403);
    expect(await page.locator('h1').innerText()).toBe('Request refused');
    // A script on the other site fares no better.
    await page.goto(`${shop.url}/attack`);
    const status = await page.evaluate(async (url) => (await fetch(url, { method: 'POST', body: new URLSearchParams({ action: 'approve' }) }).catch(() => null))?.status ?? 'blocked', target);
    expect(status === 403 || status === 'blocked').toBe(true);
    expect(await apiStatus(payment.id)).toBe('authorized');
    await page.close();
  });
});
