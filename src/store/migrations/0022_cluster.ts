import { sql, type Kysely } from 'kysely';

/**
 * Two things a cluster of processes on one database must agree on.
 *
 * (1) The encryption key: the keys this database's secrets have been sealed with, as their ids and a check
 * value (an HMAC the key makes of a fixed text: proof that a process holds the same key, from
 * which the key cannot be found). The row recorded last is the cluster's active key: a process
 * whose keyring lacks it refuses to start (domain/vault-key-guard.ts) instead of answering 500 for
 * every card another process sealed. Never the key itself.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await createVaultKeys(db);
  await notifyMerchantChanges(db);
}

async function createVaultKeys(db: Kysely<any>): Promise<void> {
  await sql`CREATE TABLE vault_keys (
    key_id text PRIMARY KEY,
    key_check text NOT NULL,
    seq bigserial NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT statement_timestamp()
  )`.execute(db);
}

/**
 * (2) What authentication caches of a merchant (merchants.repo's key lookups: name, mode, test
 * clock, payment types, seed, and its keys): a change NOTIFYs `kessai_merchants` (payload: the
 * schema) at commit, whichever process or command made it, and every process forgets its cached
 * lookups on hearing it, instead of serving the old ones for up to KEY_CACHE_MS. Only those
 * columns: a seeded merchant's id_sequence moves with every request and would empty the caches
 * as often.
 */
async function notifyMerchantChanges(db: Kysely<any>): Promise<void> {
  await sql`CREATE FUNCTION kessai_notify_merchants() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    PERFORM pg_notify('kessai_merchants', current_schema());
    RETURN NULL;
  END
  $$`.execute(db);
  await sql`CREATE TRIGGER merchants_notify AFTER UPDATE OF name, mode, clock_offset_ms, payment_types, seed ON merchants
    FOR EACH ROW WHEN (ROW(OLD.name, OLD.mode, OLD.clock_offset_ms, OLD.payment_types::text, OLD.seed)
      IS DISTINCT FROM ROW(NEW.name, NEW.mode, NEW.clock_offset_ms, NEW.payment_types::text, NEW.seed))
    EXECUTE FUNCTION kessai_notify_merchants()`.execute(db);
  await sql`CREATE TRIGGER merchants_delete_notify AFTER DELETE ON merchants
    FOR EACH STATEMENT EXECUTE FUNCTION kessai_notify_merchants()`.execute(db);
  await sql`CREATE TRIGGER api_keys_notify AFTER UPDATE OR DELETE ON api_keys
    FOR EACH STATEMENT EXECUTE FUNCTION kessai_notify_merchants()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TRIGGER api_keys_notify ON api_keys`.execute(db);
  await sql`DROP TRIGGER merchants_delete_notify ON merchants`.execute(db);
  await sql`DROP TRIGGER merchants_notify ON merchants`.execute(db);
  await sql`DROP FUNCTION kessai_notify_merchants()`.execute(db);
  await sql`DROP TABLE vault_keys`.execute(db);
}
