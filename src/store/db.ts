import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Database } from './schema';
import { pgliteMaintenance } from './pglite-maintenance';

export type Db = Kysely<Database>;

export interface Store {
  db: Db;
  kind: 'postgres' | 'pglite';
  /**
   * Calls `onNotify` with each payload NOTIFYed on `channel` (after the notifying transaction
   * commits); resolves to a function that stops listening. On PostgreSQL this holds one
   * connection outside the pool, reconnecting after errors.
   */
  listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export interface StoreOptions {
  /** PostgreSQL URL; null selects the embedded PGlite database. */
  databaseUrl: string | null;
  /** PostgreSQL schema for every query (created when missing). */
  schema?: string;
  /** PGlite data directory; `memory://` keeps the database in memory (tests). */
  dataDir?: string;
  poolSize?: number;
  /** PGlite only: how often the store looks for tables to vacuum or analyse (see pgliteMaintenance). */
  maintenanceMs?: number;
}

const INT8_OID = 20;
const NUMERIC_OID = 1700;

// Amounts are bigint columns; every value we store fits a double exactly (< 2^53), so they are
// read back as numbers rather than strings.
const toNumber = (value: string) => Number(value);

export async function openStore(options: StoreOptions): Promise<Store> {
  return options.databaseUrl ? openPostgres(options.databaseUrl, options) : openPglite(options);
}

async function openPostgres(url: string, options: StoreOptions): Promise<Store> {
  const schema = options.schema ?? 'public';
  const types = {
    getTypeParser(oid: number, format?: 'text' | 'binary') {
      if (oid === INT8_OID || oid === NUMERIC_OID) return toNumber;
      return pg.types.getTypeParser(oid, format);
    },
  };
  if (schema !== 'public') {
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      await admin.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    } finally {
      await admin.end();
    }
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    types,
    options: schema === 'public' ? undefined : `-c search_path=${schema}`,
  });
  pool.on('connect', prepareStatements);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const listen = (channel: string, onNotify: (payload: string) => void) => listenPostgres(url, channel, onNotify);
  return { db, kind: 'postgres', listen, close: () => db.destroy() };
}

const MAX_PREPARED = 2000;
/** `select *`, `returning *`, `, *` and `"p".*` as Kysely writes them; not `count(*)` or `a * b`. */
const SELECTS_ALL = /(?:\bselect|\breturning|,)\s*\*|"\.\*/i;
/** Each statement text's name, or null for one that stays unnamed. */
const statementNames = new Map<string, string | null>();

/**
 * Runs every parameterised statement as a named prepared statement on this connection, so
 * PostgreSQL parses and plans each distinct statement once per connection instead of on every
 * execution (Kysely sends unnamed ones): the payment create's statement went from 1.5 to 0.7 ms
 * of database time (bench/profile-create.ts). Some stay unnamed:
 * - statements without parameters (DDL, BEGIN/COMMIT);
 * - statements selecting `*`: once a migration adds a column, a prepared `SELECT *` or `RETURNING *`
 *   fails with "cached plan must not change result type" in every running process;
 * - past MAX_PREPARED distinct texts, new ones (the cache is per connection and never shrinks).
 */
function prepareStatements(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as { query: unknown }).query = (text: unknown, values?: unknown, callback?: unknown) => {
    const name = typeof text === 'string' && Array.isArray(values) && values.length > 0 && callback === undefined ? statementName(text) : null;
    return name ? namedQuery(client, name, text as string, values as unknown[]) : query(text, values, callback);
  };
}

/**
 * Runs a named statement through pg's own Query, made from the text and given its name after:
 * made from a config object (`{ name, text, values }`), pg first copies the object with
 * getOwnPropertyDescriptors and defineProperties, which cost 3–10 µs per query here against well
 * under 1 µs for a plain copy, on every execution of every statement (3 % of a GET's CPU
 * profile). The constructor only reads `name` from the config into the same field.
 */
function namedQuery(client: pg.PoolClient, name: string, text: string, values: unknown[]): Promise<pg.QueryResult> {
  return new Promise((resolve, reject) => {
    const query = new pg.Query(text, values, (err, result) => (err ? reject(err) : resolve(result as unknown as pg.QueryResult)));
    (query as { name?: string }).name = name;
    client.query(query);
  });
}

function statementName(text: string): string | null {
  let name = statementNames.get(text);
  if (name === undefined) {
    if (statementNames.size >= MAX_PREPARED) return null;
    name = SELECTS_ALL.test(text) ? null : `k${createHash('sha1').update(text).digest('base64url')}`;
    statementNames.set(text, name);
  }
  return name;
}

/**
 * LISTEN on a dedicated client: pooled connections are shared, and a notification arrives on the
 * connection that listens. After a connection error it reconnects (1 s apart); notifications sent
 * meanwhile are lost, which is why every listener also polls.
 */
async function listenPostgres(url: string, channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>> {
  let client: pg.Client | null = null;
  let stopped = false;
  let retry: NodeJS.Timeout | undefined;
  const reconnect = () => {
    if (!stopped) retry = setTimeout(() => connect().catch(reconnect), 1000);
  };
  const connect = async (): Promise<void> => {
    const next = new pg.Client({ connectionString: url });
    next.on('notification', (message) => onNotify(message.payload ?? ''));
    next.on('error', () => {
      next.end().catch(() => {});
      reconnect();
    });
    await next.connect();
    await next.query(`LISTEN "${channel}"`);
    client = next;
  };
  await connect();
  return async () => {
    stopped = true;
    clearTimeout(retry);
    await client?.end().catch(() => {});
  };
}

async function openPglite(options: StoreOptions): Promise<Store> {
  const [{ PGlite }, { PGliteDialect }, { withPreparedStatements }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('kysely-pglite-dialect'),
    import('./pglite-prepared'),
  ]);
  const dataDir = options.dataDir ?? './.kessai';
  let location = dataDir;
  if (!dataDir.startsWith('memory://')) {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    location = join(dataDir, 'pgdata');
  }
  const client = new PGlite(location, { parsers: { [INT8_OID]: toNumber, [NUMERIC_OID]: toNumber } });
  await client.waitReady;
  // The dialect calls only query() and close() on its client. Which statements run prepared is
  // decided as on PostgreSQL (statementName); PGlite names them per database itself.
  const prepared = withPreparedStatements(client, (text) => statementName(text) !== null) as unknown as InstanceType<typeof PGlite>;
  const db = new Kysely<Database>({ dialect: new PGliteDialect(prepared) });
  const listen = async (channel: string, onNotify: (payload: string) => void) => client.listen(channel, onNotify);
  const stopMaintenance = pgliteMaintenance(db, options.maintenanceMs);
  return {
    db,
    kind: 'pglite',
    listen,
    close: () => {
      stopMaintenance();
      return db.destroy();
    },
  };
}

/** True when the error is PostgreSQL's unique_violation (23505). */
export function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string })?.code === '23505';
}

export async function ping(db: Db): Promise<void> {
  await sql`SELECT 1`.execute(db);
}
