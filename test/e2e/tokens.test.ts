import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeBrowser, launchBrowser, startOtherSite, watchProblems, type OtherSite } from '../helpers/browser';
import { startHarness, testCard, type Harness, type TestMerchant } from '../helpers/harness';

// In Chromium, from a checkout page on another origin (the merchant's shop): the publishable key
// creates a token (CORS lets the page read the answer), but the same page cannot read a payment,
// with the publishable key or even the secret one (no CORS header on secret-key routes). Then
// the 3-D Secure challenge page, answered in the browser, back at the shop.
describeBrowser('tokens from a browser page on another origin', () => {
  let h: Harness;
  let m: TestMerchant;
  let base: string;
  let browser: Browser;
  let shop: OtherSite;
  let paymentId: string;

  beforeAll(async () => {
    h = await startHarness();
    base = await h.listen({ asPublicUrl: true });
    m = await h.merchant();
    const payment = await h.request({ method: 'POST', url: '/api/v1/payments', key: m.secretKey, json: { amount: 1000, currency: 'JPY', payment_details: testCard() } });
    paymentId = payment.body.id;
    browser = await launchBrowser();
    shop = await startOtherSite({
      // The shop's checkout: its script calls kessai directly, as KOMOJU's own client libraries do.
      '/checkout': () => `<!doctype html><title>Checkout</title><pre id="out">running</pre>
<script>
const api = ${JSON.stringify(base)};
const auth = (key) => 'Basic ' + btoa(key + ':');
async function attempt(name, request) {
  try {
    const res = await request();
    return name + ': ' + res.status + ' ' + (await res.text());
  } catch (error) {
    return name + ': blocked ' + error.name;
  }
}
(async () => {
  const lines = [];
  lines.push(await attempt('token', () => fetch(api + '/api/v1/tokens', {
    method: 'POST',
    headers: { Authorization: auth(${JSON.stringify(m.publishableKey)}), 'Content-Type': 'application/json' },
    body: JSON.stringify({ payment_details: ${JSON.stringify(testCard({ email: 'taro@example.com' }))} }),
  })));
  lines.push(await attempt('payment-pk', () => fetch(api + '/api/v1/payments/${paymentId}', { headers: { Authorization: auth(${JSON.stringify(m.publishableKey)}) } })));
  lines.push(await attempt('payment-sk', () => fetch(api + '/api/v1/payments/${paymentId}', { headers: { Authorization: auth(${JSON.stringify(m.secretKey)}) } })));
  document.getElementById('out').textContent = lines.join('\\n');
  document.getElementById('out').dataset.done = 'yes';
})();
</script>`,
    });
  });
  afterAll(async () => {
    await browser?.close();
    await shop?.close();
    await h?.close();
  });

  it('creates a token with the publishable key (CORS) and cannot read a payment', async () => {
    const page = await browser.newPage();
    page.setDefaultTimeout(60_000);
    await page.goto(`${shop.url}/checkout`);
    await page.locator('#out[data-done="yes"]').waitFor();
    const lines = (await page.locator('#out').innerText()).split('\n');

    const [tokenLine, payPk, paySk] = lines;
    expect(tokenLine).toMatch(/^token: 200 /);
    const token = JSON.parse(tokenLine.replace(/^token: 200 /, ''));
    expect(token).toMatchObject({ id: expect.stringMatching(/^tok_/), resource: 'token', payment_details: { type: 'credit_card', email: 'taro@example.com' } });
    expect(payPk).toBe('payment-pk: blocked TypeError');
    expect(paySk).toBe('payment-sk: blocked TypeError');
    await page.close();

    // The token the page made pays on the merchant's server.
    const paid = await h.request({ method: 'POST', url: '/api/v1/payments', key: m.secretKey, json: { amount: 1000, currency: 'JPY', payment_details: token.id } });
    expect(paid.status, paid.text).toBe(200);
  });

  it('answers a 3-D Secure challenge in the browser and lands back at the shop', async () => {
    const created = await h.request({
      method: 'POST',
      url: '/api/v1/secure_tokens',
      key: m.publishableKey,
      json: { amount: 1000, currency: 'JPY', return_url: `${shop.url}/done?order=7`, payment_details: testCard({ number: '5100000000005007' }) },
    });
    expect(created.status, created.text).toBe(200);
    const page = await browser.newPage();
    page.setDefaultTimeout(60_000);
    const problems = watchProblems(page);
    await page.goto(`${created.body.authentication_url}&locale=en`);
    expect(await page.locator('h1').innerText()).toBe('3-D Secure authentication');
    await page.fill('#password', '123456');
    await Promise.all([page.waitForURL(`${shop.url}/done?order=7`), page.click('button[type=submit]')]);
    expect(await page.locator('h1').innerText()).toBe('Back at the shop');
    expect(problems).toEqual([]);
    await page.close();

    const shown = await h.request({ url: `/api/v1/secure_tokens/${created.body.id}`, key: m.secretKey });
    expect(shown.body.verification_status).toBe('OK');
    const paid = await h.request({ method: 'POST', url: '/api/v1/payments', key: m.secretKey, json: { amount: 1000, currency: 'JPY', payment_details: created.body.id } });
    expect(paid.status, paid.text).toBe(200);
  });
});
