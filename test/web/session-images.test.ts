import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness, type TestMerchant } from '../helpers/harness';

/**
 * The hosted page loads, before a method is chosen, only the images it shows then: the picker's
 * method icons. The card brands and konbini stores sit in closed forms and wait (loading=lazy)
 * until their form opens: 13 requests fewer on a 7-method session, its load from 326 ms to about
 * 200 ms (bench/pages.ts).
 */
describe('hosted page images', () => {
  let h: Harness;
  let m: TestMerchant;
  beforeAll(async () => {
    h = await startHarness();
    m = await h.merchant();
  });
  afterAll(() => h.close());

  it('loads the picker icons at once and the closed forms’ logos when their form opens', async () => {
    const types = ['credit_card', 'konbini', 'paypay'];
    const res = await h.request({ method: 'POST', url: '/api/v1/sessions', key: m.secretKey, json: { amount: 5980, currency: 'JPY', payment_types: types } });
    expect(res.status, res.text).toBe(200);
    const page = (await h.app.inject({ method: 'GET', url: new URL(res.body.session_url).pathname })).body;
    const images = [...page.matchAll(/<img [^>]*>/g)].map(([tag]) => tag);
    const icons = images.filter((tag) => tag.includes('src="/payment_methods/'));
    const logos = images.filter((tag) => /src="\/assets\/(cards|konbini)\//.test(tag));
    expect(icons).toHaveLength(types.length);
    for (const icon of icons) expect(icon).not.toContain('loading=');
    expect(logos.length).toBeGreaterThan(10);
    for (const logo of logos) expect(logo).toContain('loading="lazy"');
  });
});
