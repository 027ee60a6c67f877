import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KONBINI_STORE_ORDER } from '../../src/domain/sessions';
import { METHODS } from '../../src/methods';
import { startHarness, type Harness, type TestMerchant } from '../helpers/harness';

// The images a merchant's page loads from this server through KOMOJU Fields: konbini store logos
// (`${komojuApi}${brands[store].icon}`), payment-method icons (`${komojuApi}/payment_methods/<type>.svg`)
// and card brand logos. Another origin may embed them (Cross-Origin-Resource-Policy: cross-origin);
// pages, scripts and stylesheets stay same-origin. test/e2e/fields-images.test.ts loads them in Chromium.
let h: Harness;
let m: TestMerchant;
beforeAll(async () => {
  h = await startHarness();
  m = await h.merchant();
});
afterAll(() => h.close());

function expectPublicImage(res: { statusCode: number; headers: Record<string, unknown>; body: string }, url: string): void {
  expect(res.statusCode, url).toBe(200);
  expect(res.headers['content-type'], url).toBe('image/svg+xml');
  expect(res.headers['cross-origin-resource-policy'], url).toBe('cross-origin');
  expect(res.headers['cache-control'], url).toBe('public, max-age=3600');
  expect(res.headers['x-content-type-options'], url).toBe('nosniff');
  expect(res.body, url).toMatch(/^<svg [^>]*role="img" aria-label="[^"]+"/);
}

describe('payment-method icons at /payment_methods/<type>.svg', () => {
  it.each(METHODS.map((method) => [method.type, method.names.en]))('%s has one', async (type, name) => {
    const res = await h.app.inject({ url: `/payment_methods/${type}.svg` });
    expectPublicImage(res, type);
    expect(res.body).toContain(`aria-label="${name.replace(/&/g, '&amp;')}"`);
  });

  it('ignores a query (KOMOJU: credit_card.svg?brands=visa); an unknown type is a 404 page', async () => {
    expectPublicImage(await h.app.inject({ url: '/payment_methods/credit_card.svg?brands=visa' }), 'query');
    for (const url of ['/payment_methods/nope.svg', '/payment_methods/..%2ffavicon.svg', '/payment_methods/%2e%2e%2fkonbini%2flawson.svg']) {
      const res = await h.app.inject({ url });
      expect(res.statusCode, url).toBe(404);
      expect(res.headers['content-type'], url).toBe('text/html; charset=utf-8');
    }
  });

  it('every method GET /api/v1/payment_methods lists has its icon', async () => {
    const methods = await h.request({ url: '/api/v1/payment_methods', key: m.publishableKey });
    expect(methods.status).toBe(200);
    for (const { type_slug } of methods.body as { type_slug: string }[]) {
      expect((await h.app.inject({ url: `/payment_methods/${type_slug}.svg` })).statusCode, type_slug).toBe(200);
    }
  });
});

describe('Cross-Origin-Resource-Policy', () => {
  it('konbini and card logos: cross-origin, from the paths a session gives', async () => {
    const session = await h.request({ method: 'POST', url: '/api/v1/sessions', key: m.secretKey, json: { amount: 1000, currency: 'JPY', payment_types: ['credit_card', 'konbini'] } });
    expect(session.status, session.text).toBe(200);
    const [card, konbini] = session.body.payment_methods;
    for (const store of KONBINI_STORE_ORDER) {
      const { icon } = konbini.brands[store];
      expectPublicImage(await h.app.inject({ url: icon }), icon);
    }
    for (const brand of card.brands as string[]) expectPublicImage(await h.app.inject({ url: `/assets/cards/${brand}.svg` }), brand);
    expect((await h.app.inject({ url: '/assets/favicon.svg' })).headers['cross-origin-resource-policy']).toBe('cross-origin');
  });

  it('pages, scripts and stylesheets stay same-origin', async () => {
    const session = await h.request({ method: 'POST', url: '/api/v1/sessions', key: m.secretKey, json: { amount: 1000, currency: 'JPY' } });
    for (const url of ['/assets/kessai.css', '/assets/session.js', new URL(session.body.session_url).pathname, '/assets/missing.svg']) {
      const res = await h.app.inject({ url });
      expect(res.headers['cross-origin-resource-policy'], url).toBe('same-origin');
    }
  });
});
