import type { Db } from './db';

/** Records that the payment's terminal sent its final decision; a second one changes nothing. */
export async function recordFinalization(db: Db, paymentId: string, acType: 'tc' | 'aac' | 'fault', at: Date): Promise<void> {
  await db.insertInto('payment_finalizations').values({ payment_id: paymentId, ac_type: acType, finalized_at: at }).onConflict((oc) => oc.column('payment_id').doNothing()).execute();
}

export async function isFinalized(db: Db, paymentId: string): Promise<boolean> {
  return (await db.selectFrom('payment_finalizations').select('payment_id').where('payment_id', '=', paymentId).executeTakeFirst()) !== undefined;
}
