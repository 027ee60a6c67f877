import { sql, type Kysely } from 'kysely';

/**
 * Seeded merchants (docs/testing.md, "Determinism"): `seed` set (POST
 * /api/v1/test_helpers/seed, KESSAI_SEED), the merchant's ids and codes come from a keyed hash of
 * it and `id_sequence`, which every request of the merchant advances by one in the database, so
 * that concurrent requests and processes never draw the same values. Null seed: random ids, and
 * the sequence is never touched.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE merchants ADD COLUMN seed bigint, ADD COLUMN id_sequence bigint NOT NULL DEFAULT 0`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE merchants DROP COLUMN seed, DROP COLUMN id_sequence`.execute(db);
}
