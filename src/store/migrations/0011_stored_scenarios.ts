import { sql, type Kysely } from 'kysely';

/**
 * The `Komoju-Scenario` a test-mode session or customer was created with (a decline code), so that
 * the payments made later through it fail with that code, as KOMOJU's test mode does (spec §5.3):
 * every payment of the session, every payment with the customer. Null: none.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE sessions ADD COLUMN scenario text`.execute(db);
  await sql`ALTER TABLE customers ADD COLUMN scenario text`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE sessions DROP COLUMN scenario`.execute(db);
  await sql`ALTER TABLE customers DROP COLUMN scenario`.execute(db);
}
