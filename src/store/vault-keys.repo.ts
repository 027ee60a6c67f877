import { sql } from 'kysely';
import type { Db } from './db';

/** A key recorded in vault_keys (migrations/0022_cluster.ts): its id and check value, never the key. */
export interface RecordedKey {
  keyId: string;
  check: string;
}

/** The key recorded last: the one the cluster seals with now. Null: none recorded yet. */
export async function latestKey(db: Db): Promise<RecordedKey | null> {
  const { rows } = await sql<{ key_id: string; key_check: string }>`
    SELECT key_id, key_check FROM vault_keys ORDER BY seq DESC LIMIT 1`.execute(db);
  return rows.length ? { keyId: rows[0].key_id, check: rows[0].key_check } : null;
}

/** Whether `keyId` has been recorded, with any check value. */
export async function isRecorded(db: Db, keyId: string): Promise<boolean> {
  const { rows } = await sql`SELECT 1 FROM vault_keys WHERE key_id = ${keyId}`.execute(db);
  return rows.length > 0;
}

/**
 * Records `key` as the latest, unless it is recorded already (processes starting together with
 * the same key record it once; a key rotated back to keeps its first place).
 */
export async function recordKey(db: Db, key: RecordedKey): Promise<void> {
  await sql`INSERT INTO vault_keys (key_id, key_check) VALUES (${key.keyId}, ${key.check}) ON CONFLICT (key_id) DO NOTHING`.execute(db);
}
