import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, testCard, type Harness, type TestMerchant } from '../helpers/harness';

/**
 * A defense document's signed URL is in the chargeback's answers and webhook bodies: for a seeded
 * merchant it must repeat from run to run like its ids, so it is signed with a key derived from
 * the seed and expires on the merchant's test clock, not the system's.
 */

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
const call = (m: TestMerchant, method: 'GET' | 'POST', url: string, json?: unknown) => h.request({ method, url, key: m.secretKey, json });

/** A captured card payment, its chargeback, defended with PNG: the chargeback's answer and its chargeback.defended event. */
async function defendedRun(m: TestMerchant) {
  const payment = await call(m, 'POST', '/api/v1/payments', { amount: 5000, currency: 'JPY', payment_details: testCard() });
  expect(payment.status, payment.text).toBe(200);
  const chargeback = await call(m, 'POST', `/api/v1/test_helpers/payments/${payment.body.id}/chargeback`, {});
  expect(chargeback.status, chargeback.text).toBe(201);
  const defended = await call(m, 'POST', `/api/v1/chargeback_requests/${chargeback.body.id}/defend`, {
    description: 'Signed for.',
    document: { document_base64: PNG.toString('base64'), filename: 'receipt.png' },
  });
  expect(defended.status, defended.text).toBe(204);
  const shown = await call(m, 'GET', `/api/v1/chargeback_requests/${chargeback.body.id}`);
  const events = await call(m, 'GET', '/api/v1/events?type=chargeback.defended');
  return { shown: shown.text, event: JSON.stringify(events.body.data[0].data), url: new URL(shown.body.defense.documents[0].url) };
}

const download = (url: URL) => h.app.inject({ method: 'GET', url: url.pathname + url.search });

describe('defense documents of a seeded merchant', () => {
  it('get the same signed URL on every run, whatever the system time, expiring on the test clock', async () => {
    const m = await h.merchant();
    expect((await call(m, 'POST', '/api/v1/test_helpers/seed', { seed: 17001 })).status).toBe(200);
    const first = await defendedRun(m);
    // An hour of the merchant's time from the frozen epoch (2029-12-31T15:00:00Z).
    expect(first.url.searchParams.get('expires')).toBe(String(Date.parse('2029-12-31T16:00:00Z') / 1000));
    expect((await download(first.url)).statusCode).toBe(200);

    expect((await call(m, 'POST', '/api/v1/test_helpers/reset')).status).toBe(200);
    h.clock.advance(7 * 1000);
    try {
      const second = await defendedRun(m);
      expect(second.shown).toBe(first.shown);
      expect(second.event).toBe(first.event);
      // The system clock moving on changes nothing; the merchant's does.
      h.clock.advance(2 * 3600 * 1000);
      expect((await download(second.url)).statusCode).toBe(200);
      expect((await call(m, 'POST', '/api/v1/test_helpers/clock/advance', { seconds: 3601 })).status).toBe(200);
      expect((await download(second.url)).statusCode).toBe(404);
    } finally {
      h.clock.advance(-(7 * 1000 + 2 * 3600 * 1000));
    }
  });

  it('stop working once the merchant is unseeded, and another merchant keeps random keys and system time', async () => {
    const m = await h.merchant();
    expect((await call(m, 'POST', '/api/v1/test_helpers/seed', { seed: 17002 })).status).toBe(200);
    const seeded = await defendedRun(m);
    expect((await call(m, 'POST', '/api/v1/test_helpers/seed', { seed: null })).status).toBe(200);
    // Its expiry (in 2030) is far ahead of the system time, but it was signed for the seeded clock.
    expect((await download(seeded.url)).statusCode).toBe(404);

    const other = await h.merchant();
    const unseeded = await defendedRun(other);
    const expires = Number(unseeded.url.searchParams.get('expires'));
    expect(Math.abs(expires - (h.clock.now().getTime() / 1000 + 3600))).toBeLessThan(60);
    const keys = await h.services.db.selectFrom('chargeback_documents').select(['merchant_id', 'signing_key']).where('merchant_id', 'in', [m.id, other.id]).execute();
    expect(new Set(keys.map((k) => k.signing_key)).size).toBe(2);
  });
});
