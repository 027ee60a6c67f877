import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness, type TestMerchant } from '../helpers/harness';

// Strict-Transport-Security follows KESSAI_PUBLIC_URL (services.publicUrl): https → sent on
// every answer, API and pages, successes and errors; http → never.

let h: Harness;
let m: TestMerchant;
beforeAll(async () => {
  h = await startHarness();
  m = await h.merchant();
});
afterAll(() => h.close());

const answers = () => [
  h.request({ url: '/api/v1/payments', key: m.secretKey }),
  h.request({ url: '/api/v1/payments' }), // 401
  h.request({ url: '/api/v1/payments', key: m.secretKey, headers: { 'x-komoju-api-version': '1999-01-01' } }), // 400 from a hook
  h.request({ url: '/health' }),
  h.request({ url: '/dashboard/login' }),
  h.request({ url: '/instructions/nosuchpayment' }),
  h.request({ url: '/assets/kessai.css' }),
];

describe('Strict-Transport-Security', () => {
  it('is sent on every answer when the public URL is https', async () => {
    const before = h.services.publicUrl;
    h.services.publicUrl = 'https://pay.example';
    try {
      for (const res of await Promise.all(answers())) {
        expect(res.headers['strict-transport-security'], `${res.status} ${res.text.slice(0, 80)}`).toBe('max-age=31536000; includeSubDomains');
      }
    } finally {
      h.services.publicUrl = before;
    }
  });

  it('is not sent when the public URL is http', async () => {
    expect(h.services.publicUrl.startsWith('http:')).toBe(true);
    for (const res of await Promise.all(answers())) expect(res.headers['strict-transport-security']).toBeUndefined();
  });
});
