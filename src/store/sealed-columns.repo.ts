import { sql } from 'kysely';
import type { Db } from './db';

/**
 * Every column that holds vault envelopes, keyed by the table's `id`. A feature that seals a new
 * column adds one line here; `kessai vault rotate` re-seals exactly these.
 */
export const SEALED_COLUMNS = [
  { table: 'payments', column: 'secret_details' },
  { table: 'tokens', column: 'secret_details' },
  { table: 'customers', column: 'secret_details' },
  { table: 'external_customers', column: 'secret_details' },
] as const;

export type SealedColumn = (typeof SEALED_COLUMNS)[number];

export interface SealedValue {
  id: string;
  envelope: string;
}

/**
 * Up to `limit` envelopes of `column` not sealed by `keyId` (the id before the first dot), in id
 * order after `afterId`: keyset pages, so a rotation walks each table once.
 */
export async function sealedByOtherKeys(db: Db, { table, column }: SealedColumn, keyId: string, afterId: string, limit: number): Promise<SealedValue[]> {
  const { rows } = await sql<SealedValue>`
    SELECT id, ${sql.ref(column)} AS envelope FROM ${sql.table(table)}
    WHERE ${sql.ref(column)} IS NOT NULL AND split_part(${sql.ref(column)}, '.', 1) <> ${keyId} AND id > ${afterId}
    ORDER BY id LIMIT ${limit}
  `.execute(db);
  return rows;
}

/**
 * Replaces an envelope only if it is still the one read: a row that changed meanwhile (a token
 * used, a customer's card replaced) keeps what its writer sealed. Returns whether it replaced it.
 */
export async function replaceEnvelope(db: Db, { table, column }: SealedColumn, value: SealedValue, next: string): Promise<boolean> {
  const result = await sql`
    UPDATE ${sql.table(table)} SET ${sql.ref(column)} = ${next} WHERE id = ${value.id} AND ${sql.ref(column)} = ${value.envelope}
  `.execute(db);
  return Number(result.numAffectedRows ?? 0) > 0;
}

/** How many envelopes of `column` each key sealed. */
export async function countByKey(db: Db, { table, column }: SealedColumn): Promise<Record<string, number>> {
  const { rows } = await sql<{ key_id: string; count: number }>`
    SELECT split_part(${sql.ref(column)}, '.', 1) AS key_id, count(*)::int AS count FROM ${sql.table(table)}
    WHERE ${sql.ref(column)} IS NOT NULL GROUP BY 1
  `.execute(db);
  return Object.fromEntries(rows.map((row) => [row.key_id, Number(row.count)]));
}
