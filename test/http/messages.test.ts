import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/harness';

// Error messages are English sentences a developer reads: no "A expired payment".

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

describe('error messages', () => {
  it('say "An expired payment cannot be paid"', async () => {
    const m = await h.merchant();
    const created = await h.request({
      method: 'POST',
      url: '/api/v1/payments',
      key: m.secretKey,
      json: { amount: 1000, currency: 'JPY', payment_details: { type: 'konbini', store: 'lawson' } },
    });
    expect(created.status).toBe(200);
    const advanced = await h.request({ method: 'POST', url: '/api/v1/test_helpers/clock/advance', key: m.secretKey, json: { seconds: 30 * 86400 } });
    expect(advanced.status).toBe(200);
    expect((await h.request({ url: `/api/v1/payments/${created.body.id}`, key: m.secretKey })).body.status).toBe('expired');

    const paid = await h.request({ method: 'POST', url: `/api/v1/test_helpers/payments/${created.body.id}/pay`, key: m.secretKey });
    expect(paid.status).toBe(422);
    expect(paid.body.error.message).toBe('An expired payment cannot be paid');
    const failed = await h.request({ method: 'POST', url: `/api/v1/test_helpers/payments/${created.body.id}/fail`, key: m.secretKey });
    expect(failed.status).toBe(422);
    expect(failed.body.error.message).toBe('An expired payment cannot fail');
  });
});
