import { sql } from 'kysely';
import type { Db } from './db';
import { ofMerchant } from './of-merchant';
import type { Disbursement, DisbursementStatus } from '../model/ledger';

const RECORD = [
  'id', 'merchant_id', 'currency', 'amount', 'fee', 'fee_tax', 'status', 'bank_code', 'branch_code', 'account_type', 'account_number',
  'account_name_kana', 'error', 'external_id', 'cancel_reason', 'pay_at', 'created_at', 'last_updated_at',
] as const;

export async function insertDisbursement(db: Db, disbursement: Disbursement): Promise<void> {
  await db.insertInto('disbursements').values(disbursement).execute();
}

export async function findDisbursement(db: Db, merchantId: string, id: string): Promise<Disbursement | undefined> {
  return ofMerchant(merchantId, await db.selectFrom('disbursements').select(RECORD).where('id', '=', id).executeTakeFirst());
}

export async function lockDisbursement(db: Db, merchantId: string, id: string): Promise<Disbursement | undefined> {
  return ofMerchant(merchantId, await db.selectFrom('disbursements').select(RECORD).where('id', '=', id).forUpdate().executeTakeFirst());
}

export async function updateDisbursement(db: Db, id: string, changes: Pick<Disbursement, 'status' | 'last_updated_at'> & Partial<Pick<Disbursement, 'error' | 'cancel_reason'>>): Promise<void> {
  await db.updateTable('disbursements').set(changes).where('id', '=', id).execute();
}

export interface DisbursementFilter {
  merchantId: string;
  startTime?: Date;
  endTime?: Date;
  currency?: string;
  status?: DisbursementStatus;
}

function filtered(db: Db, filter: DisbursementFilter) {
  let query = db.selectFrom('disbursements').where('merchant_id', '=', filter.merchantId);
  if (filter.startTime) query = query.where('created_at', '>=', filter.startTime);
  if (filter.endTime) query = query.where('created_at', '<=', filter.endTime);
  if (filter.currency) query = query.where('currency', '=', filter.currency);
  if (filter.status) query = query.where('status', '=', filter.status);
  return query;
}

/** Newest first. */
export async function listDisbursements(db: Db, filter: DisbursementFilter, page: number, perPage: number) {
  const query = filtered(db, filter);
  const [rows, count] = await Promise.all([
    query.select(RECORD).orderBy('created_at', 'desc').orderBy('seq', 'desc').limit(perPage).offset((page - 1) * perPage).execute(),
    query.select(sql<number>`count(*)::int`.as('total')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.total) };
}

/** Every match, oldest first, at most `limit` (the CSV report). */
export async function reportDisbursements(db: Db, filter: DisbursementFilter, limit: number): Promise<Disbursement[]> {
  return filtered(db, filter).select(RECORD).orderBy('created_at').orderBy('seq').limit(limit).execute();
}

/** The merchant's pending disbursements whose bank transfer is due, locked. */
export async function lockDueDisbursements(db: Db, merchantId: string, now: Date): Promise<Disbursement[]> {
  return db.selectFrom('disbursements').select(RECORD).where('merchant_id', '=', merchantId).where('status', '=', 'pending').where('pay_at', '<=', now).orderBy('pay_at').orderBy('seq').forUpdate().execute();
}

/**
 * Merchants with ledger work that may be due: unsettled lines, pending settlements or
 * disbursements (the sweep then asks each merchant's own clock).
 */
export async function merchantsWithLedgerWork(db: Db): Promise<{ id: string; name: string; seed: number | null; clock_offset_ms: number }[]> {
  const { rows } = await sql<{ id: string; name: string; seed: number | null; clock_offset_ms: number }>`
    SELECT m.id, m.name, m.seed, m.clock_offset_ms FROM merchants m
    WHERE EXISTS (SELECT 1 FROM balance_transactions b WHERE b.merchant_id = m.id AND b.settlement_id IS NULL)
       OR EXISTS (SELECT 1 FROM settlements s WHERE s.merchant_id = m.id AND s.status = 'pending')
       OR EXISTS (SELECT 1 FROM disbursements d WHERE d.merchant_id = m.id AND d.status = 'pending')
    ORDER BY m.id`.execute(db);
  return rows.map((row) => ({ ...row, clock_offset_ms: Number(row.clock_offset_ms) }));
}
