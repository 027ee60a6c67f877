import type { Db } from './db';
import type { NewRefundRequestRow } from './schema';
import type { RefundRequest, RefundRequestStatus } from '../model/payment';

/** Inserts the request and flags its payment as having one, in one statement (see migration 0009). */
export async function insertRefundRequest(db: Db, request: NewRefundRequestRow): Promise<void> {
  await db
    .with('q', (qc) => qc.insertInto('refund_requests').values(request))
    .updateTable('payments')
    .set({ has_refund_requests: true })
    .where('id', '=', request.payment_id)
    .execute();
}

/** The request and the id of its payment; the caller then locks the payment (always payment first). */
export async function findRefundRequest(db: Db, merchantId: string, id: string): Promise<RefundRequest | undefined> {
  return db.selectFrom('refund_requests').selectAll().where('merchant_id', '=', merchantId).where('id', '=', id).executeTakeFirst();
}

export async function setStatus(db: Db, id: string, status: RefundRequestStatus, now: Date): Promise<void> {
  await db.updateTable('refund_requests').set({ status, updated_at: now }).where('id', '=', id).execute();
}
