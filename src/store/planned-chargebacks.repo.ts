import { sql } from 'kysely';
import type { Db } from './db';
import { merchantNowSql } from './merchant-time';
import type { PlannedChargeback } from '../model/chargeback';

export async function insertPlannedChargeback(db: Db, plan: PlannedChargeback): Promise<void> {
  await db.insertInto('planned_chargebacks').values(plan).execute();
}

/** The plan of a payment's dispute, if a test card made one. */
export async function findPlannedChargeback(db: Db, paymentId: string): Promise<PlannedChargeback | undefined> {
  return db.selectFrom('planned_chargebacks').selectAll().where('payment_id', '=', paymentId).executeTakeFirst();
}

export async function markPlannedChargebackOpened(db: Db, paymentId: string, openedAt: Date): Promise<void> {
  await db.updateTable('planned_chargebacks').set({ opened_at: openedAt }).where('payment_id', '=', paymentId).execute();
}

/**
 * Locks the plans whose dispute falls due: not yet opened, the payment captured, and its capture
 * `delay_seconds` ago or more on the merchant's clock. Soonest first, with the time each falls due
 * (`due_at`, merchant time). A payment never captured (or refunded in full) is never due.
 */
export async function lockDuePlannedChargebacks(
  db: Db,
  systemNow: Date,
  limit: number,
  options: { merchantId?: string; skipLocked: boolean },
): Promise<(PlannedChargeback & { due_at: Date })[]> {
  const dueAt = sql<Date>`p.captured_at + pc.delay_seconds * interval '1 second'`;
  let query = db
    .selectFrom('planned_chargebacks as pc')
    .innerJoin('payments as p', 'p.id', 'pc.payment_id')
    .innerJoin('merchants as m', 'm.id', 'pc.merchant_id')
    .select(['pc.payment_id', 'pc.merchant_id', 'pc.reason_code', 'pc.delay_seconds', 'pc.outcome', 'pc.opened_at'])
    .select(dueAt.as('due_at'))
    .where('pc.opened_at', 'is', null)
    .where('p.status', '=', 'captured')
    .where(dueAt, '<=', merchantNowSql(systemNow));
  if (options.merchantId) query = query.where('pc.merchant_id', '=', options.merchantId);
  const locking = query.orderBy(dueAt).orderBy('pc.payment_id').limit(limit).forUpdate('pc');
  return (options.skipLocked ? locking.skipLocked() : locking).execute();
}
