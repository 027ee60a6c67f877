import { sql } from 'kysely';
import type { Db } from './db';

/**
 * The merchant's row as the lock between a reset of its test data and everything else it does.
 *
 * Every row of a merchant's data is inserted with a foreign key to the merchant, which PostgreSQL
 * checks by locking the merchant's row FOR KEY SHARE until the inserting transaction ends. A reset
 * locks it FOR UPDATE, the one mode that conflicts: the two are ordered, whole, one after the
 * other. A transaction that would lock one of the merchant's rows (a payment it captures, a token
 * it uses) before its first insert holds the merchant first (holdMerchant), so that it never
 * holds such a row while it waits for a reset that wants the row too.
 */

/** FOR KEY SHARE on the merchant's row, for the rest of the transaction (waits while a reset runs). */
export async function holdMerchant(db: Db, merchantId: string): Promise<void> {
  await db.selectFrom('merchants').select('id').where('id', '=', merchantId).forKeyShare().execute();
}

/**
 * FOR UPDATE on the merchant's row: granted once every transaction holding it (holdMerchant, or
 * an insert's foreign key check) has ended; until this one ends, they wait. False: no such
 * merchant.
 */
export async function lockMerchantAgainstInserts(db: Db, merchantId: string): Promise<boolean> {
  const row = await db.selectFrom('merchants').select('id').where('id', '=', merchantId).forUpdate().executeTakeFirst();
  return row !== undefined;
}

/**
 * Row locks the rest of the transaction waits for at most `ms` (`lock_timeout`, SET LOCAL):
 * longer, and the statement fails with `lock_not_available` (see isLockContention).
 */
export async function boundLockWaits(db: Db, ms: number): Promise<void> {
  await sql`SELECT set_config('lock_timeout', ${`${ms}ms`}, true)`.execute(db);
}

/**
 * A statement that failed on a lock: it waited past `lock_timeout` (55P03), or deadlocked (40P01).
 * The driver turns a lock timeout into DatabaseUnavailable (a 503 where nothing retries), keeping
 * PostgreSQL's error as its cause.
 */
export function isLockContention(error: unknown): boolean {
  const failed = error as { code?: unknown; cause?: { code?: unknown } } | null;
  const code = failed?.code === 'service_unavailable' ? failed.cause?.code : failed?.code;
  return code === '55P03' || code === '40P01';
}
