import { afterEach, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/harness';

// `/` follows the default (first) merchant's mode: a curl to try only in test mode, and the key
// prefixes of that mode. (The browser test, test/e2e/landing.test.ts, follows its links.)
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

it('in test mode: test key prefixes and a curl creating a payment, as a page with the pages’ CSP', async () => {
  h = await startHarness();
  const m = await h.merchant();
  const res = await h.app.inject({ url: '/' });
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toContain('text/html');
  expect(res.headers['content-security-policy']).toContain("default-src 'self'");
  expect(res.body).toContain('sk_test_…');
  expect(res.body).toContain('pk_test_…');
  expect(res.body).toContain('curl -u &quot;$KESSAI_SECRET_KEY:&quot; http://kessai.test/api/v1/payments');
  expect(res.body).toContain('class="ribbon"');
  expect(res.body).not.toContain(m.secretKey);
});

it('in live mode: live key prefixes and no curl', async () => {
  h = await startHarness();
  await h.merchant({ mode: 'live' });
  const res = await h.app.inject({ url: '/' });
  expect(res.statusCode).toBe(200);
  expect(res.body).toContain('sk_live_…');
  expect(res.body).not.toContain('curl');
  expect(res.body).not.toContain('class="ribbon"');
});
