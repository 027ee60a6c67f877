import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createDashboardUser } from '../../src/domain/dashboard/auth';
import { describeBrowser, launchBrowser, startOtherSite, type OtherSite } from '../helpers/browser';
import { customerPagesApi, payWithDeclinedCard } from '../helpers/customer-pages';
import { DASHBOARD_USER } from '../helpers/dashboard-scene';
import { startHarness, testCard, type Harness, type TestMerchant } from '../helpers/harness';

// Issue 19's accessibility budget: every page a customer (ja, en, ko) or a merchant's team (ja, en) sees,
// scanned by axe-core in Chromium, with no violation of impact serious or critical (nor content
// outside every landmark). A failure lists each rule, its help text and the elements it found, so
// the fix is in the message.
/** The customer's pages speak ja, en and ko; the dashboard ja and en. */
const PAGE_LOCALES = ['ja', 'en', 'ko'] as const;
const DASHBOARD_LOCALES = ['ja', 'en'] as const;

/**
 * The serious and critical violations on the page, one readable line per element; and `region`
 * (moderate: content outside every landmark), which the pages meet since the test-mode ribbon
 * became an <aside>, so that a screen reader's landmark list reaches everything.
 */
async function seriousViolations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical' || violation.id === 'region')
    .flatMap((violation) => violation.nodes.map((node) => `${violation.id} (${violation.impact}): ${violation.help} — ${node.target.join(' ')}: ${node.failureSummary ?? ''}`));
}

describeBrowser('accessibility of every page (axe-core)', () => {
  let h: Harness;
  let merchant: TestMerchant;
  let browser: Browser;
  let shop: OtherSite;
  let base: string;
  beforeAll(async () => {
    h = await startHarness();
    base = await h.listen({ asPublicUrl: true });
    merchant = await h.merchant();
    await createDashboardUser(h.store.db, h.clock.now(), { merchantId: merchant.id, ...DASHBOARD_USER });
    browser = await launchBrowser();
    shop = await startOtherSite();
  });
  afterAll(async () => {
    await browser?.close();
    await shop?.close();
    await h?.close();
  });

  const { api, session: sevenMethodSession, payment } = customerPagesApi(() => ({ h, merchant, shopUrl: shop.url }));

  /** Opens `url` and expects no serious or critical violation, after `act` (a click) if given. */
  async function expectAccessible(url: string, act?: (page: Page) => Promise<void>): Promise<void> {
    // axe needs a page of its own context (browser.newPage()'s is refused).
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const page = await context.newPage();
      page.setDefaultTimeout(60_000);
      expect((await page.goto(url))?.status(), url).toBe(200);
      await act?.(page);
      expect(await seriousViolations(page), url).toEqual([]);
    } finally {
      await context.close();
    }
  }

  for (const locale of PAGE_LOCALES) {
    it(`hosted page of a 7-method session, before and after a method is chosen (${locale})`, async () => {
      const session = await sevenMethodSession(locale);
      await expectAccessible(session.session_url);
      await expectAccessible(session.session_url, (page) => page.locator('[data-pick="credit_card"]').check());
      await expectAccessible(session.session_url, (page) => page.locator('[data-pick="konbini"]').check());
    });

    it(`hosted page showing a declined card's message, on a phone (${locale})`, async () => {
      const session = await sevenMethodSession(locale);
      await expectAccessible(session.session_url, async (page) => {
        await page.setViewportSize({ width: 390, height: 800 });
        await payWithDeclinedCard(page);
      });
    });

    it(`konbini and bank transfer instructions (${locale})`, async () => {
      const konbini = await payment(locale, { type: 'konbini', store: 'lawson', email: 'taro@example.com', phone: '090-1111-2222' });
      await expectAccessible(konbini.payment_details.instructions_url);
      const payer = { family_name: '山田', given_name: '太郎', family_name_kana: 'ヤマダ', given_name_kana: 'タロウ', email: 'taro@example.com', phone: '080-1111-2222' };
      const transfer = await payment(locale, { type: 'bank_transfer', ...payer });
      await expectAccessible(transfer.payment_details.instructions_url);
    });

    it(`3-D Secure challenge, offsite simulator and its result page (${locale})`, async () => {
      const token = await api('/api/v1/secure_tokens', { amount: 1000, currency: 'JPY', return_url: `${shop.url}/3ds`, payment_details: testCard({ number: '4100000000005000' }) }, merchant.publishableKey);
      await expectAccessible(`${token.authentication_url}&locale=${locale}`);
      const paypay = await payment(locale, { type: 'paypay' });
      await expectAccessible(paypay.payment_details.redirect_url);
      // Without a return_url, Approve ends on the simulator's result page.
      const res = await h.request({ method: 'POST', url: '/api/v1/payments', key: merchant.secretKey, json: { amount: 1000, currency: 'JPY', locale, payment_details: { type: 'merpay' } } });
      expect(res.status, res.text).toBe(200);
      await expectAccessible(res.body.payment_details.redirect_url, async (page) => {
        await Promise.all([page.waitForURL(`**/offsite/${res.body.id}?locale=${locale}`), page.locator('button[value="approve"]').click()]);
      });
    });

  }

  for (const locale of DASHBOARD_LOCALES) {
    it(`dashboard: sign-in, home, payments list and detail, settings (${locale})`, async () => {
      const paid = await payment(locale, testCard());
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale });
      try {
        const page = await signIn(context, locale);
        for (const path of ['/dashboard', '/dashboard/payments', `/dashboard/payments/${paid.id}`, '/dashboard/settings']) {
          await page.goto(`${base}${path}?locale=${locale}`);
          expect(await page.locator('html').getAttribute('lang')).toBe(locale);
          expect(await seriousViolations(page), path).toEqual([]);
        }
      } finally {
        await context.close();
      }
    });
  }

  it('dashboard: every section of its menu (en)', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en' });
    try {
      const page = await signIn(context, 'en');
      const sections = await page.locator('.dash-nav a').evaluateAll((links) => links.map((link) => link.getAttribute('href')!));
      expect(sections.length).toBeGreaterThan(10);
      for (const path of sections) {
        await page.goto(`${base}${path}`);
        expect(await seriousViolations(page), path).toEqual([]);
      }
    } finally {
      await context.close();
    }
  });

  /** Scans the sign-in page, then signs in as DASHBOARD_USER: the home page in `context`. */
  async function signIn(context: BrowserContext, locale: string): Promise<Page> {
    const page = await context.newPage();
    page.setDefaultTimeout(60_000);
    await page.goto(`${base}/dashboard/login?locale=${locale}`);
    expect(await seriousViolations(page), 'sign-in').toEqual([]);
    await page.fill('#email', DASHBOARD_USER.email);
    await page.fill('#password', DASHBOARD_USER.password);
    await Promise.all([page.waitForURL('**/dashboard'), page.click('form.dash-login button[type="submit"]')]);
    return page;
  }

  it('the 7-method hosted page is within its budgets: ≤ 100 KB transferred, ≤ 1,200 px tall at 1280 px', async () => {
    const session = await sevenMethodSession('ja');
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const page = await context.newPage();
      // Every response's headers and body as they came over the wire (a new context: nothing cached).
      const sizes: Promise<number>[] = [];
      page.on('requestfinished', (finished) => sizes.push(finished.sizes().then((s) => s.responseHeadersSize + s.responseBodySize)));
      await page.goto(session.session_url, { waitUntil: 'load' });
      const bytes = (await Promise.all(sizes)).reduce((sum, size) => sum + size, 0);
      expect(bytes).toBeGreaterThan(1000);
      expect(bytes).toBeLessThanOrEqual(100 * 1024);
      expect(await page.evaluate(() => document.documentElement.scrollHeight)).toBeLessThanOrEqual(1200);
    } finally {
      await context.close();
    }
  });

  it('landing page', async () => {
    await expectAccessible(`${base}/`);
  });
});
