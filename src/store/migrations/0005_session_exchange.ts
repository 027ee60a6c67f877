import { sql, type Kysely } from 'kysely';

/**
 * A payment made through a session in another currency (spec §6.3: a USD session paid by konbini
 * becomes a JPY payment) records what the customer was shown: the session's amount and currency
 * and the rate that converted them. Null for payments not made through a session.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE payments ADD COLUMN session_amount bigint, ADD COLUMN session_currency text, ADD COLUMN exchange_rate double precision`.execute(db);
  await sql`ALTER TABLE payments ADD CONSTRAINT payments_session_exchange CHECK ((session_amount IS NULL) = (session_currency IS NULL) AND (session_currency IS NULL) = (exchange_rate IS NULL) AND (exchange_rate IS NULL OR exchange_rate > 0))`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE payments DROP CONSTRAINT payments_session_exchange, DROP COLUMN session_amount, DROP COLUMN session_currency, DROP COLUMN exchange_rate`.execute(db);
}
