import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { paySession } from '../../../src/domain/sessions';
import { ApiError } from '../../../src/kernel/errors';
import { methodFor } from '../../../src/methods';
import * as merchantsRepo from '../../../src/store/merchants.repo';
import { startHarness, testCard, type Harness, type TestMerchant } from '../../helpers/harness';
import { randomIds } from '../../../src/lib/ids';

/**
 * paySession checks every input, the session's and the payment's, before its first write. Called
 * outside a transaction, so that nothing could roll back, a refused pay leaves the token unused,
 * the earlier attempt waiting at its provider and no payment written; and the details are
 * checked once (the method's prepare hook runs once), whatever the customer keeps of them.
 */

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

async function actorOf(m: TestMerchant) {
  const merchant = await merchantsRepo.findMerchant(h.services.db, m.id);
  return { merchant: merchant!, clock: h.clock, ids: randomIds };
}

async function newSession(m: TestMerchant, json: Record<string, unknown>): Promise<string> {
  const res = await h.request({ method: 'POST', url: '/api/v1/sessions', key: m.secretKey, json: { amount: 1000, currency: 'JPY', return_url: 'https://shop.example/done', ...json } });
  expect(res.status, res.text).toBe(200);
  return res.body.id;
}

async function token(m: TestMerchant, details: Record<string, unknown> = testCard(), extra: Record<string, unknown> = {}): Promise<string> {
  const res = await h.request({ method: 'POST', url: '/api/v1/tokens', key: m.publishableKey, json: { payment_details: details, ...extra } });
  expect(res.status, res.text).toBe(200);
  return res.body.id;
}

/** Pays through the API (in the route's transaction), as the customer's browser would. */
async function payByApi(m: TestMerchant, id: string, json: Record<string, unknown>) {
  return h.request({ method: 'POST', url: `/api/v1/sessions/${id}/pay`, key: m.publishableKey, json });
}

async function tokenRow(id: string) {
  return h.store.db.selectFrom('tokens').select(['used_at', 'secret_details']).where('id', '=', id).executeTakeFirstOrThrow();
}

async function paymentsOf(m: TestMerchant) {
  return h.store.db.selectFrom('payments').select(['id', 'status', 'payment_type']).where('merchant_id', '=', m.id).execute();
}

async function refusal(run: Promise<unknown>): Promise<{ code: string; param?: string | null }> {
  const error = await run.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  return { code: (error as ApiError).code, param: (error as ApiError).param };
}

describe('paySession outside a transaction: a refused pay writes nothing', () => {
  it("the payment's own checks (fraud details) come before the token is used and the earlier attempt cancelled", async () => {
    const m = await h.merchant();
    const id = await newSession(m, { payment_types: ['paypay', 'credit_card'] });
    const offsite = await payByApi(m, id, { payment_details: { type: 'paypay' } });
    expect(offsite.status, offsite.text).toBe(200);
    const tok = await token(m);
    const run = paySession(h.services.db, h.services, await actorOf(m), id, { payment_details: tok, fraud_details: { customer_email: 'a@example.com' } });
    expect(await refusal(run)).toEqual({ code: 'missing_parameter', param: 'fraud_details.customer_ip' });
    expect((await tokenRow(tok)).used_at).toBeNull();
    expect(await paymentsOf(m)).toEqual([expect.objectContaining({ payment_type: 'paypay', status: 'authorized' })]);
  });

  it("the token's currency is checked before it is used", async () => {
    const m = await h.merchant();
    const id = await newSession(m, { payment_types: ['credit_card'] });
    const tok = await token(m, testCard(), { currency: 'USD' });
    const run = paySession(h.services.db, h.services, await actorOf(m), id, { payment_details: tok });
    expect((await refusal(run)).code).toBe('invalid_currency');
    expect((await tokenRow(tok)).secret_details).not.toBeNull();
    expect(await paymentsOf(m)).toEqual([]);
  });

  it('save_card with a method that cannot be kept for one-click is refused before the payment is written', async () => {
    const m = await h.merchant();
    const id = await newSession(m, { payment_types: ['konbini'], external_customer_id: 'cus-1' });
    const run = paySession(h.services.db, h.services, await actorOf(m), id, {
      payment_details: { type: 'konbini', store: 'lawson', email: 'taro@example.com', phone: '0312345678' },
      save_card: true,
    });
    expect(await refusal(run)).toEqual({ code: 'invalid_payment_type', param: 'payment_details.type' });
    expect(await paymentsOf(m)).toEqual([]);
  });

  it('in customer mode, save_card of a method kept on customers but not for one-click is refused before the token is used', async () => {
    const m = await h.merchant();
    const id = await newSession(m, { mode: 'customer', payment_types: ['paypay'], external_customer_id: 'cus-0', amount: undefined });
    const tok = await token(m, { type: 'paypay' });
    const run = paySession(h.services.db, h.services, await actorOf(m), id, { payment_details: tok, save_card: true });
    expect(await refusal(run)).toEqual({ code: 'invalid_payment_type', param: 'payment_details.type' });
    expect((await tokenRow(tok)).used_at).toBeNull();
    const customer = await h.store.db.selectFrom('customers').select('payment_type').where('merchant_id', '=', m.id).execute();
    expect(customer).toEqual([{ payment_type: null }]);
  });
});

describe('which refusal wins when two inputs are bad', () => {
  it("an unusable token before save_card's missing external_customer_id", async () => {
    const m = await h.merchant();
    const id = await newSession(m, { payment_types: ['credit_card'] });
    const res = await payByApi(m, id, { payment_details: 'tok_unknown', save_card: true });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: 'invalid_token', param: 'payment_details' });
  });

  it("the payment's checks before save_card's method", async () => {
    const m = await h.merchant();
    const id = await newSession(m, { payment_types: ['konbini'], external_customer_id: 'cus-2' });
    const res = await payByApi(m, id, {
      payment_details: { type: 'konbini', store: 'lawson', email: 'taro@example.com', phone: '0312345678' },
      save_card: true,
      fraud_details: { customer_ip: 'not-an-ip', customer_email: 'a@example.com' },
    });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: 'invalid_parameter', param: 'fraud_details.customer_ip' });
  });

  it('a method the session does not offer before its details', async () => {
    const m = await h.merchant();
    const id = await newSession(m, { payment_types: ['credit_card'] });
    const res = await payByApi(m, id, { payment_details: { type: 'konbini', store: 'nowhere' } });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: 'invalid_payment_type', param: 'payment_details.type' });
  });
});

describe('the details are checked once', () => {
  async function preparesDuring(work: () => Promise<unknown>): Promise<number> {
    const prepare = vi.spyOn(methodFor('credit_card')!, 'prepare');
    try {
      await work();
      return prepare.mock.calls.length;
    } finally {
      prepare.mockRestore();
    }
  }

  it('customer_payment with save_card: charged, kept on the customer and saved for one-click, prepared once', async () => {
    const m = await h.merchant();
    const customer = await h.request({ method: 'POST', url: '/api/v1/customers', key: m.secretKey, json: { email: 'taro@example.com' } });
    expect(customer.status, customer.text).toBe(200);
    const id = await newSession(m, { mode: 'customer_payment', customer_id: customer.body.id, external_customer_id: 'cus-3', payment_types: ['credit_card'] });
    const prepares = await preparesDuring(async () => {
      const res = await payByApi(m, id, { payment_details: testCard(), save_card: true });
      expect(res.body, res.text).toMatchObject({ status: 'completed', payment: { status: 'captured' } });
    });
    expect(prepares).toBe(1);
    const kept = await h.request({ url: `/api/v1/customers/${customer.body.id}`, key: m.secretKey });
    expect(kept.body.source).toMatchObject({ type: 'credit_card', last_four_digits: '1111' });
    const saved = await h.store.db.selectFrom('external_customers').select('external_customer_id').where('merchant_id', '=', m.id).execute();
    expect(saved).toEqual([{ external_customer_id: 'cus-3' }]);
  });

  it('customer mode with save_card: kept on the customer and saved for one-click, prepared once', async () => {
    const m = await h.merchant();
    const id = await newSession(m, { mode: 'customer', external_customer_id: 'cus-4', payment_types: ['credit_card'], amount: undefined });
    const prepares = await preparesDuring(async () => {
      const res = await payByApi(m, id, { payment_details: testCard(), save_card: true });
      expect(res.body, res.text).toMatchObject({ status: 'completed' });
    });
    expect(prepares).toBe(1);
  });
});
