import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, testCard, type Harness } from '../helpers/harness';
import { expectError } from '../helpers/payment-api';
import { API_VERSIONS } from '../../src/wire/api-version';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const VERSION = 'X-KOMOJU-API-VERSION';

describe('X-KOMOJU-API-VERSION', () => {
  it.each(['2024-07-15', '2025-01-28'])('accepts %s on reads and writes', async (version) => {
    const m = await h.merchant();
    const created = await h.request({
      method: 'POST',
      url: '/api/v1/payments',
      key: m.secretKey,
      json: { amount: 1000, currency: 'JPY', payment_details: testCard() },
      headers: { [VERSION]: version },
    });
    expect(created.status, created.text).toBe(200);
    expect(created.body).toMatchObject({ resource: 'payment', status: 'captured' });
    const shown = await h.request({ url: `/api/v1/payments/${created.body.id}`, key: m.secretKey, headers: { [VERSION]: version } });
    expect(shown.status).toBe(200);
    expect((await h.request({ url: '/api/v1/events', key: m.secretKey, headers: { [VERSION]: version } })).status).toBe(200);
  });

  it('lists the versions in date order, the newest last (the dashboard shows the last one)', () => {
    expect([...API_VERSIONS].sort()).toEqual([...API_VERSIONS]);
  });

  it('answers in the source documents\' shapes without the header', async () => {
    const m = await h.merchant();
    const res = await h.request({ method: 'POST', url: '/api/v1/payments', key: m.secretKey, json: { amount: 1000, currency: 'JPY', payment_details: testCard() } });
    expect(res.status).toBe(200);
  });

  it.each(['2023-01-01', '2025-01-29', 'latest', '2024-7-15'])('refuses the unknown version %s with 400 bad_request', async (version) => {
    const m = await h.merchant();
    const res = await h.request({ url: '/api/v1/payments', key: m.secretKey, headers: { [VERSION]: version } });
    expectError(res, 400, 'bad_request', 'X-KOMOJU-API-VERSION');
    expect(res.body.error.message).toContain('2024-07-15');
  });

  it('executes nothing when the version is unknown', async () => {
    const m = await h.merchant();
    const res = await h.request({
      method: 'POST',
      url: '/api/v1/payments',
      key: m.secretKey,
      json: { amount: 1000, currency: 'JPY', payment_details: testCard() },
      headers: { [VERSION]: '1999-01-01' },
    });
    expectError(res, 400, 'bad_request');
    expect((await h.request({ url: '/api/v1/payments', key: m.secretKey })).body.total).toBe(0);
  });
});

// A partial capture, by version (the official SDK's CHANGELOG 1.0.0, "Targets KOMOJU API version
// 2025-01-28"): before 2025-01-28 the uncaptured remainder showed as a refund, in `refunds` and in
// `amount_refunded`, of the whole authorization; from 2025-01-28 only what was captured shows.
describe('partial capture by API version', () => {
  async function partiallyCaptured() {
    const m = await h.merchant();
    const created = await h.request({
      method: 'POST',
      url: '/api/v1/payments',
      key: m.secretKey,
      json: { amount: 1000, currency: 'JPY', capture: false, payment_details: testCard() },
    });
    expect(created.status, created.text).toBe(200);
    const captured = await h.request({ method: 'POST', url: `/api/v1/payments/${created.body.id}/capture`, key: m.secretKey, json: { amount: 600 } });
    expect(captured.status, captured.text).toBe(200);
    const show = (version?: string) =>
      h.request({ url: `/api/v1/payments/${created.body.id}`, key: m.secretKey, headers: version ? { [VERSION]: version } : {} });
    return { m, id: created.body.id as string, captured: captured.body, show };
  }

  it('2025-01-28 shows what was captured and no refund', async () => {
    const { show } = await partiallyCaptured();
    const res = await show('2025-01-28');
    expect(res.body).toMatchObject({ status: 'captured', amount: 600, tax: 60, total: 660, amount_refunded: 0, refunds: [] });
  });

  it.each([['2024-07-15'], [undefined]])('%s shows the authorization with the remainder refunded at the capture', async (version) => {
    const { id, captured, show } = await partiallyCaptured();
    const res = await show(version);
    expect(res.body).toMatchObject({ status: 'captured', amount: 1000, tax: 100, total: 1100, amount_refunded: 440 });
    expect(res.body.refunds).toEqual([
      { id: expect.stringMatching(/^[0-9a-z]{25}$/), resource: 'refund', amount: 440, currency: 'JPY', payment: id, description: null, created_at: res.body.captured_at, chargeback: false },
    ]);
    // Without a header the answer to the capture itself is in this shape too, with the same refund.
    expect(captured).toEqual((await show()).body);
    expect((await show(version)).body.refunds[0].id).toBe(res.body.refunds[0].id);
  });

  it('later refunds add to both shapes, and a full refund ends refunded in both', async () => {
    const { m, id, show } = await partiallyCaptured();
    const refund = await h.request({ method: 'POST', url: `/api/v1/payments/${id}/refund`, key: m.secretKey, json: { amount: 100 }, headers: { [VERSION]: '2024-07-15' } });
    expect(refund.body).toMatchObject({ status: 'captured', total: 1100, amount_refunded: 540 });
    expect(refund.body.refunds.map((r: any) => r.amount)).toEqual([440, 100]);
    expect((await show('2025-01-28')).body).toMatchObject({ total: 660, amount_refunded: 100 });
    expect((await show('2025-01-28')).body.refunds.map((r: any) => r.amount)).toEqual([100]);
    await h.request({ method: 'POST', url: `/api/v1/payments/${id}/refund`, key: m.secretKey, json: {} });
    expect((await show('2025-01-28')).body).toMatchObject({ status: 'refunded', total: 660, amount_refunded: 660 });
    expect((await show('2024-07-15')).body).toMatchObject({ status: 'refunded', total: 1100, amount_refunded: 1100 });
  });

  it('events show the shape of the version asked for; a full capture is the same in every version', async () => {
    const { m, id } = await partiallyCaptured();
    const captured = async (version: string) =>
      (await h.request({ url: `/api/v1/events?resource_id=${id}`, key: m.secretKey, headers: { [VERSION]: version } })).body.data.find(
        (e: any) => e.type === 'payment.captured',
      ).data;
    expect(await captured('2025-01-28')).toMatchObject({ amount: 600, amount_refunded: 0 });
    expect(await captured('2024-07-15')).toMatchObject({ amount: 1000, amount_refunded: 440 });

    const full = await h.request({ method: 'POST', url: '/api/v1/payments', key: m.secretKey, json: { amount: 1000, currency: 'JPY', payment_details: testCard() } });
    const shapes = await Promise.all(
      ['2024-07-15', '2025-01-28'].map(async (version) => (await h.request({ url: `/api/v1/payments/${full.body.id}`, key: m.secretKey, headers: { [VERSION]: version } })).body),
    );
    expect(shapes[0]).toEqual(shapes[1]);
    expect(shapes[0]).toMatchObject({ amount: 1000, amount_refunded: 0, refunds: [] });
  });
});
