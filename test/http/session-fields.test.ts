import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness, type TestMerchant } from '../helpers/harness';

/**
 * The official SDK's Session fields the source documents predate: `merchant` ({name}), amount and
 * currency in every mode, `line_items` (stored, shown back, and on the hosted page). Shown with
 * X-KOMOJU-API-VERSION; without it the session keeps the documents' keys (docs/compatibility.md).
 */

let h: Harness;
let m: TestMerchant;
const VERSION = { 'x-komoju-api-version': '2025-01-28' };
const RETURN_URL = 'https://shop.example/done';

beforeAll(async () => {
  h = await startHarness();
  m = await h.merchant();
});
afterAll(() => h.close());

const create = (json: Record<string, unknown>, headers: Record<string, string> = VERSION) =>
  h.request({ method: 'POST', url: '/api/v1/sessions', key: m.secretKey, json: { currency: 'JPY', return_url: RETURN_URL, ...json }, headers });

const LINES = [
  { description: 'Green tea', amount: 500, quantity: 2, external_product_num: 'TEA-1', image: 'https://shop.example/tea.png' },
  { description: 'Gift wrap', amount: 200 },
];

describe('session fields of the SDK\'s model', () => {
  it('shows the merchant\'s display name', async () => {
    const merchant = await h.services.db.selectFrom('merchants').select('name').where('id', '=', m.id).executeTakeFirstOrThrow();
    const res = await create({ amount: 1200 });
    expect(res.status, res.text).toBe(200);
    expect(res.body.merchant).toEqual({ name: merchant.name });
    expect((await h.request({ url: `/api/v1/sessions/${res.body.id}`, key: m.secretKey, headers: VERSION })).body.merchant).toEqual({ name: merchant.name });
  });

  it('stores line_items and shows them back, quantity 1 when not given', async () => {
    const res = await create({ amount: 1200, line_items: LINES });
    expect(res.status, res.text).toBe(200);
    const expected = [LINES[0], { ...LINES[1], quantity: 1 }];
    expect(res.body.line_items).toEqual(expected);
    expect((await h.request({ url: `/api/v1/sessions/${res.body.id}`, key: m.secretKey, headers: VERSION })).body.line_items).toEqual(expected);
    // A session made without them has none.
    expect((await create({ amount: 1200 })).body).not.toHaveProperty('line_items');
  });

  it('the hosted page shows the lines as an order summary', async () => {
    const res = await create({ amount: 1200, line_items: LINES });
    const page = await h.app.inject({ method: 'GET', url: `/sessions/${res.body.id}?locale=en` });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Order summary');
    expect(page.body.match(/data-line-item/g)).toHaveLength(2);
    expect(page.body).toMatch(/Green tea × 2<\/span> <span class="price">[^<]*1,000/);
    expect(page.body).toContain('Gift wrap');
  });

  it('shows amount and currency in customer mode (0: it charges nothing)', async () => {
    const res = await create({ mode: 'customer' });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ mode: 'customer', amount: 0, currency: 'JPY' });
  });

  it('without X-KOMOJU-API-VERSION the session keeps the source documents\' keys', async () => {
    const res = await create({ amount: 1200, line_items: LINES }, {});
    expect(res.status, res.text).toBe(200);
    expect(res.body).not.toHaveProperty('merchant');
    expect(res.body).not.toHaveProperty('line_items');
    const customer = await create({ mode: 'customer' }, {});
    expect(customer.body).not.toHaveProperty('amount');
    expect(customer.body).not.toHaveProperty('currency');
  });

  it.each([
    [[{ quantity: 0 }], 'line_items'],
    [[{ amount: -1 }], 'line_items'],
    [[{ image: 'not a url' }], 'line_items'],
    [[{ description: '' }], 'line_items'],
    ['tea', 'line_items'],
  ])('refuses line_items %j with KOMOJU\'s envelope and writes nothing', async (lines, param) => {
    const before = await h.services.db.selectFrom('sessions').select((eb) => eb.fn.countAll<string>().as('n')).where('merchant_id', '=', m.id).executeTakeFirstOrThrow();
    const res = await create({ amount: 1200, line_items: lines });
    expect(res.status, res.text).toBe(422);
    expect(res.body.error.code).toBe('invalid_parameter');
    expect(res.body.error.param).toMatch(new RegExp(`^${param}`));
    const after = await h.services.db.selectFrom('sessions').select((eb) => eb.fn.countAll<string>().as('n')).where('merchant_id', '=', m.id).executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });
});
