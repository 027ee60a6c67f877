import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import type { Harness, TestMerchant } from './harness';

/** The seven methods of the hosted page's budgets and scans (issue 19): card, konbini, and five more. */
export const SEVEN = ['credit_card', 'konbini', 'paypay', 'bank_transfer', 'pay_easy', 'merpay', 'line_pay'];

/** The test's harness, merchant and shop, read when a call is made (a test's beforeAll sets them). */
type Scene = () => { h: Harness; merchant: TestMerchant; shopUrl: string };

/**
 * What the browser tests of the customer's pages create through the API, each returning to the
 * scene's shop (a site of the test's own): a session of SEVEN for ¥5,980 in a locale, and a
 * ¥1,000 payment of any method. `api` is the request itself, answered 200 or the test fails.
 */
export function customerPagesApi(scene: Scene) {
  const api = async (url: string, json: Record<string, unknown>, key = scene().merchant.secretKey) => {
    const res = await scene().h.request({ method: 'POST', url, key, json });
    expect(res.status, res.text).toBe(200);
    return res.body;
  };
  return {
    api,
    session: (locale: string, extra: Record<string, unknown> = {}) =>
      api('/api/v1/sessions', { amount: 5980, currency: 'JPY', default_locale: locale, return_url: `${scene().shopUrl}/done`, payment_types: SEVEN, ...extra }),
    payment: (locale: string, paymentDetails: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
      api('/api/v1/payments', { amount: 1000, currency: 'JPY', locale, return_url: `${scene().shopUrl}/done`, payment_details: paymentDetails, ...extra }),
  };
}

/** On an open hosted page: picks the card, fills in the card the test processor declines, sends it, and waits for the message. */
export async function payWithDeclinedCard(page: Page): Promise<void> {
  await page.locator('[data-pick="credit_card"]').check();
  const form = page.locator('[data-method="credit_card"] form[data-form]');
  await form.locator('input[name="name"]').fill('Taro Yamada');
  await form.locator('input[name="number"]').pressSequentially('4123111111111000');
  await form.locator('input[name="expiry"]').pressSequentially('1239');
  await form.locator('input[name="verification_value"]').fill('123');
  await form.locator('button[type="submit"]').click();
  await page.locator('[data-error="credit_card"]').waitFor();
}
