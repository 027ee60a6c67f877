import { sql } from 'kysely';
import type { Db } from './db';
import { merchantNowSql } from './merchant-time';
import type { Chargeback, ChargebackDocument, ChargebackStatus } from '../model/chargeback';

/** Every column of the noun (not `seq`). */
const RECORD = [
  'id',
  'merchant_id',
  'payment_id',
  'amount',
  'currency',
  'status',
  'reason_code',
  'reason',
  'due_date',
  'timeline',
  'payment',
  'customer',
  'defense',
  'debited_at',
  'credited_at',
  'created_at',
  'updated_at',
] as const;

/** A document as listed: everything but its bytes. */
export type DocumentInfo = Omit<ChargebackDocument, 'content'>;
const DOCUMENT_INFO = ['id', 'merchant_id', 'chargeback_id', 'file_name', 'content_type', 'file_size', 'signing_key', 'uploaded_at'] as const;

export async function insertChargeback(db: Db, chargeback: Chargeback): Promise<void> {
  await db
    .insertInto('chargebacks')
    .values({
      ...chargeback,
      timeline: JSON.stringify(chargeback.timeline),
      payment: JSON.stringify(chargeback.payment),
      customer: JSON.stringify(chargeback.customer),
      defense: JSON.stringify(chargeback.defense),
    })
    .execute();
}

export async function findChargeback(db: Db, merchantId: string, id: string): Promise<Chargeback | undefined> {
  return db.selectFrom('chargebacks').select(RECORD).where('merchant_id', '=', merchantId).where('id', '=', id).executeTakeFirst();
}

export async function findChargebackOfPayment(db: Db, paymentId: string): Promise<Chargeback | undefined> {
  return db.selectFrom('chargebacks').select(RECORD).where('payment_id', '=', paymentId).executeTakeFirst();
}

/** The chargeback, locked FOR UPDATE until the caller's transaction ends. */
export async function lockChargeback(db: Db, merchantId: string, id: string): Promise<Chargeback | undefined> {
  return db.selectFrom('chargebacks').select(RECORD).where('merchant_id', '=', merchantId).where('id', '=', id).forUpdate().executeTakeFirst();
}

/** Writes what a transition changed (status, timeline, defense, money marks, updated_at). */
export async function updateChargeback(db: Db, chargeback: Chargeback): Promise<void> {
  await db
    .updateTable('chargebacks')
    .set({
      status: chargeback.status,
      timeline: JSON.stringify(chargeback.timeline),
      defense: JSON.stringify(chargeback.defense),
      debited_at: chargeback.debited_at,
      credited_at: chargeback.credited_at,
      updated_at: chargeback.updated_at,
    })
    .where('id', '=', chargeback.id)
    .execute();
}

export interface ChargebackFilter {
  merchantId: string;
  status?: ChargebackStatus;
  paymentId?: string;
  startTime?: Date;
  endTime?: Date;
  dueDateStart?: Date;
  dueDateEnd?: Date;
}

/** KOMOJU's order: pending first, then the rest; newest first within each. */
export async function listChargebacks(db: Db, filter: ChargebackFilter, page: number, perPage: number) {
  let query = db.selectFrom('chargebacks').where('merchant_id', '=', filter.merchantId);
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.paymentId) query = query.where('payment_id', '=', filter.paymentId);
  if (filter.startTime) query = query.where('created_at', '>=', filter.startTime);
  if (filter.endTime) query = query.where('created_at', '<=', filter.endTime);
  if (filter.dueDateStart) query = query.where('due_date', '>=', filter.dueDateStart);
  if (filter.dueDateEnd) query = query.where('due_date', '<=', filter.dueDateEnd);
  const [rows, count] = await Promise.all([
    query
      .select(RECORD)
      .orderBy(sql`status = 'pending'`, 'desc')
      .orderBy('created_at', 'desc')
      .orderBy('seq', 'desc')
      .limit(perPage)
      .offset((page - 1) * perPage)
      .execute(),
    query.select(sql<number>`count(*)::int`.as('total')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.total) };
}

/**
 * Pending chargebacks whose due date has passed on their merchant's clock, locked FOR UPDATE in
 * a fixed order (SKIP LOCKED for the sweep: another process is handling those), with the
 * merchant's clock fields so the caller can tell the time in the merchant's terms.
 */
export async function lockDueChargebacks(
  db: Db,
  systemNow: Date,
  limit: number,
  options: { merchantId?: string; skipLocked: boolean },
): Promise<(Chargeback & { clock_offset_ms: number; seed: number | null })[]> {
  let query = db
    .selectFrom('chargebacks as c')
    .innerJoin('merchants as m', 'm.id', 'c.merchant_id')
    .select(RECORD.map((column) => `c.${column}` as const))
    .select(['m.clock_offset_ms', 'm.seed'])
    .where('c.status', '=', 'pending')
    .where('c.due_date', '<', merchantNowSql(systemNow));
  if (options.merchantId) query = query.where('c.merchant_id', '=', options.merchantId);
  const locking = query.orderBy('c.due_date').orderBy('c.id').limit(limit).forUpdate('c');
  return (options.skipLocked ? locking.skipLocked() : locking).execute();
}

export async function insertDocument(db: Db, document: ChargebackDocument): Promise<void> {
  await db.insertInto('chargeback_documents').values(document).execute();
}

/** The documents of a chargeback, oldest first, without their bytes. */
export async function listDocuments(db: Db, chargebackId: string): Promise<DocumentInfo[]> {
  return db.selectFrom('chargeback_documents').select(DOCUMENT_INFO).where('chargeback_id', '=', chargebackId).orderBy('seq').execute();
}

/** One document with its bytes, by its id alone (a signed URL carries no merchant). */
export async function findDocument(db: Db, chargebackId: string, id: string): Promise<ChargebackDocument | undefined> {
  return db.selectFrom('chargeback_documents').selectAll().where('chargeback_id', '=', chargebackId).where('id', '=', id).executeTakeFirst();
}
