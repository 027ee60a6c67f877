import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createDashboardUser } from '../../src/domain/dashboard/auth';
import { describeBrowser, launchBrowser, watchProblems } from '../helpers/browser';
import { DASHBOARD_USER } from '../helpers/dashboard-scene';
import { startHarness, testCard, type Harness, type TestMerchant } from '../helpers/harness';
import { shootAtBothWidths } from '../helpers/page-shots';
import { seedTestData } from '../helpers/test-data';

// Issue 19: every page of the dashboard, in ja and en, saved at 1280 and 390 px wide as
// test-results/screenshots/dashboard-<page>-<locale>-<width>.png — with every kind of data
// (test/helpers/test-data.ts), and each list also as a fresh merchant first sees it
// (`<page>-empty`); at 390 px none scrolls sideways and no id wraps onto more than two lines
// (test/helpers/page-shots.ts). A failure lists every page and width at fault.
// The customer's pages: screenshots-customer.test.ts.
const DASHBOARD_LOCALES = ['ja', 'en'] as const;
const NEWCOMER = { email: 'new@shop.example', password: DASHBOARD_USER.password };

/** The sections with a list, in the menu's order: what a fresh merchant's dashboard shows empty. */
const LISTS: [name: string, path: string][] = [
  ['home', '/dashboard'],
  ['payments', '/dashboard/payments'],
  ['sessions', '/dashboard/sessions'],
  ['customers', '/dashboard/customers'],
  ['subscriptions', '/dashboard/subscriptions'],
  ['chargebacks', '/dashboard/chargebacks'],
  ['balances', '/dashboard/balances'],
  ['settlements', '/dashboard/settlements'],
  ['disbursements', '/dashboard/disbursements'],
  ['tokens', '/dashboard/tokens'],
  ['requests', '/dashboard/developers/requests'],
  ['events', '/dashboard/developers/events'],
  ['webhooks', '/dashboard/developers/webhooks'],
  ['mail', '/dashboard/developers/mail'],
  ['test-data', '/dashboard/developers/test-data'],
];

describeBrowser('screenshots of the dashboard at 1280 and 390 px', () => {
  let h: Harness;
  let merchant: TestMerchant;
  let browser: Browser;
  let base: string;
  /** A record of each kind, by the dashboard page that shows it. */
  let details: [name: string, path: string][];

  beforeAll(async () => {
    h = await startHarness();
    base = await h.listen({ asPublicUrl: true });
    merchant = await h.merchant();
    await createDashboardUser(h.store.db, h.clock.now(), { merchantId: merchant.id, ...DASHBOARD_USER });
    const newcomer = await h.merchant();
    await createDashboardUser(h.store.db, h.clock.now(), { merchantId: newcomer.id, ...NEWCOMER });
    await seedTestData(h, merchant);
    details = await detailPages();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  /** The newest row of `table` of the merchant, which must have one. */
  async function newest(table: 'payments' | 'sessions' | 'customers' | 'subscriptions' | 'chargebacks' | 'settlements' | 'disbursements' | 'events' | 'webhook_endpoints' | 'mails'): Promise<string> {
    const row = await h.store.db.selectFrom(table).select('id').where('merchant_id', '=', merchant.id).orderBy('created_at', 'desc').executeTakeFirst();
    expect(row, `a row of ${table}`).toBeDefined();
    return row!.id;
  }

  /** The detail pages, on the seeded rows, plus payments that still await something. */
  async function detailPages(): Promise<[string, string][]> {
    const create = async (json: Record<string, unknown>) => {
      const res = await h.request({ method: 'POST', url: '/api/v1/payments', key: merchant.secretKey, json: { amount: 4980, currency: 'JPY', ...json } });
      expect(res.status, res.text).toBe(200);
      return res.body.id as string;
    };
    const authorized = await create({ capture: false, payment_details: testCard() });
    // Its instructions mail, in English (the seeded one is in Japanese), is the newest.
    const konbini = await create({ locale: 'en', payment_details: { type: 'konbini', store: 'seven-eleven', email: 'hanako@example.com' } });
    const chargeback = await newest('chargebacks');
    const disputed = await h.store.db.selectFrom('chargebacks').select('payment_id').where('id', '=', chargeback).executeTakeFirstOrThrow();
    const webhook = await newest('webhook_endpoints');
    return [
      ['payments-detail', `/dashboard/payments/${disputed.payment_id}`],
      ['payments-detail-authorized', `/dashboard/payments/${authorized}`],
      ['payments-detail-konbini', `/dashboard/payments/${konbini}`],
      ['sessions-detail', `/dashboard/sessions/${await newest('sessions')}`],
      ['customers-detail', `/dashboard/customers/${await newest('customers')}`],
      ['subscriptions-detail', `/dashboard/subscriptions/${await newest('subscriptions')}`],
      ['chargebacks-detail', `/dashboard/chargebacks/${chargeback}`],
      ['balances-detail', '/dashboard/balances/JPY'],
      ['settlements-detail', `/dashboard/settlements/${await newest('settlements')}`],
      ['disbursements-detail', `/dashboard/disbursements/${await newest('disbursements')}`],
      ['events-detail', `/dashboard/developers/events/${await newest('events')}`],
      ['webhooks-detail', `/dashboard/developers/webhooks/${webhook}`],
      ['webhooks-new', '/dashboard/developers/webhooks/new'],
      ['webhooks-edit', `/dashboard/developers/webhooks/${webhook}/edit`],
      ['webhooks-delete', `/dashboard/developers/webhooks/${webhook}/delete`],
      ['clock', '/dashboard/developers/clock'],
      ['mail-detail', `/dashboard/developers/mail/${await newest('mails')}`],
      ['test-data-confirm', '/dashboard/developers/test-data/confirm'],
      ['settings', '/dashboard/settings'],
    ];
  }

  /** Signs in as `user` in a new context speaking `locale`; the sign-in page is shot first when `shoot`. */
  async function signIn(locale: string, user: { email: string; password: string }, problems: string[], shoot = false): Promise<{ page: Page; context: BrowserContext }> {
    const context = await browser.newContext({ locale });
    const page = await context.newPage();
    page.setDefaultTimeout(60_000);
    await page.goto(`${base}/dashboard/login?locale=${locale}`);
    if (shoot) problems.push(...(await shootAtBothWidths(page, `dashboard-signin-${locale}`)));
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.fill('#email', user.email);
    await page.fill('#password', user.password);
    await Promise.all([page.waitForURL('**/dashboard'), page.click('form.dash-login button[type="submit"]')]);
    return { page, context };
  }

  /** Opens each page in `locale` (it must answer 200) and shoots it as `dashboard-<name><suffix>-<locale>`. */
  async function shootAll(page: Page, locale: string, pages: [string, string][], suffix = ''): Promise<string[]> {
    const problems: string[] = [];
    for (const [name, path] of pages) {
      const response = await page.goto(`${base}${path}${path.includes('?') ? '&' : '?'}locale=${locale}`);
      expect(response?.status(), path).toBe(200);
      expect(await page.locator('html').getAttribute('lang'), path).toBe(locale);
      problems.push(...(await shootAtBothWidths(page, `dashboard-${name}${suffix}-${locale}`)));
    }
    return problems;
  }

  for (const locale of DASHBOARD_LOCALES) {
    it(`sign-in, then every section and record with data (${locale})`, { timeout: 120_000 }, async () => {
      const problems: string[] = [];
      const { page, context } = await signIn(locale, DASHBOARD_USER, problems, true);
      const pageErrors = watchProblems(page);
      // Every section of the menu is here, so that a new one cannot be left out.
      const menu = await page.locator('.dash-nav a').evaluateAll((links) => links.map((link) => link.getAttribute('href')));
      expect(menu.filter((href) => !LISTS.some(([, path]) => path === href) && !details.some(([, path]) => path === href))).toEqual([]);
      problems.push(...(await shootAll(page, locale, [...LISTS, ...details])));
      await context.close();
      expect(problems).toEqual([]);
      expect(pageErrors).toEqual([]);
    });

    it(`every list of a fresh merchant, empty (${locale})`, { timeout: 120_000 }, async () => {
      const problems: string[] = [];
      const { page, context } = await signIn(locale, NEWCOMER, problems);
      const pageErrors = watchProblems(page);
      problems.push(...(await shootAll(page, locale, LISTS, '-empty')));
      await context.close();
      expect(problems).toEqual([]);
      expect(pageErrors).toEqual([]);
    });
  }
});
