import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { changeBrand } from '../../src/domain/merchant-brand';
import { describeBrowser, launchBrowser, startOtherSite, watchProblems, type OtherSite } from '../helpers/browser';
import { startHarness, testCard, type Harness, type TestMerchant } from '../helpers/harness';
import { customerPagesApi, payWithDeclinedCard } from '../helpers/customer-pages';
import { pngImage } from '../helpers/images';
import { phoneLayoutProblems, shootAtBothWidths } from '../helpers/page-shots';

// Issue 19: every page a customer sees, in ja, en and ko, saved at 1280 and 390 px wide as
// test-results/screenshots/<area>-<page>-<locale>-<width>.png; at 390 px none scrolls sideways
// and no id wraps onto more than two lines (test/helpers/page-shots.ts). A failure lists every
// page and width at fault. The dashboard's pages: screenshots-dashboard.test.ts.
const PAGE_LOCALES = ['ja', 'en', 'ko'] as const;
const PAYER = { family_name: '山田', given_name: '太郎', family_name_kana: 'ヤマダ', given_name_kana: 'タロウ', email: 'taro@example.com', phone: '080-1111-2222' };
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

describeBrowser('screenshots of the customer pages at 1280 and 390 px', () => {
  let h: Harness;
  let merchant: TestMerchant;
  let browser: Browser;
  let context: BrowserContext;
  let shop: OtherSite;
  let base: string;
  beforeAll(async () => {
    h = await startHarness();
    base = await h.listen({ asPublicUrl: true });
    merchant = await h.merchant();
    // As a shop would show itself (Settings → Brand): its name and logo above every page.
    await changeBrand(h.store.db, merchant.id, { name: 'Kessai Coffee Roasters', logo: pngImage(240, 60) }, h.clock.now());
    browser = await launchBrowser();
    context = await browser.newContext();
    shop = await startOtherSite();
  });
  afterAll(async () => {
    await browser?.close();
    await shop?.close();
    await h?.close();
  });

  const { api, session, payment } = customerPagesApi(() => ({ h, merchant, shopUrl: shop.url }));

  /** A form posted as the customer's browser posts it (same site), without Chromium. */
  async function post(url: string, form: Record<string, string>, status = 303) {
    const res = await h.app.inject({ method: 'POST', url, headers: FORM, payload: new URLSearchParams(form).toString() });
    expect(res.statusCode, res.body).toBe(status);
    return res;
  }

  const CARD_FORM = { type: 'credit_card', name: 'Taro Yamada', number: '4111111111111111', expiry: '12/39', verification_value: '123' };

  /** Each page: open it (the shot's name, its URL, then what to do there), shoot it at both widths. */
  async function shootAll(page: Page, locale: string, shots: [name: string, url: string | null, act?: (page: Page) => Promise<unknown>][]): Promise<string[]> {
    const problems: string[] = [];
    for (const [name, url, act] of shots) {
      if (url) {
        const response = await page.goto(url);
        expect(response?.status(), `${name}: ${url}`).toBe(name.startsWith('error-') ? 404 : 200);
      }
      await act?.(page);
      expect(await page.locator('html').getAttribute('lang'), name).toBe(locale);
      problems.push(...(await shootAtBothWidths(page, `${name}-${locale}`)));
    }
    return problems;
  }

  for (const locale of PAGE_LOCALES) {
    it(`the Hosted Page in each state (${locale})`, { timeout: 120_000 }, async () => {
      // Created first, expired by the time it is shown (last).
      const expiring = await session(locale, { expires_in_seconds: 1 });
      const open = await session(locale);
      const declined = await session(locale);
      const paid = await session(locale);
      await post(`/sessions/${paid.id}/pay`, CARD_FORM);
      const cancelled = await session(locale);
      await post(`/sessions/${cancelled.id}/cancel`, {});
      // Back from the offsite simulator, declined there: the page again with the reason.
      const offsite = await session(locale);
      const toProvider = await post(`/sessions/${offsite.id}/pay`, { type: 'paypay' });
      const offsitePayment = new URL(String(toProvider.headers.location), base).searchParams.get('uuid')!;
      await post(`/offsite/${offsitePayment}`, { action: 'decline' });
      // A card saved by an earlier session of the same shopper, offered on the next one.
      const shopper = `shopper-${locale}`;
      const earlier = await session(locale, { external_customer_id: shopper });
      await post(`/sessions/${earlier.id}/pay`, { ...CARD_FORM, save_card: '1' });
      const withSavedCard = await session(locale, { external_customer_id: shopper });
      const untilExpired = Date.parse(expiring.expires_at) - Date.now();
      if (untilExpired > 0) await new Promise((resolve) => setTimeout(resolve, untilExpired + 100));

      const page = await context.newPage();
      page.setDefaultTimeout(60_000);
      const pageErrors = watchProblems(page);
      const problems = await shootAll(page, locale, [
        ['hosted-picker', open.session_url],
        ['hosted-card', null, (p) => p.locator('[data-pick="credit_card"]').check()],
        ['hosted-konbini', null, (p) => p.locator('[data-pick="konbini"]').check()],
        ['hosted-bank-transfer', null, (p) => p.locator('[data-pick="bank_transfer"]').check()],
        ['hosted-paypay', null, (p) => p.locator('[data-pick="paypay"]').check()],
        ['hosted-declined', declined.session_url, (p) => payWithDeclinedCard(p)],
        ['hosted-offsite-declined', `${base}/sessions/${offsite.id}/return?payment_id=${offsitePayment}&locale=${locale}`],
        ['hosted-saved-card', withSavedCard.session_url],
        ['hosted-completed', paid.session_url],
        ['hosted-cancelled', cancelled.session_url],
        ['hosted-expired', expiring.session_url],
      ]);
      await page.close();
      expect(problems).toEqual([]);
      // The declined card's answer (422) is the one console error Chromium reports.
      expect(pageErrors.filter((line) => !line.includes('422'))).toEqual([]);
    });

    it(`instructions, 3-D Secure, the offsite simulator and its result, the 404 page (${locale})`, { timeout: 120_000 }, async () => {
      const konbini = await payment(locale, { type: 'konbini', store: 'lawson', email: 'taro@example.com', phone: '090-1111-2222' });
      const transfer = await payment(locale, { type: 'bank_transfer', ...PAYER });
      const payEasy = await payment(locale, { type: 'pay_easy', ...PAYER });
      const token = await api('/api/v1/secure_tokens', { amount: 1000, currency: 'JPY', return_url: `${shop.url}/3ds`, payment_details: testCard({ number: '4100000000005000' }) }, merchant.publishableKey);
      const paypay = await payment(locale, { type: 'paypay' });
      // Without a return_url, Approve ends on the simulator's result page.
      const merpay = await api('/api/v1/payments', { amount: 1000, currency: 'JPY', locale, payment_details: { type: 'merpay' } });
      await post(`/offsite/${merpay.id}`, { action: 'approve', locale });

      const page = await context.newPage();
      page.setDefaultTimeout(60_000);
      // A path nothing serves answers in the browser's language.
      await page.setExtraHTTPHeaders({ 'accept-language': locale });
      const pageErrors = watchProblems(page);
      const problems = await shootAll(page, locale, [
        ['instructions-konbini', konbini.payment_details.instructions_url],
        ['instructions-bank-transfer', transfer.payment_details.instructions_url],
        ['instructions-pay-easy', payEasy.payment_details.instructions_url],
        ['three-d-secure-challenge', `${token.authentication_url}&locale=${locale}`],
        ['offsite-simulator', paypay.payment_details.redirect_url],
        ['offsite-result', `${base}/offsite/${merpay.id}?locale=${locale}`],
        ['error-not-found', `${base}/no/such/page`],
      ]);
      await page.close();
      expect(problems).toEqual([]);
      // The 404 answer itself is the one console error Chromium reports.
      expect(pageErrors.filter((line) => !line.includes('404'))).toEqual([]);
    });
  }

  it('the landing page (en)', async () => {
    const page = await context.newPage();
    expect((await page.goto(`${base}/`))?.status()).toBe(200);
    expect(await shootAtBothWidths(page, 'landing-home-en')).toEqual([]);
    await page.close();
  });

  it('the 390 px check finds a page that scrolls sideways and an id wrapped character by character', async () => {
    const page = await context.newPage();
    await page.setViewportSize({ width: 390, height: 900 });
    const id = 'pay_5ya2y3clq0x4fkxz9pu2nxt6f';
    await page.setContent(`<p style="width: 3em"><code style="overflow-wrap: anywhere">${id}</code></p><p style="width: 3em"><span class="dash-id"><code style="white-space: nowrap">${id}</code></span> <span class="code">ok</span></p>`);
    // The id cut to one line by nowrap, and the short one, pass.
    const wrapped = await phoneLayoutProblems(page, 'wrapped');
    expect(wrapped).toHaveLength(1);
    expect(wrapped[0]).toMatch(new RegExp(`^wrapped: id “${id}” wraps onto \\d+ lines$`));
    await page.setContent('<div style="width: 600px">wide</div>');
    expect(await phoneLayoutProblems(page, 'wide')).toEqual(['wide: scrolls sideways (608 px of content in 390 px)']);
    await page.close();
  });
});
