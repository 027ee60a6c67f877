import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicAuth, startHarness, type Harness } from '../helpers/harness';
import { expectError, paymentApi } from '../helpers/payment-api';
import { decodeBarcode } from '../helpers/barcode-decode';
import { gs1CheckDigit } from '../../src/domain/barcodes';

// GET /api/v1/barcodes/:payment_id (KOMOJU's BarcodesApi "Barcode: Show"): a konbini payment's
// barcode, pending on the first request, then a 750×150 PNG that decodes back to its number.

let h: Harness;
let baseUrl: string;
beforeAll(async () => {
  h = await startHarness();
  baseUrl = await h.listen({ asPublicUrl: true });
});
afterAll(() => h.close());

async function merchantApi() {
  const m = await h.merchant();
  const api = paymentApi(h, m.secretKey);
  // barcode_url is shown to clients that send a published API version (the SDK's 2025-01-28).
  const konbini = async (store: string, amount = 1000) => {
    const payment_details = { type: 'konbini', store, email: 'taro@example.com', phone: '090-1111-2222' };
    const res = await api.post('/api/v1/payments', { amount, currency: 'JPY', payment_details }, { 'X-KOMOJU-API-VERSION': '2025-01-28' });
    expect(res.status, res.text).toBe(200);
    return res.body;
  };
  const barcode = (id: string) => api.get(`/api/v1/barcodes/${id}`);
  const advance = (seconds: number) => api.post('/api/v1/test_helpers/clock/advance', { seconds });
  return { m, api, konbini, barcode, advance };
}

/** The digits of a payment's barcode, checked field by field against the payment. */
function expectNumberOf(payment: any, digits: string, serial: number): void {
  expect(digits).toMatch(/^91\d{42}$/);
  expect(digits.slice(2, 8)).toBe('999999');
  expect(digits.slice(8, 29)).toBe(payment.payment_details.receipt.padStart(21, '0'));
  expect(digits[29]).toBe(String(serial % 10));
  const tokyo = new Date(Date.parse(payment.payment_deadline) + 9 * 3600 * 1000).toISOString();
  expect(digits.slice(30, 36)).toBe(tokyo.slice(2, 4) + tokyo.slice(5, 7) + tokyo.slice(8, 10));
  expect(digits[36]).toBe(payment.total >= 50_000 ? '1' : '0');
  expect(digits.slice(37, 43)).toBe(String(payment.total).padStart(6, '0'));
  expect(digits[43]).toBe(gs1CheckDigit(digits.slice(0, 43)));
}

describe('GET /api/v1/barcodes/:payment_id', () => {
  it('pending on the first request, then ready: a 750×150 PNG that decodes to the payment\'s number, the same until it expires', async () => {
    const { konbini, barcode } = await merchantApi();
    const payment = await konbini('lawson');
    expect(payment.payment_details.barcode_url).toBe(`${baseUrl}/api/v1/barcodes/${payment.id}`);

    const first = await barcode(payment.id);
    expect(first.status, first.text).toBe(200);
    expect(first.body).toEqual({ status: 'pending', retry_after: 1 });

    const ready = await barcode(payment.id);
    expect(ready.status, ready.text).toBe(200);
    expect(Object.keys(ready.body).sort()).toEqual(['expires_at', 'image', 'status']);
    expect(ready.body.status).toBe('ready');
    expect(ready.body.image).toMatch(/^data:image\/png;base64,[A-Za-z0-9+/]+=*$/);
    const decoded = decodeBarcode(ready.body.image);
    expect([decoded.width, decoded.height]).toEqual([750, 150]);
    expectNumberOf(payment, decoded.text, 1);
    // Good for 10 minutes from now.
    const validMs = Date.parse(ready.body.expires_at) - Date.now();
    expect(validMs).toBeGreaterThan(9 * 60 * 1000);
    expect(validMs).toBeLessThanOrEqual(10 * 60 * 1000);

    expect((await barcode(payment.id)).body).toEqual(ready.body);
  });

  it('payments show barcode_url with a published API version only: without the header, the source documents\' shape', async () => {
    const { m, api, konbini, barcode } = await merchantApi();
    const payment = await konbini('lawson');
    const plain = await api.get(`/api/v1/payments/${payment.id}`);
    expect(plain.body.payment_details).not.toHaveProperty('barcode_url');
    for (const version of ['2024-07-15', '2025-01-28']) {
      const versioned = await h.request({ url: `/api/v1/payments/${payment.id}`, key: m.secretKey, headers: { 'X-KOMOJU-API-VERSION': version } });
      expect(versioned.body.payment_details.barcode_url).toBe(`${baseUrl}/api/v1/barcodes/${payment.id}`);
    }
    // The barcode itself answers whichever way the payment was read.
    expect((await barcode(payment.id)).body).toEqual({ status: 'pending', retry_after: 1 });
  });

  it('answers at the barcode_url itself, over HTTP with the secret key', async () => {
    const { m, konbini, barcode } = await merchantApi();
    const payment = await konbini('seven-eleven');
    await barcode(payment.id);
    const res = await fetch(payment.payment_details.barcode_url, { headers: { Authorization: basicAuth(m.secretKey) } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { status: string; image: string };
    expect(body.status).toBe('ready');
    expectNumberOf(payment, decodeBarcode(body.image).text, 1);
  });

  it('issues a new barcode once the one shown has expired (next serial, a new 10 minutes)', async () => {
    const { konbini, barcode, advance } = await merchantApi();
    const payment = await konbini('family-mart', 60_000);
    await barcode(payment.id);
    const one = (await barcode(payment.id)).body;
    expect((await advance(9 * 60)).status).toBe(200);
    expect((await barcode(payment.id)).body).toEqual(one);
    expect((await advance(61)).status).toBe(200);
    const two = (await barcode(payment.id)).body;
    expect(two.status).toBe('ready');
    expect(Date.parse(two.expires_at)).toBeGreaterThan(Date.parse(one.expires_at));
    const digits = decodeBarcode(two.image).text;
    expectNumberOf(payment, digits, 2);
    // ¥66,000 with tax: the receipt needs a revenue stamp.
    expect(digits[36]).toBe('1');
    expect(digits).not.toBe(decodeBarcode(one.image).text);
  });

  it('never outlives the payment deadline, and is refused once the deadline has passed', async () => {
    const { konbini, barcode, advance } = await merchantApi();
    const payment = await konbini('ministop');
    await barcode(payment.id);
    const untilDeadline = Math.floor((Date.parse(payment.payment_deadline) - Date.now()) / 1000);
    expect((await advance(untilDeadline - 120)).status).toBe(200);
    const last = await barcode(payment.id);
    expect(last.body.expires_at).toBe(payment.payment_deadline);
    await advance(180);
    expectError(await barcode(payment.id), 422, 'unprocessable_entity', 'payment_id');
  });

  it('422 for a payment that is not konbini, a store without barcodes, or a paid or cancelled slip', async () => {
    const { api, konbini, barcode } = await merchantApi();
    const card = await api.create();
    const wrongType = await barcode(card.id);
    expectError(wrongType, 422, 'invalid_payment_type', 'payment_id');
    expect(wrongType.body.error.message).toContain('credit_card');

    for (const store of ['daily-yamazaki', 'seicomart']) {
      const slip = await konbini(store);
      expect(slip.payment_details).not.toHaveProperty('barcode_url');
      expectError(await barcode(slip.id), 422, 'unprocessable_entity', 'payment_id');
    }

    const paid = await konbini('lawson');
    await barcode(paid.id);
    expect((await api.post(`/api/v1/test_helpers/payments/${paid.id}/pay`)).status).toBe(200);
    const refused = await barcode(paid.id);
    expectError(refused, 422, 'unprocessable_entity', 'payment_id');
    expect(refused.body.error.message).toContain('captured');

    const cancelled = await konbini('lawson');
    expect((await api.post(`/api/v1/payments/${cancelled.id}/cancel`)).status).toBe(200);
    expectError(await barcode(cancelled.id), 422, 'unprocessable_entity', 'payment_id');
  });

  it('404 for no such payment and for another merchant\'s; the secret key only', async () => {
    const { m, konbini, barcode } = await merchantApi();
    const payment = await konbini('lawson');
    expectError(await barcode('0123456789abcdefghijklmno'), 404, 'not_found', 'payment_id');
    const other = await merchantApi();
    expectError(await other.barcode(payment.id), 404, 'not_found', 'payment_id');
    expectError(await h.request({ url: `/api/v1/barcodes/${payment.id}`, key: m.publishableKey }), 403, 'forbidden');
    expectError(await h.request({ url: `/api/v1/barcodes/${payment.id}` }), 401, 'unauthorized');
    // None of these made the barcode: the merchant's first request is still the pending one.
    expect((await barcode(payment.id)).body).toEqual({ status: 'pending', retry_after: 1 });
  });

  it('a test-data reset deletes the merchant\'s barcodes with its payments', async () => {
    const { api, konbini, barcode } = await merchantApi();
    const payment = await konbini('lawson');
    await barcode(payment.id);
    await barcode(payment.id);
    const reset = await api.post('/api/v1/test_helpers/reset');
    expect(reset.status, reset.text).toBe(200);
    const rows = await h.services.db.selectFrom('barcodes').select('payment_id').where('payment_id', '=', payment.id).execute();
    expect(rows).toEqual([]);
  });
});
