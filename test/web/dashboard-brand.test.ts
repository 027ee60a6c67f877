import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDashboardUser } from '../../src/domain/dashboard/auth';
import { setKeyCacheMs } from '../../src/domain/merchant-changes';
import { KEY_CACHE_MS } from '../../src/store/merchants.repo';
import { API_VERSIONS } from '../../src/wire/api-version';
import { DASHBOARD_PASSWORD, signedIn, type DashboardBrowser } from '../helpers/dashboard-browser';
import { startHarness, type Harness, type TestMerchant } from '../helpers/harness';
import { jpegHead, pngImage } from '../helpers/images';

/**
 * Settings → Brand (issue 19): the display name and logo a merchant's customers see above the
 * hosted page, the instructions and the offsite result page; the logo served at /logos/<sha256>,
 * one merchant's only, refused with a reason when it is not a small PNG, JPEG or WebP image.
 */

let h: Harness;
let shop: TestMerchant;
let other: TestMerchant;
beforeAll(async () => {
  // Key lookups kept for an hour: a change the API shows at once was forgotten, not timed out.
  setKeyCacheMs(3_600_000);
  h = await startHarness();
  [shop, other] = [await h.merchant(), await h.merchant()];
  for (const [m, email] of [[shop, 'ops@brand.example'], [other, 'ops@plain.example']] as const) {
    await createDashboardUser(h.store.db, h.clock.now(), { merchantId: m.id, email, password: DASHBOARD_PASSWORD });
  }
});
afterAll(async () => {
  await h.close();
  setKeyCacheMs(KEY_CACHE_MS);
});

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const png = (bytes: Buffer, name = 'logo.png') => ({ logo: { name, type: 'image/png', bytes } });

async function hostedPage(m: TestMerchant): Promise<string> {
  const res = await h.request({ method: 'POST', url: '/api/v1/sessions', key: m.secretKey, json: { amount: 5980, currency: 'JPY', payment_types: ['konbini'], return_url: 'https://shop.example/done' } });
  expect(res.status, res.text).toBe(200);
  const page = await h.app.inject({ method: 'GET', url: new URL(res.body.session_url).pathname });
  expect(page.statusCode).toBe(200);
  return page.body;
}

async function saveBrand(browser: DashboardBrowser, name: string, files = {}, extra: Record<string, string> = {}) {
  return browser.postMultipart('/dashboard/settings/brand', { name, ...extra }, files);
}

describe('settings → brand', () => {
  it('shows the display name and no logo at first; customers see the name alone', async () => {
    const browser = await signedIn(h.app, 'ops@plain.example');
    const settings = await browser.get('/dashboard/settings?locale=en');
    expect(settings.body).toContain('data-section="brand"');
    expect(settings.body).toContain('enctype="multipart/form-data"');
    expect(settings.body).toMatch(/id="brand-name" name="name" value="[^"]+"/);
    expect(settings.body).toContain('data-logo="none"');
    expect(await hostedPage(other)).not.toContain('merchant-logo');
  });

  it('saves a name and a PNG logo: customers see both, the image is served for good at its digest', async () => {
    const browser = await signedIn(h.app, 'ops@brand.example');
    const logo = pngImage(400, 100);
    const saved = await saveBrand(browser, '  Kessai   Coffee Roasters ', png(logo));
    expect(saved.statusCode, saved.body).toBe(303);
    expect(saved.headers.location).toBe('/dashboard/settings?done=brand');
    const settings = await browser.get('/dashboard/settings?done=brand&locale=en');
    expect(settings.body).toContain('The brand was saved.');
    expect(settings.body).toContain(`src="/logos/${sha256(logo)}"`);
    expect(settings.body).toContain('value="Kessai Coffee Roasters"');

    // 400 × 100 drawn 40 px tall.
    const page = await hostedPage(shop);
    expect(page).toContain(`<img class="merchant-logo" src="/logos/${sha256(logo)}" alt="" width="160" height="40" data-merchant-logo>`);
    expect(page).toContain('<p class="merchant" data-field="merchant">Kessai Coffee Roasters</p>');

    const image = await h.app.inject({ method: 'GET', url: `/logos/${sha256(logo)}` });
    expect(image.statusCode).toBe(200);
    expect(image.headers['content-type']).toBe('image/png');
    expect(image.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(image.headers['x-content-type-options']).toBe('nosniff');
    expect(image.rawPayload.equals(logo)).toBe(true);

    // Another merchant's pages are not this one's.
    expect(await hostedPage(other)).not.toContain('merchant-logo');
  });

  it('shows the logo on the konbini instructions and on the offsite result page', async () => {
    const browser = await signedIn(h.app, 'ops@brand.example');
    const logo = pngImage(1000, 100);
    expect((await saveBrand(browser, 'Kessai Coffee', png(logo))).statusCode).toBe(303);
    // 1,000 × 100 is held to the box's 200 px width.
    const tag = `<img class="merchant-logo" src="/logos/${sha256(logo)}" alt="" width="200" height="20" data-merchant-logo>`;
    const konbini = await h.request({ method: 'POST', url: '/api/v1/payments', key: shop.secretKey, json: { amount: 1000, currency: 'JPY', payment_details: { type: 'konbini', store: 'lawson', email: 'taro@example.com', phone: '09011112222' } } });
    expect(konbini.status, konbini.text).toBe(200);
    expect((await h.app.inject({ method: 'GET', url: new URL(konbini.body.payment_details.instructions_url).pathname })).body).toContain(tag);
    const paypay = await h.request({ method: 'POST', url: '/api/v1/payments', key: shop.secretKey, json: { amount: 1000, currency: 'JPY', payment_details: { type: 'paypay' } } });
    expect(paypay.status, paypay.text).toBe(200);
    expect((await h.app.inject({ method: 'GET', url: `/offsite/${paypay.body.id}` })).body).toContain(tag);
  });

  it('replaces the logo (a new address; the old one is gone), keeps it when no file is chosen, and removes it', async () => {
    const browser = await signedIn(h.app, 'ops@brand.example');
    const first = pngImage(120, 40);
    const second = pngImage(80, 80);
    expect((await saveBrand(browser, 'Kessai Coffee', png(first))).statusCode).toBe(303);
    expect((await saveBrand(browser, 'Kessai Coffee', png(second))).statusCode).toBe(303);
    expect((await h.app.inject({ method: 'GET', url: `/logos/${sha256(first)}` })).statusCode).toBe(404);
    expect(await hostedPage(shop)).toContain(`src="/logos/${sha256(second)}"`);

    // A browser sends an empty file when none is chosen: the name changes, the logo stays.
    expect((await saveBrand(browser, 'Kessai Tea', png(Buffer.alloc(0), ''))).statusCode).toBe(303);
    const kept = await hostedPage(shop);
    expect(kept).toContain(`src="/logos/${sha256(second)}"`);
    expect(kept).toContain('>Kessai Tea</p>');

    expect((await saveBrand(browser, 'Kessai Tea', {}, { remove_logo: '1' })).statusCode).toBe(303);
    expect(await hostedPage(shop)).not.toContain('merchant-logo');
    expect((await h.app.inject({ method: 'GET', url: `/logos/${sha256(second)}` })).statusCode).toBe(404);
    expect((await browser.get('/dashboard/settings')).body).toContain('data-logo="none"');
  });

  it.each([
    ['an SVG', { logo: { name: 'logo.png', type: 'image/png', bytes: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>') } }, 'The logo must be a PNG, JPEG or WebP image.', 'ロゴは PNG・JPEG・WebP の画像にしてください。'],
    ['a text file', { logo: { name: 'logo.png', type: 'image/png', bytes: Buffer.from('not an image at all') } }, 'The logo must be a PNG, JPEG or WebP image.', 'ロゴは PNG・JPEG・WebP の画像にしてください。'],
    ['a PNG over 40 KB', png(pngImage(200, 100, { noise: true })), 'The logo is larger than 40 KB.', 'ロゴが 40 KB を超えています。'],
    ['a PNG over 4,096 px wide', png(pngImage(5000, 1)), 'The logo can be at most 4096 pixels wide and tall.', 'ロゴの幅と高さは 4096 ピクセル以内にしてください。'],
  ])('refuses %s with the reason (422) and changes nothing, the name neither', async (_what, files, en, ja) => {
    const browser = await signedIn(h.app, 'ops@brand.example');
    const before = pngImage(60, 20);
    expect((await saveBrand(browser, 'Before', png(before))).statusCode).toBe(303);
    for (const [locale, text] of [['en', en], ['ja', ja]]) {
      await browser.get(`/dashboard/settings?locale=${locale}`);
      const refused = await saveBrand(browser, 'After', files);
      expect(refused.statusCode).toBe(422);
      expect(refused.body).toContain(text);
    }
    const page = await hostedPage(shop);
    expect(page).toContain(`src="/logos/${sha256(before)}"`);
    expect(page).toContain('>Before</p>');
  });

  it('draws a camera JPEG turned by its Exif orientation the way the browser shows it: 400 × 100 turned is 10 × 40', async () => {
    const browser = await signedIn(h.app, 'ops@brand.example');
    const turned = jpegHead(400, 100, 6);
    expect((await saveBrand(browser, 'Kessai Coffee', { logo: { name: 'photo.jpg', type: 'image/jpeg', bytes: turned } })).statusCode).toBe(303);
    expect(await hostedPage(shop)).toContain(`src="/logos/${sha256(turned)}" alt="" width="10" height="40"`);
    expect((await h.app.inject({ method: 'GET', url: `/logos/${sha256(turned)}` })).headers['content-type']).toBe('image/jpeg');
  });

  it('shows a new name in the API at once (the process forgets its cached key lookups)', async () => {
    const created = await h.request({ method: 'POST', url: '/api/v1/sessions', key: shop.secretKey, json: { amount: 100, currency: 'JPY' } });
    expect(created.status, created.text).toBe(200);
    // The session's `merchant` is in the SDK's API version.
    const headers = { 'X-KOMOJU-API-VERSION': API_VERSIONS.at(-1)! };
    const name = async () => (await h.request({ url: `/api/v1/sessions/${created.body.id}`, key: shop.secretKey, headers })).body.merchant?.name;
    await name(); // the key's lookup is cached now, for an hour
    const browser = await signedIn(h.app, 'ops@brand.example');
    expect((await saveBrand(browser, 'Renamed Roasters')).statusCode).toBe(303);
    expect(await name()).toBe('Renamed Roasters');
  });

  it('refuses a blank or too long name, or one with control characters', async () => {
    const browser = await signedIn(h.app, 'ops@brand.example');
    await browser.get('/dashboard/settings?locale=en');
    const blank = await saveBrand(browser, '   ');
    expect(blank.statusCode).toBe(422);
    expect(blank.body).toContain('The display name cannot be blank.');
    const long = await saveBrand(browser, 'x'.repeat(101));
    expect(long.statusCode).toBe(422);
    expect(long.body).toContain('The display name can be at most 100 characters.');
    const control = await saveBrand(browser, 'Kessai\u0007Coffee');
    expect(control.statusCode).toBe(422);
    expect(control.body).toContain('The display name cannot contain control characters.');
  });

  it('answers 404 for an address that is no logo, and refuses a post without the CSRF token', async () => {
    for (const url of ['/logos/nothex', `/logos/${'0'.repeat(64)}`, `/logos/${'A'.repeat(64)}`]) {
      expect((await h.app.inject({ method: 'GET', url })).statusCode, url).toBe(404);
    }
    const browser = await signedIn(h.app, 'ops@brand.example');
    expect((await browser.post('/dashboard/settings/brand', { name: 'Forged' }, null)).statusCode).toBe(403);
  });
});
