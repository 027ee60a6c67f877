import { newId } from '../lib/random';
import type { CustomerRecord } from '../store/customers.repo';
import type { Db } from '../store/db';
import * as eventsRepo from '../store/events.repo';
import type { PaymentRecord } from '../store/payments.repo';
import type { NewEventRow } from '../store/schema';

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
export async function recordCustomerEvent(trx: Db, type: CustomerEventType, customer: CustomerRecord, now: Date): Promise<void> {
  const { secret_details: _secret, ...visible } = customer;
  await eventsRepo.insertEvent(trx, {
    id: newId(),
    merchant_id: customer.merchant_id,
    type,
    resource_id: customer.id,
    data: JSON.stringify({ resource: 'customer', ...visible }),
    reason: null,
    created_at: now,
  });
}

/** The snapshot an event keeps of a payment: everything the API shows, nothing secret. */
export function paymentSnapshot(payment: PaymentRecord): Record<string, unknown> {
  const { secret_details: _secret, fraud_details: _fraud, ...visible } = payment;
  return { resource: 'payment', ...visible };
}

/**
 * Appends an event row in the caller's transaction. Delivery (webhooks) reads these rows, so an
 * event exists exactly when the change it describes committed.
 */
export async function recordPaymentEvent(
  trx: Db,
  type: PaymentEventType,
  payment: PaymentRecord,
  now: Date,
  reason: string | null = null,
): Promise<void> {
  await eventsRepo.insertEvent(trx, paymentEventRow(type, payment, now, reason));
}

export function paymentEventRow(type: PaymentEventType, payment: PaymentRecord, now: Date, reason: string | null = null): NewEventRow {
  return {
    id: newId(),
    merchant_id: payment.merchant_id,
    type,
    resource_id: payment.id,
    data: JSON.stringify(paymentSnapshot(payment)),
    reason,
    created_at: now,
  };
}
