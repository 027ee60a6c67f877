import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { TEST_CARD_DECLINES } from '../../src/processors/test-processor';
import { sessionMessages } from '../../src/web/i18n/session';
import { describeBrowser, launchBrowser, openPage, screenshot, startOtherSite, type OtherSite } from '../helpers/browser';
import { startHarness, startTestWebhookWorker, type Harness, type TestMerchant } from '../helpers/harness';
import { expectSigned, startReceiver, type Receiver } from '../helpers/receiver';

// The Hosted Page in Chromium at 360 px, beyond a plain card payment (test/e2e/session.test.ts):
// every declining test card shown to the customer, konbini paid later (instructions → "Simulate
// payment" → payment.captured with the session id,
// delivered signed to a real HTTP receiver), one-click (save the card in one session, pay with it
// in one click in the next, then remove it), a 3-D Secure challenge card, the client-side checks of
// /assets/session.js, and a USD session paid by konbini in yen; in ja and en. Each step is saved to
// test-results/screenshots/session-*.png.
describeBrowser('hosted page flows in a browser', () => {
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
    const endpoint = await h.request({ method: 'POST', url: '/api/v1/webhooks', key: merchant.secretKey, json: { url: receiver.url, events: ['payment.authorized', 'payment.captured'] } });
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

  async function create(locale: 'ja' | 'en', extra: Record<string, unknown> = {}) {
    const res = await h.request({
      method: 'POST',
      url: '/api/v1/sessions',
      key: merchant.secretKey,
      json: { amount: 3300, currency: 'JPY', default_locale: locale, return_url: `${shop.url}/done`, payment_types: ['credit_card', 'konbini'], ...extra },
    });
    expect(res.status, res.text).toBe(200);
    return res.body as { id: string; session_url: string };
  }

  const open = (url: string) => openPage(browser, url, { width: 360, height: 800 });

  async function fillCard(page: Page, number: string) {
    await page.locator('[data-pick="credit_card"]').check();
    const form = page.locator('[data-method="credit_card"] form[data-form]');
    await form.locator('input[name="name"]').fill('Taro Yamada');
    await form.locator('input[name="number"]').pressSequentially(number);
    await form.locator('input[name="expiry"]').pressSequentially('1239');
    await form.locator('input[name="verification_value"]').fill('123');
    return form;
  }

  async function waitFor<T>(what: () => T | undefined, label: string): Promise<T> {
    for (let i = 0; i < 200; i++) {
      const found = what();
      if (found !== undefined) return found;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`timed out waiting for ${label}`);
  }

  for (const locale of ['ja', 'en'] as const) {
    it(`${locale}: konbini → instructions → simulated payment → payment.captured with the session, delivered signed`, async () => {
      const session = await create(locale);
      const { page, problems } = await open(session.session_url);
      // Stores by their names in the page's language, with logos.
      expect(await page.locator('[data-store-name="lawson"]').innerText()).toBe(locale === 'ja' ? 'ローソン' : 'Lawson');
      await page.locator('[data-pick="konbini"]').check();
      const form = page.locator('[data-method="konbini"] form');
      await form.locator('input[value="family-mart"]').check();
      await form.locator('input[name="email"]').fill('taro@example.com');
      await screenshot(page, `session-${locale}-konbini-1-store`);
      await Promise.all([page.waitForURL('**/instructions/**'), form.locator('button[type="submit"]').click()]);
      expect(page.url()).toMatch(new RegExp(`/${locale}/instructions/[0-9a-z]+$`));
      await screenshot(page, `session-${locale}-konbini-2-instructions`);
      const paymentId = page.url().split('/').pop()!;
      const authorized = await waitFor(() => receiver.forResource(paymentId).find((r) => r.body.type === 'payment.authorized'), 'payment.authorized');
      expect(authorized.body.data.session).toBe(session.id);

      await page.locator('.simulate button[type="submit"]').click();
      await page.waitForSelector('[data-status="captured"]');
      await screenshot(page, `session-${locale}-konbini-3-paid`);
      const captured = await waitFor(() => receiver.forResource(paymentId).find((r) => r.body.type === 'payment.captured'), 'payment.captured');
      expectSigned(captured, secret);
      expect(captured.body.data).toMatchObject({ id: paymentId, status: 'captured', session: session.id, payment_details: { type: 'konbini', store: 'family-mart' } });
      const shown = await h.request({ url: `/api/v1/sessions/${session.id}`, key: merchant.secretKey });
      expect(shown.body).toMatchObject({ status: 'completed', payment: { id: paymentId, status: 'captured' } });
      // …then back to the merchant.
      await Promise.all([page.waitForURL(`${shop.url}/**`), page.locator('a[data-action="return"]').click()]);
      expect(page.url()).toBe(`${shop.url}/done?session_id=${session.id}`);
      expect(problems).toEqual([]);
      await page.close();
    });

    it(`${locale}: one-click — save the card, pay with it in one click next time, then remove it`, async () => {
      const externalId = `e2e-${locale}-${Date.now()}`;
      const first = await create(locale, { external_customer_id: externalId });
      const one = await open(first.session_url);
      const form = await fillCard(one.page, '5555555555554444');
      await form.locator('input[name="save_card"]').check();
      await screenshot(one.page, `session-${locale}-oneclick-1-save`);
      await Promise.all([one.page.waitForURL(`${shop.url}/**`), form.locator('button[type="submit"]').click()]);
      expect(one.page.url()).toBe(`${shop.url}/done?session_id=${first.id}`);
      await one.page.close();

      const second = await create(locale, { external_customer_id: externalId, amount: 4400 });
      const two = await open(second.session_url);
      const saved = two.page.locator('[data-saved-card]');
      expect(await saved.innerText()).toContain('4444');
      expect(await saved.innerText()).toContain('Mastercard');
      await screenshot(two.page, `session-${locale}-oneclick-2-saved-card`);
      await Promise.all([two.page.waitForURL(`${shop.url}/**`), two.page.locator('[data-action="pay-saved"]').click()]);
      expect(two.page.url()).toBe(`${shop.url}/done?session_id=${second.id}`);
      const paid = await h.request({ url: `/api/v1/sessions/${second.id}`, key: merchant.secretKey });
      expect(paid.body.payment).toMatchObject({ status: 'captured', amount: 4400, payment_details: { brand: 'master', last_four_digits: '4444' } });
      expect(two.problems).toEqual([]);
      await two.page.close();

      const third = await create(locale, { external_customer_id: externalId });
      const three = await open(third.session_url);
      await three.page.locator('[data-action="remove-saved"]').click();
      await three.page.waitForSelector('[data-notice]');
      expect(await three.page.locator('[data-saved-card]').count()).toBe(0);
      await screenshot(three.page, `session-${locale}-oneclick-3-removed`);
      expect(three.problems).toEqual([]);
      await three.page.close();
    });

    it(`${locale}: a 3-D Secure challenge card runs the challenge and lands on the shop`, async () => {
      const session = await create(locale);
      const { page, problems } = await open(session.session_url);
      const form = await fillCard(page, '4100000000005000');
      await Promise.all([page.waitForURL('**/three_d_secure_service/offsite**'), form.locator('button[type="submit"]').click()]);
      await screenshot(page, `session-${locale}-3ds-1-challenge`);
      await page.fill('#password', '123456');
      await Promise.all([page.waitForURL(`${shop.url}/**`), page.click('button[type=submit]')]);
      expect(page.url()).toBe(`${shop.url}/done?session_id=${session.id}`);
      await screenshot(page, `session-${locale}-3ds-2-back-at-shop`);
      const shown = await h.request({ url: `/api/v1/sessions/${session.id}`, key: merchant.secretKey });
      expect(shown.body).toMatchObject({ status: 'completed', payment: { status: 'captured', payment_details: { last_four_digits: '5000' } } });
      expect(problems).toEqual([]);
      await page.close();
    });
  }

  for (const locale of ['ja', 'en'] as const) {
    it(`${locale}: each declining test card is shown to the customer in the page's language; the session stays payable`, async () => {
      const session = await create(locale);
      const { page } = await open(session.session_url);
      const texts = sessionMessages(locale).errors.declines;
      for (const [number, code] of Object.entries(TEST_CARD_DECLINES)) {
        const form = await fillCard(page, number);
        await Promise.all([
          page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith(`/sessions/${session.id}/pay`)),
          form.locator('button[type="submit"]').click(),
        ]);
        // Waits for the new page's message (the previous page showed another decline).
        await page.locator('[data-error="credit_card"]', { hasText: texts[code] }).waitFor();
        await screenshot(page, `session-${locale}-decline-${code}`);
      }
      const form = await fillCard(page, '4111111111111111');
      await Promise.all([page.waitForURL(`${shop.url}/**`), form.locator('button[type="submit"]').click()]);
      await page.close();
    });
  }

  it('en: a failed 3-D Secure challenge is shown on the page; another card then pays', async () => {
    const session = await create('en');
    const { page } = await open(session.session_url);
    const form = await fillCard(page, '4100000000300005');
    await Promise.all([page.waitForURL('**/three_d_secure_service/offsite**'), form.locator('button[type="submit"]').click()]);
    await page.fill('#password', '111111');
    await Promise.all([page.waitForURL('**/authenticated**'), page.click('button[type=submit]')]);
    expect(await page.locator('[data-error="credit_card"]').innerText()).toContain('3-D Secure');
    await screenshot(page, 'session-en-3ds-3-failed');
    const again = await fillCard(page, '4111111111111111');
    await Promise.all([page.waitForURL(`${shop.url}/**`), again.locator('button[type="submit"]').click()]);
    await page.close();
  });

  it('ja: the script formats the number and stops a wrong card before anything is sent', async () => {
    const session = await create('ja');
    const { page, problems } = await open(session.session_url);
    await page.locator('[data-pick="credit_card"]').check();
    const form = page.locator('[data-method="credit_card"] form[data-form]');
    const number = form.locator('input[name="number"]');
    await number.pressSequentially('4111111111111112');
    expect(await number.inputValue()).toBe('4111 1111 1111 1112');
    // The brand being typed is marked among the logos, the others faded.
    const brands = page.locator('[data-method="credit_card"] [data-card-brands]');
    expect(await brands.getAttribute('data-detected')).toBe('');
    expect(await brands.locator('img[data-match]').evaluateAll((logos) => logos.map((logo) => logo.getAttribute('data-brand')))).toEqual(['visa']);
    await form.locator('input[name="expiry"]').pressSequentially('1320');
    await form.locator('input[name="verification_value"]').fill('12');
    await form.locator('input[name="name"]').fill('Taro Yamada');
    let posted = false;
    page.on('request', (request) => {
      if (request.method() === 'POST') posted = true;
    });
    await form.locator('button[type="submit"]').click();
    await page.waitForSelector('[data-error="number"]');
    expect(await page.locator('[data-error="number"]').innerText()).toBe('正しいカード番号を入力してください。');
    expect(await page.locator('[data-error="expiry"]').count()).toBe(1);
    expect(await page.locator('[data-error="verification_value"]').count()).toBe(1);
    expect(posted).toBe(false);
    await screenshot(page, 'session-ja-client-checks');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('en: a USD session shows konbini converted to yen, and the payment is made in yen', async () => {
    const session = await create('en', { amount: 6000, currency: 'USD' });
    const { page } = await open(session.session_url);
    expect(await page.locator('[data-total]').innerText()).toBe('$60.00');
    expect(await page.locator('[data-converted="konbini"]').innerText()).toContain('¥8,139');
    await screenshot(page, 'session-en-usd-konbini-converted');
    await page.locator('[data-pick="konbini"]').check();
    const form = page.locator('[data-method="konbini"] form');
    await form.locator('input[value="lawson"]').check();
    await Promise.all([page.waitForURL('**/instructions/**'), form.locator('button[type="submit"]').click()]);
    expect(await page.locator('[data-total]').innerText()).toMatch(/8,139/);
    await screenshot(page, 'session-en-usd-konbini-instructions');
    await page.close();
  });
});
