import { sql } from 'kysely';
import type { Db } from './db';
import { ofMerchant } from './of-merchant';
import type { Settlement } from '../model/ledger';

const RECORD = [
  'id', 'merchant_id', 'reference', 'status', 'currency', 'cycle', 'cutoff_time', 'payout_at', 'transaction_amount', 'fee_amount',
  'fee_tax_amount', 'settlement_amount', 'bank_transfer_fee_amount', 'remittance_amount', 'breakdown', 'created_at',
] as const;

export async function insertSettlement(db: Db, settlement: Settlement): Promise<void> {
  await db.insertInto('settlements').values({ ...settlement, breakdown: JSON.stringify(settlement.breakdown) }).execute();
}

export async function findSettlement(db: Db, merchantId: string, id: string): Promise<Settlement | undefined> {
  return ofMerchant(merchantId, await db.selectFrom('settlements').select(RECORD).where('id', '=', id).executeTakeFirst());
}

export async function hasSettlement(db: Db, merchantId: string, currency: string, cycle: string): Promise<boolean> {
  const row = await db.selectFrom('settlements').select('id').where('merchant_id', '=', merchantId).where('currency', '=', currency).where('cycle', '=', cycle).executeTakeFirst();
  return row !== undefined;
}

/** Newest first. */
export async function listSettlements(db: Db, filter: { merchantId: string; startTime?: Date; endTime?: Date }, page: number, perPage: number) {
  let query = db.selectFrom('settlements').where('merchant_id', '=', filter.merchantId);
  if (filter.startTime) query = query.where('created_at', '>=', filter.startTime);
  if (filter.endTime) query = query.where('created_at', '<=', filter.endTime);
  const [rows, count] = await Promise.all([
    query.select(RECORD).orderBy('created_at', 'desc').orderBy('seq', 'desc').limit(perPage).offset((page - 1) * perPage).execute(),
    query.select(sql<number>`count(*)::int`.as('total')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.total) };
}

/** Pending settlements of the merchant whose payout time has come: now paid; returned as they now are, oldest payout first. */
export async function payDueSettlements(db: Db, merchantId: string, now: Date): Promise<Settlement[]> {
  const rows = await db
    .updateTable('settlements')
    .set({ status: 'paid' })
    .where('merchant_id', '=', merchantId)
    .where('status', '=', 'pending')
    .where('payout_at', '<=', now)
    .returning(RECORD)
    .execute();
  // RETURNING keeps no order: by payout, then id, so a seeded merchant's events come in one order.
  return rows.sort((a, b) => a.payout_at.getTime() - b.payout_at.getTime() || (a.id < b.id ? -1 : 1));
}
