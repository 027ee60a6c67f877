import { createRequire } from 'node:module';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/harness';
import { paymentApi } from '../helpers/payment-api';

// bwip-js and pngjs draw the konbini barcodes: 1.7 MB of JavaScript that a server would parse and
// hold from its start (RSS, issue 15) though most never draw a barcode. They are loaded together on
// the first one. pngjs is CommonJS, so its files show in require's cache once loaded (bwip-js is
// imported as an ES module, which that cache does not list). Each test file runs in its own process.

const pngjsLoaded = () => Object.keys(createRequire(import.meta.url).cache).some((file) => file.includes('/node_modules/pngjs/'));

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

it('a server loads the barcode drawing libraries on its first barcode, not when it starts', async () => {
  const m = await h.merchant();
  const api = paymentApi(h, m.secretKey);
  expect((await api.get('/health')).status).toBe(200);
  const payment_details = { type: 'konbini', store: 'lawson', email: 'taro@example.com', phone: '090-1111-2222' };
  const created = await api.post('/api/v1/payments', { amount: 1000, currency: 'JPY', payment_details });
  expect(created.status, created.text).toBe(200);
  expect(pngjsLoaded()).toBe(false);

  const pending = await api.get(`/api/v1/barcodes/${created.body.id}`);
  expect(pending.body).toEqual({ status: 'pending', retry_after: 1 });
  const ready = await api.get(`/api/v1/barcodes/${created.body.id}`);
  expect(ready.body.status, ready.text).toBe('ready');
  expect(pngjsLoaded()).toBe(true);
});
