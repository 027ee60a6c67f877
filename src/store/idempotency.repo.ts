import { sql } from 'kysely';
import type { Db } from './db';
import type { IdempotencyRow } from './schema';

/**
 * Takes the transaction-scoped advisory lock for one idempotency key without waiting. False means
 * another transaction (in any process) holds it: that request is still in flight. The same
 * statement holds the merchant's row as merchant-locks.repo's holdMerchant does (no round trip of
 * its own), waiting while a reset of the merchant's test data runs.
 */
export async function tryLockKey(db: Db, merchantId: string, key: string): Promise<boolean> {
  const { rows } = await sql<{ locked: boolean }>`
    SELECT pg_try_advisory_xact_lock(hashtextextended(${merchantId} || ':' || ${key}, 0)) AS locked
    FROM merchants WHERE id = ${merchantId} FOR KEY SHARE
  `.execute(db);
  return rows[0]?.locked ?? false;
}

export async function findRecord(db: Db, merchantId: string, key: string, notBefore: Date): Promise<IdempotencyRow | undefined> {
  return db
    .selectFrom('idempotency_keys')
    .selectAll()
    .where('merchant_id', '=', merchantId)
    .where('key', '=', key)
    .where('created_at', '>=', notBefore)
    .executeTakeFirst();
}

/** Stores the response; an expired record under the same key is replaced. */
export async function saveRecord(db: Db, record: IdempotencyRow): Promise<void> {
  await db
    .insertInto('idempotency_keys')
    .values(record)
    .onConflict((oc) =>
      oc.columns(['merchant_id', 'key']).doUpdateSet({
        request_hash: record.request_hash,
        status_code: record.status_code,
        body: record.body,
        created_at: record.created_at,
      }),
    )
    .execute();
}

export async function purgeBefore(db: Db, cutoff: Date): Promise<number> {
  const result = await db.deleteFrom('idempotency_keys').where('created_at', '<', cutoff).executeTakeFirst();
  return Number(result.numDeletedRows);
}
