import { sql } from 'kysely';
import type { Db } from './db';
import { merchantNowSql } from './merchant-time';
import { ofMerchant } from './of-merchant';
import type { Subscription } from '../model/subscription';

/** Every column but `seq`, which only orders rows created in the same millisecond. */
const RECORD = [
  's.id',
  's.merchant_id',
  's.customer_id',
  's.customer',
  's.status',
  's.amount',
  's.currency',
  's.period',
  's.day',
  's.cycle',
  's.next_capture_at',
  's.retry_count',
  's.retry_at',
  's.payments',
  's.metadata',
  's.created_at',
  's.updated_at',
  's.ended_at',
] as const;

function columns(subscription: Subscription) {
  return {
    ...subscription,
    customer: JSON.stringify(subscription.customer),
    payments: JSON.stringify(subscription.payments),
    metadata: JSON.stringify(subscription.metadata),
  };
}

export async function insertSubscription(db: Db, subscription: Subscription): Promise<void> {
  await db.insertInto('subscriptions').values(columns(subscription)).execute();
}

/** Writes the billing state and the snapshot of the customer; the rest never changes. */
export async function updateSubscription(db: Db, subscription: Subscription): Promise<void> {
  const { id, merchant_id: _m, created_at: _c, ...changes } = columns(subscription);
  await db.updateTable('subscriptions').set(changes).where('id', '=', id).execute();
}

/** By id alone, the merchant checked in code (see ofMerchant). */
export async function findSubscription(db: Db, merchantId: string, id: string): Promise<Subscription | undefined> {
  return ofMerchant(merchantId, await db.selectFrom('subscriptions as s').select(RECORD).where('s.id', '=', id).executeTakeFirst());
}

/** Locks the row for the rest of the transaction (SELECT … FOR UPDATE), by id alone as findSubscription. */
export async function lockSubscription(db: Db, merchantId: string, id: string): Promise<Subscription | undefined> {
  return ofMerchant(merchantId, await db.selectFrom('subscriptions as s').select(RECORD).where('s.id', '=', id).forUpdate().executeTakeFirst());
}

/** The customer's active subscriptions, locked in id order (deleting the customer cancels them). */
export async function lockActiveOfCustomer(db: Db, merchantId: string, customerId: string): Promise<Subscription[]> {
  return db
    .selectFrom('subscriptions as s')
    .select(RECORD)
    .where('s.customer_id', '=', customerId)
    .where('s.status', '=', 'active')
    .where('s.merchant_id', '=', merchantId)
    .orderBy('s.id')
    .forUpdate()
    .execute();
}

export interface SubscriptionFilter {
  merchantId: string;
  startTime?: Date;
  endTime?: Date;
  status?: string;
}

/** Newest first. */
export async function listSubscriptions(db: Db, filter: SubscriptionFilter, page: number, perPage: number) {
  let query = db.selectFrom('subscriptions as s').where('s.merchant_id', '=', filter.merchantId);
  if (filter.startTime) query = query.where('s.created_at', '>=', filter.startTime);
  if (filter.endTime) query = query.where('s.created_at', '<=', filter.endTime);
  if (filter.status) query = query.where('s.status', '=', filter.status as Subscription['status']);
  const [rows, count] = await Promise.all([
    query.select(RECORD).orderBy('s.created_at', 'desc').orderBy('s.seq', 'desc').limit(perPage).offset((page - 1) * perPage).execute(),
    query.select(sql<number>`count(*)::int`.as('total')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.total) };
}

/** What the customer looks like now, for a subscription's answer; undefined once deleted. */
export async function customerNow(db: Db, customerIds: string[]) {
  if (customerIds.length === 0) return [];
  return db.selectFrom('customers').select(['id', 'seq', 'email', 'source', 'created_at', 'updated_at']).where('id', 'in', customerIds).execute();
}

export type DueSubscription = Subscription & { clock_offset_ms: number; seed: number | null };

/**
 * Locks active subscriptions whose next charge (or retry) has fallen due on their merchant's
 * clock, soonest first, then by id: the same order in every transaction. `skipLocked`: rows
 * another process is billing are left to it (the sweep); without it, waited for (a clock
 * advance, which must answer for all of its merchant's).
 */
export async function lockDueSubscriptions(
  db: Db,
  systemNow: Date,
  limit: number,
  options: { merchantId?: string; skipLocked: boolean },
): Promise<DueSubscription[]> {
  const due = sql<Date>`coalesce(s.retry_at, s.next_capture_at)`;
  let query = db
    .selectFrom('subscriptions as s')
    .innerJoin('merchants as m', 'm.id', 's.merchant_id')
    .select(RECORD)
    .select(['m.clock_offset_ms', 'm.seed'])
    .where('s.status', '=', 'active')
    .where(due, '<=', merchantNowSql(systemNow));
  if (options.merchantId) query = query.where('s.merchant_id', '=', options.merchantId);
  const locking = query.orderBy(due).orderBy('s.id').limit(limit).forUpdate('s');
  return (options.skipLocked ? locking.skipLocked() : locking).execute();
}
