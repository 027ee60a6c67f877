import { expect } from 'vitest';
import { testCard, type ApiResponse, type Harness } from './harness';

/**
 * Short calls for tests that drive payments through the API as one merchant. Every call returns
 * the raw response; the `create…` helpers also check that the call succeeded.
 */
export function paymentApi(h: Harness, key: string) {
  return {
    get: (url: string) => h.request({ url, key }),
    post: (url: string, json?: unknown, headers?: Record<string, string>) => h.request({ method: 'POST', url, key, json, headers }),
    patch: (url: string, json?: unknown, headers?: Record<string, string>) => h.request({ method: 'PATCH', url, key, json, headers }),

    /** A card payment: 1000 JPY + auto tax (total 1100), captured unless `capture: false`. */
    async create(body: Record<string, unknown> = {}): Promise<any> {
      const res = await h.request({
        method: 'POST',
        url: '/api/v1/payments',
        key,
        json: { amount: 1000, currency: 'JPY', payment_details: testCard(), ...body },
      });
      expect(res.status, res.text).toBe(200);
      return res.body;
    },

    /** The payment's events (type only), oldest first. */
    async eventTypes(paymentId: string): Promise<string[]> {
      const res = await h.request({ url: `/api/v1/events?resource_id=${paymentId}&per_page=100`, key });
      expect(res.status, res.text).toBe(200);
      return (res.body.data as { type: string }[]).map((e) => e.type).reverse();
    },
  };
}

export type PaymentApi = ReturnType<typeof paymentApi>;

/** Asserts KOMOJU's error envelope with the given status, code and (when given) param. */
export function expectError(res: ApiResponse, status: number, code: string, param?: string | null): void {
  expect(res.status, res.text).toBe(status);
  expect(res.body?.error?.code, res.text).toBe(code);
  if (param !== undefined) expect(res.body.error.param).toBe(param);
}
