import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { KONBINI_STORE_ORDER } from '../../src/domain/sessions';
import { describeBrowser, launchBrowser, openPage, screenshot, startOtherSite, type OtherSite } from '../helpers/browser';
import { startHarness, type Harness, type TestMerchant } from '../helpers/harness';

// In Chromium, a merchant's checkout on another origin draws a session's images the way KOMOJU
// Fields (degica/komoju-fields) does: it reads the session with the publishable key, then, in its
// shadow DOM, `<img src="${komojuApi}/payment_methods/${type}.svg">` per method (the picker,
// src/komoju-picker-element.ts) and `<img src="${komojuApi}${brands[store].icon}">` per konbini
// store (src/fields/konbini/module.ts). Every image must load: natural width > 0.
describeBrowser('KOMOJU Fields images on a page on another origin', () => {
  let h: Harness;
  let m: TestMerchant;
  let base: string;
  let browser: Browser;
  let shop: OtherSite;

  beforeAll(async () => {
    h = await startHarness();
    base = await h.listen({ asPublicUrl: true });
    m = await h.merchant();
    browser = await launchBrowser();
    shop = await startOtherSite({
      '/checkout': (url) => `<!doctype html><title>Checkout</title><div id="fields"></div><p id="state">loading</p>
<script>
const komojuApi = ${JSON.stringify(base)};
const sessionId = ${JSON.stringify(url.searchParams.get('session') ?? '')};
const publishableKey = ${JSON.stringify(m.publishableKey)};
(async () => {
  const res = await fetch(komojuApi + '/api/v1/sessions/' + sessionId, {
    headers: { accept: 'application/json', 'content-type': 'application/json', authorization: 'Basic ' + btoa(publishableKey + ':') },
  });
  const session = await res.json();
  const root = document.getElementById('fields').attachShadow({ mode: 'open' });
  const images = [];
  const add = (kind, src) => {
    const img = document.createElement('img');
    img.dataset.kind = kind;
    img.src = src;
    img.style.width = '42px';
    root.append(img);
    images.push(img);
  };
  for (const method of session.payment_methods) {
    add('method:' + method.type, komojuApi + '/payment_methods/' + method.type + '.svg');
    if (method.type === 'konbini') for (const brand in method.brands) add('konbini:' + brand, komojuApi + method.brands[brand].icon);
  }
  await Promise.all(images.map((img) => img.decode().catch(() => undefined)));
  window.loaded = images.map((img) => ({ kind: img.dataset.kind, src: img.src, width: img.naturalWidth }));
  document.getElementById('state').textContent = 'done';
})();
</script>`,
    });
  });
  afterAll(async () => {
    await browser?.close();
    await shop?.close();
    await h?.close();
  });

  it('shows the konbini store logos and every method icon', async () => {
    const types = ['credit_card', 'konbini', 'bank_transfer', 'pay_easy', 'paypay', 'line_pay', 'alipay'];
    const session = await h.request({ method: 'POST', url: '/api/v1/sessions', key: m.secretKey, json: { amount: 6000, currency: 'JPY', payment_types: types } });
    expect(session.status, session.text).toBe(200);
    const { page, problems } = await openPage(browser, `${shop.url}/checkout?session=${session.body.id}`);
    await page.waitForFunction(() => document.getElementById('state')?.textContent === 'done');
    await screenshot(page, 'fields-images');
    const loaded = (await page.evaluate('window.loaded')) as { kind: string; src: string; width: number }[];
    expect(loaded.map((image) => image.kind)).toEqual([
      ...types.slice(0, 2).map((type) => `method:${type}`),
      ...KONBINI_STORE_ORDER.map((store) => `konbini:${store}`),
      ...types.slice(2).map((type) => `method:${type}`),
    ]);
    for (const image of loaded) expect(image.width, `${image.kind} ${image.src}`).toBeGreaterThan(0);
    expect(problems).toEqual([]);
  });
});
