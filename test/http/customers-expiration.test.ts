import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, testCard, type Harness } from '../helpers/harness';
import { expectError } from '../helpers/payment-api';

/** GET /customers?expiration=MMYY (SDK listCustomers): the customers whose stored card expires that month. */

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

describe('GET /api/v1/customers?expiration=MMYY', () => {
  it('keeps only the customers whose stored card expires that month and year', async () => {
    const m = await h.merchant();
    const make = async (json: Record<string, unknown>) => {
      const res = await h.request({ method: 'POST', url: '/api/v1/customers', key: m.secretKey, json });
      expect(res.status, res.text).toBe(200);
      return res.body.id as string;
    };
    const year = new Date().getUTCFullYear() + 3;
    const yy = String(year % 100).padStart(2, '0');
    const march = await make({ payment_details: testCard({ month: 3, year }) });
    const marchTwoDigits = await make({ payment_details: testCard({ month: 3, year: year % 100 }) });
    await make({ payment_details: testCard({ month: 4, year }) });
    await make({ payment_details: testCard({ month: 3, year: year + 1 }) });
    await make({ email: 'no-card@example.com' });

    const res = await h.request({ url: `/api/v1/customers?expiration=03${yy}`, key: m.secretKey });
    expect(res.status, res.text).toBe(200);
    expect(res.body.total).toBe(2);
    expect(res.body.data.map((c: { id: string }) => c.id).sort()).toEqual([march, marchTwoDigits].sort());
    expect((await h.request({ url: '/api/v1/customers', key: m.secretKey })).body.total).toBe(5);
    expect((await h.request({ url: `/api/v1/customers?expiration=12${yy}`, key: m.secretKey })).body.total).toBe(0);
  });

  it.each(['13' + '29', '3/29', '0329x', '', 'abcd'])('refuses expiration=%s with invalid_parameter', async (value) => {
    const m = await h.merchant();
    const res = await h.request({ url: `/api/v1/customers?expiration=${encodeURIComponent(value)}`, key: m.secretKey });
    expectError(res, 422, 'invalid_parameter', 'expiration');
  });
});
