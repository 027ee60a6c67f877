import { describe, expect, it } from 'vitest';
import { paymentSnapshot } from '../../src/domain/events';
import type { Payment } from '../../src/model/payment';

const created = new Date('2026-11-22T03:31:38.123Z');

const payment: Payment = {
  id: 'pay0000000000000000000001',
  merchant_id: 'merchant00000000000000001',
  status: 'captured',
  payment_type: 'credit_card',
  amount: 1000,
  tax: 100,
  payment_method_fee: 0,
  total: 1100,
  currency: 'JPY',
  amount_refunded: 0,
  customer_id: null,
  session_id: null,
  payment_deadline: new Date('2026-11-29T14:59:59.000Z'),
  payment_details: { type: 'credit_card', brand: 'visa', last_four_digits: '1111' },
  secret_details: 'v1.sealed-envelope',
  description: null,
  external_order_num: 'order-1',
  metadata: { foo: 'bar' },
  locale: 'ja',
  email: null,
  return_url: null,
  fraud_details: { customer_ip: '192.0.2.1' },
  failure_code: null,
  captured_at: created,
  created_at: created,
  updated_at: created,
  session_amount: null,
  session_currency: null,
  exchange_rate: null,
  uncaptured_amount: 0,
  uncaptured_tax: 0,
  customer_family_name: null,
  customer_given_name: null,
  mcc: null,
  statement_descriptor: null,
  refunds: [],
  refund_requests: [],
};

describe('paymentSnapshot', () => {
  it('keeps everything the API shows and nothing secret, as JSON.stringify of the record would print it', () => {
    const { secret_details: _secret, fraud_details: _fraud, ...visible } = payment;
    expect(JSON.parse(JSON.stringify(paymentSnapshot(payment)))).toEqual(JSON.parse(JSON.stringify({ resource: 'payment', ...visible })));
  });

  it('never carries the sealed details or the fraud details', () => {
    const json = JSON.stringify(paymentSnapshot(payment));
    expect(json).not.toContain('secret_details');
    expect(json).not.toContain('sealed-envelope');
    expect(json).not.toContain('fraud_details');
    expect(json).not.toContain('192.0.2.1');
  });

  it('prints timestamps with milliseconds, and null ones as null', () => {
    const snapshot = paymentSnapshot({ ...payment, status: 'authorized', captured_at: null, payment_deadline: null });
    expect(snapshot).toMatchObject({ created_at: '2026-11-22T03:31:38.123Z', captured_at: null, payment_deadline: null });
  });
});
