import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Kysely, PostgresDialect, sql, type DatabaseConnection, type Driver, type QueryCompiler, type TransactionSettings } from 'kysely';
import pg from 'pg';
import { ApiError } from '../kernel/errors';
import { createLogger, type LogSink } from '../lib/log';
import type { Database } from './schema';
import { pgliteMaintenance } from './driver/pglite-maintenance';

export type Db = Kysely<Database>;

export interface Store {
  db: Db;
  kind: 'postgres' | 'pglite';
  /**
   * Calls `onNotify` with each payload NOTIFYed on `channel` (after the notifying transaction
   * commits); resolves to a function that stops listening. On PostgreSQL this holds one
   * connection outside the pool, reconnecting after errors; notifications sent while it was
   * lost are gone, so `onResume` is called once it listens again, for the caller to catch up.
   */
  listen(channel: string, onNotify: (payload: string) => void, onResume?: () => void): Promise<() => Promise<void>>;
  /**
   * Runs `setUp` (migrations, the default merchant, the configured webhook endpoint …) as the only
   * process doing so on this database: processes starting together on an empty PostgreSQL
   * database would otherwise each find nothing and each create it. On PostgreSQL an advisory lock
   * per schema, held by a connection of its own (so `setUp` may use the pool freely, whatever its
   * size) and freed if the process dies; PGlite's directory belongs to one process anyway.
   */
  withSetUpLock<T>(setUp: () => Promise<T>): Promise<T>;
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
  /** Where lost PostgreSQL connections are reported. */
  log?: LogSink;
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
  // Sessions show up in pg_stat_activity as `kessai` unless the URL (?application_name=) or
  // PGAPPNAME names them otherwise (the URL's parameters override these settings).
  const connection: pg.ClientConfig = { connectionString: url, application_name: process.env.PGAPPNAME ?? 'kessai' };
  if (schema !== 'public') {
    const admin = new pg.Client(connection);
    await admin.connect();
    try {
      await admin.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    } catch (error) {
      // Processes starting together on one database all try; one creates it, the others may
      // collide on the catalogue's unique index instead of seeing it exist.
      if (!isUniqueViolation(error)) throw error;
    } finally {
      await admin.end();
    }
  }
  const log = options.log ?? createLogger();
  const pool = new pg.Pool({
    ...connection,
    max: options.poolSize ?? 10,
    types,
    options: schema === 'public' ? undefined : `-c search_path=${schema}`,
    // A peer that vanished (failover, a cut network) is noticed instead of waited on for ever.
    keepAlive: true,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
  });
  // A connection PostgreSQL ends (restart, failover, pg_terminate_backend) emits 'error' on its
  // client, idle in the pool or checked out between two queries; unheard, that event would end the
  // process. The pool drops the broken client (idle now, or when released) and opens a new one for
  // the next query; a query that was running on it fails, and DatabaseUnavailable turns that into
  // a 503 for its request.
  pool.on('error', () => {});
  pool.on('connect', (client) => {
    client.on('error', (err) => log.error({ err: connectionErrorSummary(err) }, 'lost a PostgreSQL connection; it is dropped and replaced'));
    prepareStatements(client);
    endWhenBroken(client);
  });
  const db = new Kysely<Database>({ dialect: new ResilientPostgresDialect({ pool }) });
  const listen = (channel: string, onNotify: (payload: string) => void, onResume?: () => void) =>
    listenPostgres(connection, channel, { onNotify, onResume, log });
  const withSetUpLock = async <T>(setUp: () => Promise<T>): Promise<T> => {
    const lock = new pg.Client(connection);
    await lock.connect();
    try {
      await lock.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [`kessai set-up ${schema}`]);
      return await setUp();
    } finally {
      // Ending the session frees its lock.
      await lock.end();
    }
  };
  return { db, kind: 'postgres', listen, withSetUpLock, close: () => db.destroy() };
}

/** How long getting a new PostgreSQL connection may take before its query fails as unavailable. */
const CONNECT_TIMEOUT_MS = 5_000;

/** An error that says the connection to PostgreSQL is gone or cannot be made (not a bad query). */
const CONNECTION_MESSAGES = [
  /^Connection terminated/, // pg: the socket closed (unexpectedly, or on a connection timeout)
  /^Client has encountered a connection error and is not queryable/, // pg: a query on a broken client
  /^timeout exceeded when trying to connect/, // pg-pool: connectionTimeoutMillis
];
const CONNECTION_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

/**
 * True when `error` means the database connection was lost or could not be made, rather than
 * that the statement failed: SQLSTATE class 08 (connection exception), 57P01–57P03 (PostgreSQL
 * shutting down, crashed, or still starting: what a restart or pg_terminate_backend sends),
 * 53300 (too many connections), a refused or reset socket, or pg's own messages for a closed
 * connection. The one place such errors are recognised.
 */
export function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03' || code === '53300') return true;
    if (CONNECTION_NODE_CODES.has(code)) return true;
  }
  if (CONNECTION_MESSAGES.some((pattern) => pattern.test(error.message))) return true;
  // Node reports a refused connection to a name with several addresses as an AggregateError.
  return error instanceof AggregateError && error.errors.some(isConnectionError);
}

/**
 * A query that failed because the database connection is gone: the request that made it is
 * answered 503 `service_unavailable` with Retry-After (the API's envelope, or a page), and the
 * client retries once the pool has reconnected.
 */
export class DatabaseUnavailable extends ApiError {
  constructor(cause: unknown) {
    super('service_unavailable', { message: 'The service is briefly unavailable. Retry after a second.' });
    this.cause = cause;
  }
}

/** What a log line says of a connection error: pg attaches the whole client (and its statements). */
function connectionErrorSummary(error: unknown): { message: string; code?: string } {
  const { message, code } = error as { message?: string; code?: string };
  return { message: String(message), ...(code ? { code } : {}) };
}

async function unavailableOnConnectionLoss<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw isConnectionError(error) ? new DatabaseUnavailable(error) : error;
  }
}

/** Kysely's PostgreSQL dialect with its driver in ConnectionLossAsUnavailable. */
class ResilientPostgresDialect extends PostgresDialect {
  override createDriver(): Driver {
    return new ConnectionLossAsUnavailable(super.createDriver());
  }
}

/**
 * A driver whose every operation (acquiring a connection, each query, BEGIN/COMMIT/ROLLBACK)
 * throws DatabaseUnavailable where the wrapped driver failed for a lost connection: one place,
 * under every repository, so no caller has to tell a dead connection from a failed statement.
 */
class ConnectionLossAsUnavailable implements Driver {
  readonly #inner: Driver;
  /** Ours → the wrapped driver's (each connection is wrapped once; the pg driver keeps them per client). */
  readonly #wrapped = new WeakMap<DatabaseConnection, DatabaseConnection>();
  readonly #ours = new WeakMap<DatabaseConnection, DatabaseConnection>();

  constructor(inner: Driver) {
    this.#inner = inner;
  }

  init(): Promise<void> {
    return this.#inner.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const inner = await unavailableOnConnectionLoss(() => this.#inner.acquireConnection());
    let ours = this.#ours.get(inner);
    if (!ours) {
      ours = {
        executeQuery: (query) => unavailableOnConnectionLoss(() => inner.executeQuery(query)),
        streamQuery: (query, chunkSize) => inner.streamQuery(query, chunkSize),
      };
      this.#ours.set(inner, ours);
      this.#wrapped.set(ours, inner);
    }
    return ours;
  }

  #unwrap(connection: DatabaseConnection): DatabaseConnection {
    return this.#wrapped.get(connection) ?? connection;
  }

  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return unavailableOnConnectionLoss(() => this.#inner.beginTransaction(this.#unwrap(connection), settings));
  }

  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return unavailableOnConnectionLoss(() => this.#inner.commitTransaction(this.#unwrap(connection)));
  }

  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return unavailableOnConnectionLoss(() => this.#inner.rollbackTransaction(this.#unwrap(connection)));
  }

  savepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    return unavailableOnConnectionLoss(() => this.#inner.savepoint!(this.#unwrap(connection), name, compile));
  }

  rollbackToSavepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    return unavailableOnConnectionLoss(() => this.#inner.rollbackToSavepoint!(this.#unwrap(connection), name, compile));
  }

  releaseSavepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    return unavailableOnConnectionLoss(() => this.#inner.releaseSavepoint!(this.#unwrap(connection), name, compile));
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.#inner.releaseConnection(this.#unwrap(connection));
  }

  destroy(): Promise<void> {
    return this.#inner.destroy();
  }
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
 * Ends the client when one of its queries fails for a lost connection. PostgreSQL's FATAL error
 * (57P01 from pg_terminate_backend or a shutdown) fails the running query before the socket
 * closes, and pg marks the client unusable only at the close: released in between, the pool
 * would keep it and hand it to the next query, failing that one too. Ending it makes the pool
 * drop it on release.
 */
function endWhenBroken(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  let ended = false;
  (client as { query: unknown }).query = (...args: unknown[]) => {
    const result = query(...args);
    if (result instanceof Promise) {
      result.catch((error: unknown) => {
        if (ended || !isConnectionError(error)) return;
        ended = true;
        client.end().catch(() => {});
      });
    }
    return result;
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

const LISTEN_RETRY_MIN_MS = 100;
const LISTEN_RETRY_MAX_MS = 2_000;

/**
 * LISTEN on a dedicated client: pooled connections are shared, and a notification arrives on the
 * connection that listens. When that connection is lost it reconnects (at once, then backing off
 * to LISTEN_RETRY_MAX_MS while PostgreSQL is away), LISTENs again, and calls `onResume`:
 * notifications sent meanwhile are lost, so the caller looks for what it missed. A first
 * connection that fails is retried the same way.
 */
async function listenPostgres(
  connection: pg.ClientConfig,
  channel: string,
  handlers: { onNotify: (payload: string) => void; onResume?: () => void; log: LogSink },
): Promise<() => Promise<void>> {
  let client: pg.Client | null = null;
  let stopped = false;
  let retry: NodeJS.Timeout | undefined;
  let delay = LISTEN_RETRY_MIN_MS;

  const scheduleReconnect = () => {
    if (stopped || retry) return;
    retry = setTimeout(async () => {
      retry = undefined;
      if (await connect()) {
        delay = LISTEN_RETRY_MIN_MS;
        handlers.log.info({ channel }, 'LISTEN connection back; catching up');
        handlers.onResume?.();
      }
    }, delay);
    delay = Math.min(delay * 2, LISTEN_RETRY_MAX_MS);
  };

  /** One client, LISTENing; resolves to whether it got there. Once lost, it schedules the next. */
  const connect = async (): Promise<boolean> => {
    const next = new pg.Client(connection);
    let lost = false;
    const lose = (err?: unknown) => {
      if (lost) return;
      lost = true;
      if (client === next) client = null;
      next.end().catch(() => {});
      if (stopped) return;
      handlers.log.error({ channel, err: err && connectionErrorSummary(err) }, 'lost the LISTEN connection; reconnecting');
      scheduleReconnect();
    };
    next.on('notification', (message) => handlers.onNotify(message.payload ?? ''));
    next.on('error', lose);
    next.on('end', () => lose());
    try {
      await next.connect();
      await next.query(`LISTEN "${channel}"`);
    } catch (err) {
      lose(err);
      return false;
    }
    if (lost) return false;
    if (stopped) {
      await next.end().catch(() => {});
      return false;
    }
    client = next;
    return true;
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
    import('./driver/pglite-prepared'),
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
  // An embedded database never loses its connection: no onResume.
  const listen = async (channel: string, onNotify: (payload: string) => void) => client.listen(channel, onNotify);
  const stopMaintenance = pgliteMaintenance(db, options.maintenanceMs);
  return {
    db,
    kind: 'pglite',
    listen,
    withSetUpLock: (setUp) => setUp(),
    close: () => {
      stopMaintenance();
      return db.destroy();
    },
  };
}

/** True when the error is PostgreSQL's unique_violation (23505). */
function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string })?.code === '23505';
}

export async function ping(db: Db): Promise<void> {
  await sql`SELECT 1`.execute(db);
}
