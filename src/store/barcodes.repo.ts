import type { Db } from './db';
import type { Barcode } from '../model/barcode';

/** Konbini barcodes (migrations/0018_barcodes.ts): plain reads and writes, no rules. */

const COLUMNS = ['payment_id', 'merchant_id', 'serial', 'number', 'issued_at', 'expires_at', 'created_at'] as const;

/**
 * Makes the payment's barcode row, pending (serial 0, no number), unless it has one; resolves to
 * true when this call made it. Concurrent first requests make one row: the others get false.
 */
export async function insertPendingBarcode(db: Db, row: { payment_id: string; merchant_id: string; created_at: Date }): Promise<boolean> {
  const made = await db
    .insertInto('barcodes')
    .values({ ...row, serial: 0, number: null, issued_at: null, expires_at: null })
    .onConflict((oc) => oc.column('payment_id').doNothing())
    .returning('payment_id')
    .executeTakeFirst();
  return made !== undefined;
}

/** The payment's barcode row, locked for the rest of the transaction (SELECT … FOR UPDATE). */
export async function lockBarcode(db: Db, paymentId: string): Promise<Barcode | undefined> {
  return db.selectFrom('barcodes').select(COLUMNS).where('payment_id', '=', paymentId).forUpdate().executeTakeFirst();
}

/** Replaces the barcode shown: a new serial, number and validity. */
export async function issueBarcode(db: Db, paymentId: string, issued: { serial: number; number: string; issued_at: Date; expires_at: Date }): Promise<Barcode> {
  return db.updateTable('barcodes').set(issued).where('payment_id', '=', paymentId).returning(COLUMNS).executeTakeFirstOrThrow();
}
