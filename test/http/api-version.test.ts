import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, testCard, type Harness } from '../helpers/harness';
import { expectError } from '../helpers/payment-api';

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
