import { sql, type Kysely } from 'kysely';

/**
 * The exchange rates a session offers its converted methods at (spec §6.3), fixed when the session
 * is created: `{"JPY": 135.65}` = units of JPY per 1 unit of the session's currency. The customer
 * then pays what the page showed even if KESSAI_RATES_FILE changes before they pay (a session lives
 * up to 24 hours). Null for sessions created before this migration: they use the current table.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE sessions ADD COLUMN exchange_rates jsonb`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE sessions DROP COLUMN exchange_rates`.execute(db);
}
