import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeBrowser, launchBrowser, openPage, screenshot } from '../helpers/browser';
import { decodeBarcode } from '../helpers/barcode-decode';
import { startHarness, type Harness, type TestMerchant } from '../helpers/harness';

// A konbini slip's barcode on its instructions page in Chromium: the image loads (the page's
// strict CSP allows it), decodes back to the digits printed under it, and is the barcode the API's
// GET /barcodes/:payment_id answers; stores without barcodes show none; a paid slip shows none.
describeBrowser('konbini barcode on the instructions page', () => {
  let h: Harness;
  let merchant: TestMerchant;
  let browser: Browser;
  beforeAll(async () => {
    h = await startHarness();
    await h.listen({ asPublicUrl: true });
    merchant = await h.merchant();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  async function konbini(store: string, locale: string) {
    const payment_details = { type: 'konbini', store, email: 'taro@example.com', phone: '090-1111-2222' };
    const res = await h.request({ method: 'POST', url: '/api/v1/payments', key: merchant.secretKey, json: { amount: 1000, currency: 'JPY', locale, payment_details } });
    expect(res.status, res.text).toBe(200);
    return res.body;
  }

  it('Lawson (ja): a scannable barcode with its digits, the same the API answers; gone once paid', async () => {
    const payment = await konbini('lawson', 'ja');
    const { page, problems } = await openPage(browser, payment.payment_details.instructions_url);
    const image = page.locator('[data-barcode] img');
    await image.waitFor();
    expect(await page.locator('[data-barcode] h2').innerText()).toBe('バーコード');
    expect(await image.getAttribute('alt')).toBe('お支払い用バーコード');
    // Loaded and drawn: a broken or CSP-blocked image has no natural size.
    expect(await image.evaluate((img: HTMLImageElement) => [img.complete, img.naturalWidth, img.naturalHeight])).toEqual([true, 750, 150]);
    const number = await page.locator('[data-barcode-number]').innerText();
    expect(number).toMatch(/^91999999\d{36}$/);
    expect(number.slice(8, 29)).toBe(payment.payment_details.receipt.padStart(21, '0'));
    expect(await page.locator('[data-barcode] .hint').innerText()).toMatch(/^レジでこのバーコードをご提示ください。\d{4}年\d{1,2}月\d{1,2}日 \d\d:\d\dまで有効です。/);

    // The bytes the browser shows decode back to the digits under them.
    const src = await image.evaluate((img: HTMLImageElement) => img.src);
    const shown = await page.evaluate(async (url) => {
      const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
      return Array.from(bytes);
    }, src);
    expect(decodeBarcode(Buffer.from(shown))).toEqual({ width: 750, height: 150, text: number });

    // The page made the barcode ready: the API answers the same one at once.
    const api = await h.request({ url: `/api/v1/barcodes/${payment.id}`, key: merchant.secretKey });
    expect(api.body.status, api.text).toBe('ready');
    expect(decodeBarcode(api.body.image).text).toBe(number);
    await screenshot(page, 'instructions-konbini-barcode-ja');

    await page.getByRole('button', { name: 'お支払いをシミュレート' }).click();
    await page.waitForSelector('[data-status="captured"]');
    expect(await page.locator('[data-barcode]').count()).toBe(0);
    const png = await page.request.get(src);
    expect(png.status()).toBe(404);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('Seicomart (en): no barcode, the receipt number only', async () => {
    const payment = await konbini('seicomart', 'en');
    const { page, problems } = await openPage(browser, payment.payment_details.instructions_url);
    await page.locator('[data-field="receipt"]').waitFor();
    expect(await page.locator('[data-barcode]').count()).toBe(0);
    expect(problems).toEqual([]);
    await page.close();
  });
});
