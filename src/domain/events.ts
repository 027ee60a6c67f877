import { isoMillis } from '../lib/clock';
import type { IdSource } from '../lib/ids';
import type { Db } from '../store/db';
import * as eventsRepo from '../store/events.repo';
import type { NewEventRow } from '../store/schema';
import type { Customer } from '../model/customer';
import type { Payment } from '../model/payment';
import { paymentMail } from './mail';

export type PaymentEventType =
  | 'payment.authorized'
  | 'payment.captured'
  | 'payment.updated'
  | 'payment.expired'
  | 'payment.cancelled'
  | 'payment.refund.created'
  | 'payment.refunded'
  | 'payment.failed';

export type CustomerEventType = 'customer.created' | 'customer.updated' | 'customer.deleted';

/**
 * Appends a customer event in the caller's transaction; `data` is the customer as the API shows
 * it (no stored details), tagged `resource: "customer"` for the serialiser.
 */
export async function recordCustomerEvent(trx: Db, ids: IdSource, type: CustomerEventType, customer: Customer, now: Date): Promise<void> {
  const { secret_details: _secret, scenario: _scenario, ...visible } = customer;
  await eventsRepo.insertEvent(trx, {
    id: ids.id(),
    merchant_id: customer.merchant_id,
    type,
    resource_id: customer.id,
    data: JSON.stringify({ resource: 'customer', ...visible }),
    reason: null,
    created_at: now,
  });
}

/**
 * The snapshot an event keeps of a payment: everything the API shows, nothing secret (no
 * `secret_details`, no `fraud_details`). Written out field by field, and the `satisfies` makes a
 * new column a compile error here until it is placed. Timestamps are the strings JSON.stringify
 * would print, made by isoMillis. Against `{ ...visible }` of a rest pattern with Dates inside,
 * this took a create's snapshot from 8 µs to 3.5 µs (build and stringify; a scratch loop of
 * 200,000).
 */
export function paymentSnapshot(payment: Payment): Record<string, unknown> {
  return {
    resource: 'payment',
    id: payment.id,
    merchant_id: payment.merchant_id,
    status: payment.status,
    payment_type: payment.payment_type,
    amount: payment.amount,
    tax: payment.tax,
    payment_method_fee: payment.payment_method_fee,
    total: payment.total,
    currency: payment.currency,
    amount_refunded: payment.amount_refunded,
    customer_id: payment.customer_id,
    session_id: payment.session_id,
    payment_deadline: payment.payment_deadline && isoMillis(payment.payment_deadline),
    payment_details: payment.payment_details,
    description: payment.description,
    external_order_num: payment.external_order_num,
    metadata: payment.metadata,
    locale: payment.locale,
    email: payment.email,
    return_url: payment.return_url,
    failure_code: payment.failure_code,
    captured_at: payment.captured_at && isoMillis(payment.captured_at),
    created_at: isoMillis(payment.created_at),
    updated_at: isoMillis(payment.updated_at),
    session_amount: payment.session_amount,
    session_currency: payment.session_currency,
    exchange_rate: payment.exchange_rate,
    // Snapshots written before migration 0012 lack these; the serialiser reads them as 0.
    uncaptured_amount: payment.uncaptured_amount,
    uncaptured_tax: payment.uncaptured_tax,
    customer_family_name: payment.customer_family_name,
    customer_given_name: payment.customer_given_name,
    mcc: payment.mcc,
    statement_descriptor: payment.statement_descriptor,
    refunds: payment.refunds,
    refund_requests: payment.refund_requests,
  } satisfies Record<Exclude<keyof Payment, 'secret_details' | 'fraud_details'> | 'resource', unknown>;
}

/**
 * Appends an event row in the caller's transaction. Delivery (webhooks) reads these rows, so an
 * event exists exactly when the change it describes committed. Given the merchant's name, the
 * statement also queues the e-mail the event sends the customer, if any (mail.ts).
 */
export async function recordPaymentEvent(
  trx: Db,
  ids: IdSource,
  type: PaymentEventType,
  payment: Payment,
  now: Date,
  reason: string | null = null,
  merchantName?: string,
): Promise<void> {
  const event = paymentEventRow(ids, type, payment, now, reason);
  const mail = merchantName === undefined ? null : paymentMail(ids, type, event.id, payment, merchantName, now);
  await eventsRepo.insertEvent(trx, event, mail);
}

export function paymentEventRow(ids: IdSource, type: PaymentEventType, payment: Payment, now: Date, reason: string | null = null): NewEventRow {
  return {
    id: ids.id(),
    merchant_id: payment.merchant_id,
    type,
    resource_id: payment.id,
    data: JSON.stringify(paymentSnapshot(payment)),
    reason,
    created_at: now,
  };
}
