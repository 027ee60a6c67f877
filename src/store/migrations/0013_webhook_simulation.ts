import { sql, type Kysely } from 'kysely';

/**
 * Simulated receiver faults (test mode, docs/webhooks.md "Simulated receiver faults"): the
 * endpoint's `simulate` (null: none), and what was done on purpose, for the delivery log — on a
 * delivery the faults that held it at its fan-out (`delay`, `out_of_order`), on an attempt those
 * applied to its request (`duplicate`, `bad_signature`, `wrong_content_type`).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE webhook_endpoints ADD COLUMN simulate jsonb`.execute(db);
  await sql`ALTER TABLE webhook_deliveries ADD COLUMN simulated text[] NOT NULL DEFAULT '{}'`.execute(db);
  await sql`ALTER TABLE webhook_attempts ADD COLUMN simulated text[] NOT NULL DEFAULT '{}'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE webhook_endpoints DROP COLUMN simulate`.execute(db);
  await sql`ALTER TABLE webhook_deliveries DROP COLUMN simulated`.execute(db);
  await sql`ALTER TABLE webhook_attempts DROP COLUMN simulated`.execute(db);
}
