import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPayment } from '../../../src/domain/payments';
import { ApiError } from '../../../src/kernel/errors';
import * as merchantsRepo from '../../../src/store/merchants.repo';
import { startHarness, testCard, type Harness, type TestMerchant } from '../../helpers/harness';
import { randomIds } from '../../../src/lib/ids';

/**
 * createPayment checks every input before its first write (using up a token): called outside a
 * transaction, so nothing could roll back, a refused request leaves the token as it was.
 */

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

async function token(m: TestMerchant, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await h.request({ method: 'POST', url: '/api/v1/tokens', key: m.publishableKey, json: { payment_details: testCard(), ...extra } });
  expect(res.status, res.text).toBe(200);
  return res.body.id;
}

async function actorOf(m: TestMerchant) {
  const merchant = await merchantsRepo.findMerchant(h.services.db, m.id);
  return { merchant: merchant!, clock: h.clock, ids: randomIds };
}

async function usedAt(id: string) {
  return (await h.store.db.selectFrom('tokens').select(['used_at', 'secret_details']).where('id', '=', id).executeTakeFirstOrThrow());
}

describe('createPayment with a token, outside a transaction', () => {
  const refusals: [string, Record<string, unknown>, Record<string, unknown>, string][] = [
    ['the token is for another currency', { currency: 'USD' }, {}, 'invalid_currency'],
    ['the tax is not an amount', {}, { tax: 'ten' }, 'invalid_parameter'],
    ['the fraud details lack an IP', {}, { fraud_details: { customer_email: 'a@example.com' } }, 'missing_parameter'],
    ['the Komoju-Scenario is not a decline', {}, { scenario: 'not_found' }, 'bad_request'],
  ];

  it.each(refusals)('refuses when %s and leaves the token unused', async (_name, tokenExtra, inputExtra, code) => {
    const m = await h.merchant();
    const id = await token(m, tokenExtra);
    const { scenario, ...extra } = inputExtra as { scenario?: string };
    const run = createPayment(h.services.db, h.services, await actorOf(m), { amount: 1000, currency: 'JPY', payment_details: id, ...extra }, { scenario });
    await expect(run).rejects.toBeInstanceOf(ApiError);
    await expect(run).rejects.toMatchObject({ code });
    const stored = await usedAt(id);
    expect(stored.used_at).toBeNull();
    expect(stored.secret_details).not.toBeNull();
  });

  it('uses the token up once the payment is made', async () => {
    const m = await h.merchant();
    const id = await token(m);
    const { payment } = await createPayment(h.services.db, h.services, await actorOf(m), { amount: 1000, currency: 'JPY', payment_details: id });
    expect(payment.status).toBe('captured');
    const stored = await usedAt(id);
    expect(stored.used_at).not.toBeNull();
    expect(stored.secret_details).toBeNull();
  });
});
