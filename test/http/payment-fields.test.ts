import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, testCard, type Harness, type TestMerchant } from '../helpers/harness';
import { expectError } from '../helpers/payment-api';

/**
 * The official SDK's Payment fields the source documents predate: `customer_family_name`,
 * `customer_given_name`, `mcc`, `statement_descriptor` and the request fields a card's
 * `payment_details` echo. Kept from the request (null when not given), shown with
 * X-KOMOJU-API-VERSION; without it the payment has the documents' keys (docs/compatibility.md).
 */

let h: Harness;
let m: TestMerchant;
const VERSION = { 'x-komoju-api-version': '2025-01-28' };

beforeAll(async () => {
  h = await startHarness();
  m = await h.merchant();
});
afterAll(() => h.close());

const create = (json: Record<string, unknown>, headers: Record<string, string> = VERSION) =>
  h.request({ method: 'POST', url: '/api/v1/payments', key: m.secretKey, json: { amount: 1000, currency: 'JPY', ...json }, headers });

const echoedCard = testCard({
  name: undefined,
  given_name: 'Taro',
  family_name: 'Yamada',
  intent: 'card_on_file',
  initiator: 'merchant',
  usage: 'used',
  scheme_reference: 'sub-42',
  billing_address_zip: '100-0001',
  billing_address_country: 'JP',
  shipping_address_city: 'Tokyo',
});

describe('payment fields of the SDK\'s model', () => {
  it('keeps the names, mcc and statement descriptor from the request, on create, show, list and events', async () => {
    const statement = { statement_descriptor: 'KESSAI SHOP', statement_descriptor_kana: 'ケッサイ', contact_phone: '0312345678' };
    const res = await create({ payment_details: echoedCard, mcc: '5812', statement_descriptor: statement });
    expect(res.status, res.text).toBe(200);
    const expected = { customer_family_name: 'Yamada', customer_given_name: 'Taro', mcc: '5812', statement_descriptor: statement };
    expect(res.body).toMatchObject(expected);
    expect((await h.request({ url: `/api/v1/payments/${res.body.id}`, key: m.secretKey, headers: VERSION })).body).toMatchObject(expected);
    const list = await h.request({ url: '/api/v1/payments', key: m.secretKey, headers: VERSION });
    expect(list.body.data.find((p: { id: string }) => p.id === res.body.id)).toMatchObject(expected);
    const events = await h.request({ url: `/api/v1/events?resource_id=${res.body.id}`, key: m.secretKey, headers: VERSION });
    expect(events.body.data[0].data).toMatchObject(expected);
  });

  it('shows null for each field the request did not give', async () => {
    const res = await create({ payment_details: testCard() });
    expect(res.body).toMatchObject({ customer_family_name: null, customer_given_name: null, mcc: null, statement_descriptor: null });
    const konbini = await create({ payment_details: { type: 'konbini', store: 'lawson', email: 'taro@example.com' } });
    expect(konbini.body).toMatchObject({ customer_family_name: null, customer_given_name: null, mcc: null, statement_descriptor: null });
  });

  it('a card\'s payment_details echo the name, intent, initiator, usage, scheme reference and addresses, never the number or CVV', async () => {
    const res = await create({ payment_details: echoedCard });
    expect(res.body.payment_details).toEqual({
      type: 'credit_card',
      email: null,
      brand: 'visa',
      last_four_digits: '1111',
      month: 12,
      year: new Date().getUTCFullYear() + 3,
      name: 'Taro Yamada',
      given_name: 'Taro',
      family_name: 'Yamada',
      intent: 'card_on_file',
      initiator: 'merchant',
      usage: 'used',
      scheme_reference: 'sub-42',
      shipping_address_city: 'Tokyo',
      billing_address_zip: '100-0001',
      billing_address_country: 'JP',
    });
    expect(res.text).not.toContain('4111111111111111');
    expect(res.text).not.toContain('"123"');
  });

  it('without X-KOMOJU-API-VERSION the payment has the source documents\' keys: no new fields, no echoes', async () => {
    const res = await create({ payment_details: echoedCard, mcc: '5812' }, {});
    expect(res.status, res.text).toBe(200);
    for (const field of ['customer_family_name', 'customer_given_name', 'mcc', 'statement_descriptor']) expect(res.body).not.toHaveProperty(field);
    expect(Object.keys(res.body.payment_details).sort()).toEqual(['brand', 'email', 'last_four_digits', 'month', 'type', 'year']);
    // Kept all the same: a later read with the header shows them.
    const shown = await h.request({ url: `/api/v1/payments/${res.body.id}`, key: m.secretKey, headers: VERSION });
    expect(shown.body).toMatchObject({ mcc: '5812', customer_given_name: 'Taro', payment_details: { intent: 'card_on_file' } });
  });

  it.each([
    [{ mcc: '58' }, 'mcc'],
    [{ mcc: 'abcd' }, 'mcc'],
    [{ statement_descriptor: 'KESSAI' }, 'statement_descriptor'],
    [{ payment_details: testCard({ intent: 'sometimes' }) }, 'payment_details.intent'],
    [{ payment_details: testCard({ initiator: 'bank' }) }, 'payment_details.initiator'],
    [{ payment_details: testCard({ usage: 'third' }) }, 'payment_details.usage'],
  ])('refuses %j with invalid_parameter and writes nothing', async (body, param) => {
    const before = await h.request({ url: '/api/v1/payments?per_page=1', key: m.secretKey });
    const res = await create({ payment_details: testCard(), ...body });
    expectError(res, 422, 'invalid_parameter');
    expect(res.body.error.param).toMatch(new RegExp(`^${param.replace('.', '\\.')}`));
    expect((await h.request({ url: '/api/v1/payments?per_page=1', key: m.secretKey })).body.total).toBe(before.body.total);
  });
});

it('an unknown key of statement_descriptor is ignored, like any unknown field; an empty descriptor is null', async () => {
  const res = await create({ payment_details: testCard(), statement_descriptor: { unknown: 'x' } });
  expect(res.status, res.text).toBe(200);
  expect(res.body.statement_descriptor).toBeNull();
});

describe('session payments carry payment_data\'s mcc and statement descriptor', () => {
  it.each([
    [{ statement_descriptor: 'KESSAI SHOP' }, { statement_descriptor: 'KESSAI SHOP' }],
    [{ statement_descriptor: { statement_descriptor_alpha: 'KESSAI', statement_city: 'Tokyo' } }, { statement_descriptor_alpha: 'KESSAI', statement_city: 'Tokyo' }],
  ])('payment_data %j', async (data, statement) => {
    const session = await h.request({
      method: 'POST',
      url: '/api/v1/sessions',
      key: m.secretKey,
      json: { amount: 1500, currency: 'JPY', return_url: 'https://shop.example/done', payment_data: { mcc: '5999', ...data } },
      headers: VERSION,
    });
    expect(session.status, session.text).toBe(200);
    const paid = await h.request({ method: 'POST', url: `/api/v1/sessions/${session.body.id}/pay`, key: m.publishableKey, json: { payment_details: testCard() }, headers: VERSION });
    expect(paid.status, paid.text).toBe(200);
    expect(paid.body.payment).toMatchObject({ mcc: '5999', statement_descriptor: statement });
  });
});
