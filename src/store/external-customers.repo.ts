import type { Db } from './db';
import type { ExternalCustomer } from '../model/customer';

const RECORD = ['id', 'merchant_id', 'external_customer_id', 'payment_type', 'source', 'secret_details', 'created_at', 'updated_at'] as const;

export async function findByExternalId(db: Db, merchantId: string, externalCustomerId: string): Promise<ExternalCustomer | undefined> {
  return db.selectFrom('external_customers').select(RECORD).where('merchant_id', '=', merchantId).where('external_customer_id', '=', externalCustomerId).executeTakeFirst();
}

/**
 * Saves the card of `record.external_customer_id`, replacing the one saved before (the row keeps
 * its id and created_at). One statement, so two tabs saving at once leave one card, not an error.
 */
export async function upsert(db: Db, record: ExternalCustomer): Promise<ExternalCustomer> {
  return db
    .insertInto('external_customers')
    .values({ ...record, source: JSON.stringify(record.source) })
    .onConflict((oc) =>
      oc.constraint('external_customers_one_per_id').doUpdateSet((eb) => ({
        payment_type: eb.ref('excluded.payment_type'),
        source: eb.ref('excluded.source'),
        secret_details: eb.ref('excluded.secret_details'),
        updated_at: eb.ref('excluded.updated_at'),
      })),
    )
    .returning(RECORD)
    .executeTakeFirstOrThrow();
}

/** Deletes the saved card of a merchant's external customer id; returns what was deleted. */
export async function removeByExternalId(db: Db, merchantId: string, externalCustomerId: string): Promise<ExternalCustomer | undefined> {
  return db
    .deleteFrom('external_customers')
    .where('merchant_id', '=', merchantId)
    .where('external_customer_id', '=', externalCustomerId)
    .returning(RECORD)
    .executeTakeFirst();
}

/** Deletes a saved card by its own id; returns what was deleted. */
export async function removeById(db: Db, merchantId: string, id: string): Promise<ExternalCustomer | undefined> {
  return db.deleteFrom('external_customers').where('merchant_id', '=', merchantId).where('id', '=', id).returning(RECORD).executeTakeFirst();
}
