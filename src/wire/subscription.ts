import { sha256Hex } from '../lib/digest';
import { timestamp } from './time';
import type { Subscription } from '../model/subscription';

/**
 * Subscription → KOMOJU JSON, field for field as the SDK's models/subscription.ts (with
 * subscription-customer.ts and subscription-payment-details.ts). Also reads an event's snapshot,
 * whose dates are strings. Numeric ids KOMOJU has and kessai has not: the customer's is its row
 * number, the merchant's a number derived from its id (merchantNumber); docs/compatibility.md.
 */
export function serializeSubscription(subscription: Subscription): Record<string, unknown> {
  const customer = subscription.customer;
  const source = customer.source ?? {};
  return {
    id: subscription.id,
    resource: 'subscription',
    status: subscription.status,
    amount: subscription.amount,
    currency: subscription.currency,
    customer: {
      id: customer.number,
      uuid: subscription.customer_id,
      merchant_id: merchantNumber(subscription.merchant_id),
      created_at: timestamp(customer.created_at),
      updated_at: timestamp(customer.updated_at),
      email: customer.email,
      currency: subscription.currency,
      locale: 'ja',
      name: null,
      phone: null,
      archived_at: timestamp(customer.archived_at),
    },
    period: subscription.period,
    day: subscription.day,
    payment_details: {
      type: String(source.type ?? ''),
      month: String(source.month ?? ''),
      year: String(source.year ?? ''),
      email: customer.email ?? '',
    },
    retry_count: subscription.retry_count,
    retry_at: timestamp(subscription.retry_at),
    next_capture_at: timestamp(subscription.next_capture_at),
    created_at: timestamp(subscription.created_at),
    ended_at: timestamp(subscription.ended_at),
    metadata: subscription.metadata,
    payments: subscription.payments,
  };
}

/** A stable positive integer for a merchant id (the first 48 bits of its SHA-256), KOMOJU's numeric merchant_id. */
export function merchantNumber(merchantId: string): number {
  return Number.parseInt(sha256Hex(merchantId).slice(0, 12), 16);
}
