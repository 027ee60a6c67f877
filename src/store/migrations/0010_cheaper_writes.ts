import { sql, type Kysely } from 'kysely';

/**
 * Two costs every API request paid in the database, found with `perf` under the create bench:
 *
 * - The trigger that wakes the webhook workers ran once per INSERT statement into
 *   webhook_deliveries, with a transition table, even when the statement inserted no row: every
 *   payment create's fan-out is such a statement, and a merchant without endpoints gets none.
 *   It was 4 % of the database's CPU per create. Now it runs per inserted row; pg_notify sends
 *   one notification per transaction for the same payload however many rows call it.
 * - request_log's foreign key to merchants: checking it locks the merchant's row (FOR KEY SHARE)
 *   for every logged request, reads included. Such locks do not block one another, but each
 *   writes the lock into the merchant's row, and concurrent requests of one merchant turn it into
 *   a MultiXact. The log is trimmed all the time and merchants are never deleted; payments,
 *   events and the rest keep their foreign keys.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`DROP TRIGGER webhook_deliveries_notify ON webhook_deliveries`.execute(db);
  await sql`DROP FUNCTION kessai_notify_webhooks()`.execute(db);
  await sql`CREATE FUNCTION kessai_notify_webhooks() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('kessai_webhooks', current_schema());
      RETURN NULL;
    END
    $$`.execute(db);
  await sql`CREATE TRIGGER webhook_deliveries_notify AFTER INSERT ON webhook_deliveries
    FOR EACH ROW EXECUTE FUNCTION kessai_notify_webhooks()`.execute(db);
  await sql`ALTER TABLE request_log DROP CONSTRAINT request_log_merchant_id_fkey`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE request_log ADD FOREIGN KEY (merchant_id) REFERENCES merchants (id)`.execute(db);
  await sql`DROP TRIGGER webhook_deliveries_notify ON webhook_deliveries`.execute(db);
  await sql`DROP FUNCTION kessai_notify_webhooks()`.execute(db);
  await sql`CREATE FUNCTION kessai_notify_webhooks() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF EXISTS (SELECT 1 FROM added) THEN
        PERFORM pg_notify('kessai_webhooks', current_schema());
      END IF;
      RETURN NULL;
    END
    $$`.execute(db);
  await sql`CREATE TRIGGER webhook_deliveries_notify AFTER INSERT ON webhook_deliveries
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION kessai_notify_webhooks()`.execute(db);
}
