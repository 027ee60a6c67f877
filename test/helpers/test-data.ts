import { expect } from 'vitest';
import type { TestDataKind } from '../../src/model/test-data';
import type { Db } from '../../src/store/db';
import { cutoffOf, cycleOf, settleDue } from '../../src/domain/settlements';
import { randomIds } from '../../src/lib/ids';
import { testCard, type Harness, type TestMerchant } from './harness';

/**
 * Rows of every kind of test data for merchant `m`, made as a shop makes them: through the API
 * (and the Hosted Page for a saved card), with a webhook endpoint so that events have deliveries.
 */
export async function seedTestData(h: Harness, m: TestMerchant): Promise<void> {
  const call = async (key: string, url: string, json: unknown, headers?: Record<string, string>) => {
    const res = await h.request({ method: 'POST', url, key, json, headers });
    expect(res.status, `${url}: ${res.text}`).toBeLessThan(300);
    return res.body;
  };
  const secret = (url: string, json: unknown, headers?: Record<string, string>) => call(m.secretKey, url, json, headers);
  await secret('/api/v1/webhooks', { url: 'https://hooks.example/kessai' });

  // A payment refunded in part, one with a customer's stored card, one made with a token.
  const paid = await secret('/api/v1/payments', { amount: 1000, currency: 'JPY', payment_details: testCard() });
  await secret(`/api/v1/payments/${paid.id}/refund`, { amount: 100 });
  // The card holder disputes it; the merchant defends with a document.
  const chargeback = await secret(`/api/v1/test_helpers/payments/${paid.id}/chargeback`, {});
  await secret(`/api/v1/chargeback_requests/${chargeback.id}/defend`, { description: 'Delivered.', document: { document_base64: Buffer.from('%PDF-1.4\n%%EOF\n').toString('base64') } });
  const customer = await secret('/api/v1/customers', { email: 'taro@example.com', payment_details: testCard() });
  await secret('/api/v1/payments', { amount: 1200, currency: 'JPY', customer: customer.id });
  await secret('/api/v1/subscriptions', { amount: 980, currency: 'JPY', customer: customer.id, period: 'monthly' });
  const token = await call(m.publishableKey, '/api/v1/tokens', { payment_details: testCard() });
  await secret('/api/v1/payments', { amount: 1300, currency: 'JPY', payment_details: token.id });
  await call(m.publishableKey, '/api/v1/secure_tokens', { amount: 1000, currency: 'JPY', return_url: 'https://shop.example/back', payment_details: testCard() });
  // A konbini payment paid, then a refund request for it.
  const konbini = await secret('/api/v1/payments', { amount: 2000, currency: 'JPY', payment_details: { type: 'konbini', store: 'lawson', email: 'taro@example.com' } });
  await secret(`/api/v1/test_helpers/payments/${konbini.id}/pay`, {});
  await secret(`/api/v1/payments/${konbini.id}/refund_request`, {
    amount: 500, customer_name: 'ヤマダ タロウ', bank_name: 'Bank', branch_name: 'Main', branch_number: '123', account_type: 'normal', account_number: '1234567', include_payment_method_fee: false,
  });
  // An idempotent create, and a card saved for one-click on the Hosted Page.
  await secret('/api/v1/payments', { amount: 1400, currency: 'JPY', payment_details: testCard() }, { 'x-komoju-idempotency': `seed-${m.id}` });
  const session = await secret('/api/v1/sessions', { amount: 1500, currency: 'JPY', return_url: 'https://shop.example/done', external_customer_id: `shopper-${m.id}` });
  const saved = await h.app.inject({
    method: 'POST',
    url: `/sessions/${session.id}/pay`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ type: 'credit_card', name: 'Taro', number: '3530111333300000', expiry: '12/39', verification_value: '123', save_card: '1' }).toString(),
  });
  expect(saved.statusCode, saved.body).toBe(303);
  // A disbursement from the balance, then the month settled (as its end would settle it).
  await secret('/api/v1/disbursements', { amount: 1000, currency: 'JPY', account_number: '1234567', account_type: 'ordinary', account_name_kana: 'ヤマダ タロウ', bank_code: '0001', branch_code: '001' });
  const owner = { merchantId: m.id, merchantName: 'Test shop', publicUrl: h.services.publicUrl };
  expect(await settleDue(h.store.db, owner, cutoffOf(cycleOf(h.clock.now())), randomIds)).toBe(1);
  // The clock a day ahead.
  await secret('/api/v1/test_helpers/clock/advance', { seconds: 86400 });
}

/** A merchant's rows of each kind of test data, counted straight from the tables. */
export async function tableCounts(db: Db, merchantId: string): Promise<Record<TestDataKind, number>> {
  type Table = 'payments' | 'refunds' | 'refund_requests' | 'sessions' | 'chargebacks' | 'customers' | 'external_customers' | 'subscriptions' | 'events' | 'webhook_deliveries' | 'mails' | 'idempotency_keys';
  const count = async (table: Table | 'balance_transactions' | 'settlements' | 'disbursements') => {
    const row = await db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as('n')).where('merchant_id', '=', merchantId).executeTakeFirstOrThrow();
    return Number(row.n);
  };
  const tokens = async (kind: 'token' | 'secure_token') => {
    const row = await db.selectFrom('tokens').select((eb) => eb.fn.countAll<string>().as('n')).where('merchant_id', '=', merchantId).where('kind', '=', kind).executeTakeFirstOrThrow();
    return Number(row.n);
  };
  return {
    payments: await count('payments'),
    refunds: await count('refunds'),
    refund_requests: await count('refund_requests'),
    sessions: await count('sessions'),
    chargebacks: await count('chargebacks'),
    tokens: await tokens('token'),
    secure_tokens: await tokens('secure_token'),
    customers: await count('customers'),
    external_customers: await count('external_customers'),
    subscriptions: await count('subscriptions'),
    events: await count('events'),
    webhook_deliveries: await count('webhook_deliveries'),
    mails: await count('mails'),
    idempotency_keys: await count('idempotency_keys'),
    balance_transactions: await count('balance_transactions'),
    settlements: await count('settlements'),
    disbursements: await count('disbursements'),
  };
}

/** Webhook attempts of the merchant's deliveries (they go with them). */
export async function attemptCount(db: Db, merchantId: string): Promise<number> {
  const row = await db
    .selectFrom('webhook_attempts as a')
    .innerJoin('webhook_deliveries as d', 'd.id', 'a.delivery_id')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('d.merchant_id', '=', merchantId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
