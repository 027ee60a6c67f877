import { Migrator, sql, type DatabaseIntrospector, type Kysely, type Migration, type MigrationResultSet, type TableMetadata } from 'kysely';
import * as init from './migrations/0001_init';
import * as tokensCustomers from './migrations/0002_tokens_customers';
import * as webhooks from './migrations/0003_webhooks';
import * as sessions from './migrations/0004_sessions';
import * as sessionExchange from './migrations/0005_session_exchange';
import * as externalCustomers from './migrations/0006_external_customers';
import * as dashboard from './migrations/0007_dashboard';
import * as sessionRates from './migrations/0008_session_rates';
import * as refundRequestFlag from './migrations/0009_refund_request_flag';
import * as cheaperWrites from './migrations/0010_cheaper_writes';
import * as storedScenarios from './migrations/0011_stored_scenarios';
import * as uncapturedRemainder from './migrations/0012_uncaptured_remainder';
import * as webhookSimulation from './migrations/0013_webhook_simulation';
import * as mailOutbox from './migrations/0014_mail_outbox';
import * as seededMerchants from './migrations/0015_seeded_merchants';
import * as paymentFields from './migrations/0016_payment_fields';
import * as subscriptions from './migrations/0017_subscriptions';
import * as barcodes from './migrations/0018_barcodes';
import * as chargebacks from './migrations/0019_chargebacks';
import * as ledger from './migrations/0020_ledger';
import * as paymentFinalizations from './migrations/0021_payment_finalizations';
import * as cluster from './migrations/0022_cluster';
import * as plannedChargebacks from './migrations/0023_planned_chargebacks';
import * as merchantLogos from './migrations/0024_merchant_logos';

/** Every migration, in order. A new migration is one file in migrations/ and one line here. */
const MIGRATIONS: Record<string, Migration> = {
  '0001_init': init,
  '0002_tokens_customers': tokensCustomers,
  '0003_webhooks': webhooks,
  '0004_sessions': sessions,
  '0005_session_exchange': sessionExchange,
  '0006_external_customers': externalCustomers,
  '0007_dashboard': dashboard,
  '0008_session_rates': sessionRates,
  '0009_refund_request_flag': refundRequestFlag,
  '0010_cheaper_writes': cheaperWrites,
  '0011_stored_scenarios': storedScenarios,
  '0012_uncaptured_remainder': uncapturedRemainder,
  '0013_webhook_simulation': webhookSimulation,
  '0014_mail_outbox': mailOutbox,
  '0015_seeded_merchants': seededMerchants,
  '0016_payment_fields': paymentFields,
  '0017_subscriptions': subscriptions,
  '0018_barcodes': barcodes,
  '0019_chargebacks': chargebacks,
  '0020_ledger': ledger,
  '0021_payment_finalizations': paymentFinalizations,
  '0022_cluster': cluster,
  '0023_planned_chargebacks': plannedChargebacks,
  '0024_merchant_logos': merchantLogos,
};

/** The migrations' names, in order (a database snapshot records which of them it holds). */
export const MIGRATION_NAMES: readonly string[] = Object.keys(MIGRATIONS);

/** Applies every pending migration; resolves to the names of those it applied. */
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  if (await upToDate(db)) return [];
  return applied(await (await migrator(db)).migrateToLatest());
}

/**
 * Whether the database already has every migration (and maybe later ones), in one read. Every
 * start but the first finds so, and the Migrator takes about ten statements and a transaction to find it (0.2–0.5 s of a
 * PGlite restart on the 2-core dev machine, as they are the first queries the engine plans).
 */
async function upToDate(db: Kysely<any>): Promise<boolean> {
  const { rows } = await sql<{ table: string | null }>`SELECT to_regclass('kysely_migration')::text AS table`.execute(db);
  if (rows[0].table === null) return false;
  const done = await sql<{ name: string }>`SELECT name FROM kysely_migration ORDER BY name`.execute(db);
  // More than this version knows, after all of them: a newer kessai migrated the database during a
  // rolling upgrade (docs/deploy.md). Its migrations only add, so this version runs on it; the
  // Migrator would refuse (`previously executed migration … is missing`) and an old process
  // restarted mid-roll would not come back.
  return done.rows.length >= MIGRATION_NAMES.length && MIGRATION_NAMES.every((name, i) => done.rows[i].name === name);
}

/** Applies the pending migrations up to `name`, included (the snapshot tests build old databases). */
export async function migrateUpTo(db: Kysely<any>, name: string): Promise<string[]> {
  return applied(await (await migrator(db)).migrateTo(name));
}

async function migrator(db: Kysely<any>): Promise<Migrator> {
  // Kysely looks for its bookkeeping tables in every schema unless told which one: with two
  // kessai schemas in one database (parallel test runs, several deployments) it would find the
  // other's table, skip creating its own, and fail. Pin it to the schema the connection uses.
  const { rows } = await sql<{ schema: string }>`SELECT current_schema() AS schema`.execute(db);
  const schema = rows[0].schema;
  return new Migrator({
    db: withIntrospector(db, ownSchemaIntrospector(db, schema)),
    provider: { getMigrations: async () => MIGRATIONS },
    migrationTableSchema: schema,
  });
}

function applied({ error, results }: MigrationResultSet): string[] {
  if (error) throw error;
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/**
 * The Migrator asks `db.introspection.getTables()` whether its tables exist. Kysely's PostgreSQL
 * introspector reads every column of every schema and calls pg_get_serial_sequence() on each, so a
 * schema that another deployment (or a parallel test file) drops meanwhile fails the migration
 * with "schema … does not exist". This one lists the tables of our own schema only; the
 * Migrator reads nothing but their names.
 */
function ownSchemaIntrospector(db: Kysely<any>, schema: string): DatabaseIntrospector {
  const getTables = async (): Promise<TableMetadata[]> => {
    const { rows } = await sql<{ name: string; kind: string }>`
      SELECT c.relname AS name, c.relkind AS kind
      FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = ${schema} AND c.relkind IN ('r', 'v', 'p')`.execute(db);
    return rows.map((row) => ({ name: row.name, schema, isView: row.kind === 'v', columns: [] }));
  };
  return {
    getSchemas: async () => [{ name: schema }],
    getTables,
    getMetadata: async () => ({ tables: await getTables() }),
  };
}

/** `db` with another introspector; everything else goes to `db` itself (its fields are private). */
function withIntrospector(db: Kysely<any>, introspector: DatabaseIntrospector): Kysely<any> {
  return new Proxy(db, {
    get(target, property) {
      if (property === 'introspection') return introspector;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
