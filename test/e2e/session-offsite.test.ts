import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeBrowser, launchBrowser, openPage, screenshot, startOtherSite, type OtherSite } from '../helpers/browser';
import { startHarness, startTestWebhookWorker, type Harness, type TestMerchant } from '../helpers/harness';
import { expectSigned, startReceiver, type Receiver } from '../helpers/receiver';

// A session paid with PayPay in Chromium, declined at the provider: the customer is back on the
// hosted page with the reason, the session still pending; then paid by card, the session is
// completed with a captured card payment, and the shop hears of each step by signed webhook.
// Screenshots: test-results/screenshots/session-offsite-*.png.
describeBrowser('a session paid offsite, declined, then paid by card, in a browser', () => {
  let h: Harness;
  let merchant: TestMerchant;
  let browser: Browser;
  let shop: OtherSite;
  let receiver: Receiver;
  let secret: string;
  let worker: Awaited<ReturnType<typeof startTestWebhookWorker>>;

  beforeAll(async () => {
    h = await startHarness();
    await h.listen({ asPublicUrl: true });
    merchant = await h.merchant();
    receiver = await startReceiver();
    const endpoint = await h.request({ method: 'POST', url: '/api/v1/webhooks', key: merchant.secretKey, json: { url: receiver.url } });
    expect(endpoint.status, endpoint.text).toBe(200);
    secret = endpoint.body.secret_token;
    worker = await startTestWebhookWorker(h);
    browser = await launchBrowser();
    shop = await startOtherSite();
  });
  afterAll(async () => {
    await worker?.stop();
    await browser?.close();
    await shop?.close();
    await receiver?.close();
    await h?.close();
    expect(worker?.errors).toEqual([]);
  });

  async function session(id: string) {
    const res = await h.request({ url: `/api/v1/sessions/${id}`, key: merchant.secretKey });
    expect(res.status, res.text).toBe(200);
    return res.body;
  }

  /** The payment events delivered (the endpoint's `ping` aside), once there are `count`. */
  async function delivered(count: number): Promise<string[]> {
    const payments = () => receiver.received.filter((r) => String(r.body.type).startsWith('payment.'));
    for (let i = 0; i < 200 && payments().length < count; i++) await new Promise((resolve) => setTimeout(resolve, 100));
    for (const request of payments()) expectSigned(request, secret);
    return payments().map((r) => `${r.body.type} ${r.body.data.payment_details.type} ${r.body.data.status} ${r.body.data.session}`);
  }

  it('PayPay → Decline → back on the hosted page with the reason → card → completed, captured', async () => {
    const created = await h.request({
      method: 'POST',
      url: '/api/v1/sessions',
      key: merchant.secretKey,
      json: { amount: 2500, currency: 'JPY', default_locale: 'en', return_url: `${shop.url}/done`, payment_types: ['paypay', 'credit_card'] },
    });
    expect(created.status, created.text).toBe(200);
    const id = created.body.id as string;
    const { page, problems } = await openPage(browser, created.body.session_url, { width: 360, height: 800 });

    // Pay with PayPay: off to the provider; nothing is paid yet.
    await page.locator('[data-pick="paypay"]').check();
    await Promise.all([page.waitForURL('**/offsite/new?**'), page.locator('[data-method="paypay"] form[data-form] button[type="submit"]').click()]);
    await screenshot(page, 'session-offsite-1-provider');
    const first = await session(id);
    expect(first).toMatchObject({ status: 'pending', completed_at: null, payment: { status: 'authorized', payment_details: { type: 'paypay' } } });
    const paypayId = first.payment.id as string;

    // Declined at PayPay: back on the hosted page, which says why and offers the methods again.
    await Promise.all([page.waitForURL(`**/sessions/${id}/return?**`), page.getByRole('button', { name: 'Decline' }).click()]);
    await page.waitForSelector('[data-error="paypay"]');
    expect(await page.locator('[data-error="paypay"]').innerText()).toContain('PayPay declined the payment.');
    await screenshot(page, 'session-offsite-2-declined');
    expect(await session(id)).toMatchObject({ status: 'pending', completed_at: null, payment: { id: paypayId, status: 'failed' } });

    // Then by card: on to the shop, the session completed with the card's captured payment.
    await page.locator('[data-pick="credit_card"]').check();
    const form = page.locator('[data-method="credit_card"] form[data-form]');
    await form.locator('input[name="name"]').fill('Taro Yamada');
    await form.locator('input[name="number"]').pressSequentially('4111111111111111');
    await form.locator('input[name="expiry"]').pressSequentially('1239');
    await form.locator('input[name="verification_value"]').fill('123');
    await Promise.all([page.waitForURL(`${shop.url}/**`), form.locator('button[type="submit"]').click()]);
    expect(page.url()).toBe(`${shop.url}/done?session_id=${id}`);
    const last = await session(id);
    expect(last).toMatchObject({ status: 'completed', payment: { status: 'captured', amount: 2500, payment_details: { type: 'credit_card', last_four_digits: '1111' } } });
    expect(last.payment.id).not.toBe(paypayId);
    expect(await delivered(3)).toEqual([
      `payment.authorized paypay authorized ${id}`,
      `payment.failed paypay failed ${id}`,
      `payment.captured credit_card captured ${id}`,
    ]);
    expect(problems).toEqual([]);
    await page.close();
  });
});
