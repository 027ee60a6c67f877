import { isoMillis } from '../lib/clock';
import type { IdSource } from '../lib/ids';
import type { Db } from '../store/db';
import * as eventsRepo from '../store/events.repo';
import * as subscriptionsRepo from '../store/subscriptions.repo';
import type { Customer } from '../model/customer';
import type { Subscription, SubscriptionCustomerSnapshot } from '../model/subscription';

/**
 * What subscriptions write besides their own row: their events, and the snapshot they keep of
 * their customer. Apart from the billing (subscription-billing.ts) so that deleting a customer
 * (customers.ts) can end its subscriptions without importing the payments it would make.
 */

export type SubscriptionEventType = 'subscription.created' | 'subscription.captured' | 'subscription.failed' | 'subscription.suspended' | 'subscription.deleted';

/** The event's copy of a subscription: the model, dates as JSON prints them, tagged for the serialiser. */
export function subscriptionSnapshot(subscription: Subscription): Record<string, unknown> {
  return {
    resource: 'subscription',
    ...subscription,
    next_capture_at: isoMillis(subscription.next_capture_at),
    retry_at: subscription.retry_at && isoMillis(subscription.retry_at),
    created_at: isoMillis(subscription.created_at),
    updated_at: isoMillis(subscription.updated_at),
    ended_at: subscription.ended_at && isoMillis(subscription.ended_at),
  };
}

/** Appends a subscription event (and its webhook deliveries) in the caller's transaction. */
export async function recordSubscriptionEvent(
  trx: Db,
  ids: IdSource,
  type: SubscriptionEventType,
  subscription: Subscription,
  now: Date,
  reason: string | null = null,
): Promise<void> {
  await eventsRepo.insertEvent(trx, {
    id: ids.id(),
    merchant_id: subscription.merchant_id,
    type,
    resource_id: subscription.id,
    data: JSON.stringify(subscriptionSnapshot(subscription)),
    reason,
    created_at: now,
  });
}

/** What a subscription keeps of its customer (row number from the customers table's `seq`). */
export function customerSnapshot(customer: Pick<Customer, 'email' | 'source' | 'created_at' | 'updated_at'> & { seq: number }): SubscriptionCustomerSnapshot {
  return {
    number: Number(customer.seq),
    email: customer.email,
    created_at: isoMillis(new Date(customer.created_at)),
    updated_at: isoMillis(new Date(customer.updated_at)),
    archived_at: null,
    source: customer.source,
  };
}

/**
 * The subscriptions with the customer as it is now (email, card, times); a deleted customer's
 * stay as they were kept. One query for a whole page.
 */
export async function withCurrentCustomers(db: Db, subscriptions: Subscription[]): Promise<Subscription[]> {
  const ids = [...new Set(subscriptions.filter((s) => s.customer.archived_at === null).map((s) => s.customer_id))];
  const found = new Map((await subscriptionsRepo.customerNow(db, ids)).map((row) => [row.id, customerSnapshot(row)]));
  return subscriptions.map((s) => ({ ...s, customer: found.get(s.customer_id) ?? s.customer }));
}

/**
 * Deleting a customer ends its subscriptions, as Stripe does (there is nothing left to charge):
 * each is `cancelled` with the customer kept as `archived_at` now, and `subscription.deleted`.
 * In the caller's transaction, which holds the customer's row.
 */
export async function cancelCustomerSubscriptions(trx: Db, ids: IdSource, merchantId: string, customer: Customer & { seq?: number }, now: Date): Promise<void> {
  for (const found of await subscriptionsRepo.lockActiveOfCustomer(trx, merchantId, customer.id)) {
    const archived = { ...found.customer, email: customer.email, source: customer.source, archived_at: isoMillis(now) };
    await endSubscription(trx, ids, { ...found, customer: archived }, now);
  }
}

/**
 * Cancels a locked subscription (DELETE, or its customer deleted) and records `subscription.deleted`.
 * A suspended one keeps the time it stopped charging as `ended_at`.
 */
export async function endSubscription(trx: Db, ids: IdSource, found: Subscription, now: Date): Promise<Subscription> {
  const ended: Subscription = { ...found, status: 'cancelled', retry_at: null, ended_at: found.ended_at ?? now, updated_at: now };
  await subscriptionsRepo.updateSubscription(trx, ended);
  await recordSubscriptionEvent(trx, ids, 'subscription.deleted', ended, now);
  return ended;
}
