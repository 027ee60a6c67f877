import type { Db } from './db';
import type { NewRefundRequestRow, RefundRequestRow } from './schema';

export async function insertRefundRequest(db: Db, request: NewRefundRequestRow): Promise<void> {
  await db.insertInto('refund_requests').values(request).execute();
}

/** The request and the id of its payment; the caller then locks the payment (always payment first). */
export async function findRefundRequest(db: Db, merchantId: string, id: string): Promise<RefundRequestRow | undefined> {
  return db.selectFrom('refund_requests').selectAll().where('merchant_id', '=', merchantId).where('id', '=', id).executeTakeFirst();
}

export async function setStatus(db: Db, id: string, status: RefundRequestRow['status'], now: Date): Promise<void> {
  await db.updateTable('refund_requests').set({ status, updated_at: now }).where('id', '=', id).execute();
}
