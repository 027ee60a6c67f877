import { Kysely } from 'kysely';
import pg from 'pg';
import { createLogger, type LogSink } from '../../lib/log';
import type { Database } from '../schema';
import { DATABASE_TIMEOUT_DEFAULTS, type DatabaseTimeouts, type Store, type StoreOptions } from '../types';
import { connectionErrorSummary, isConnectionError } from './connection-errors';
import { INT8_OID, NUMERIC_OID, toNumber } from './numbers';
import { clientFor } from './pg-hosts';
import { listenPostgres } from './pg-listen';
import { checkPooledSchema, pollOnly, withTransactionLock } from './pg-pooler';
import { prepareStatements } from './pg-statements';
import { ResilientPostgresDialect } from './resilient-dialect';

const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID || oid === NUMERIC_OID) return toNumber;
    return pg.types.getTypeParser(oid, format);
  },
};

export async function openPostgres(url: string, options: StoreOptions): Promise<Store> {
  const schema = options.schema ?? 'public';
  const pooled = options.pooler === 'transaction';
  // Sessions show up in pg_stat_activity as `kessai` unless the URL (?application_name=) or
  // PGAPPNAME names them otherwise (the URL's parameters override these settings).
  const timeouts = options.timeouts ?? DATABASE_TIMEOUT_DEFAULTS;
  // Several servers listed (a primary and its standbys): connections go to the writable one.
  const { Client, connectionString } = clientFor(url);
  const connection: pg.ClientConfig = {
    connectionString,
    application_name: process.env.PGAPPNAME ?? 'kessai',
    // Every connection, the pool's and the LISTEN and set-up ones, is given up on when not made in time.
    connectionTimeoutMillis: timeouts.connectMs,
  };
  if (schema !== 'public') await createSchema(new Client(connection), schema);
  const log = options.log ?? createLogger();
  // Behind a transaction pooler the pool's sessions take no startup parameters (PgBouncer refuses
  // them): the timeouts are then the role's (`ALTER ROLE … SET`, docs/configuration.md).
  const poolConnection = pooled ? { ...connection, Client } : { ...connection, ...sessionTimeouts(timeouts), Client };
  const pool = openPool(poolConnection, { schema, pooled, size: options.poolSize ?? 10, log });
  if (pooled) await closeOnFailure(pool, () => checkPooledSchema(pool, schema));
  const db = new Kysely<Database>({ dialect: new ResilientPostgresDialect({ pool }) });
  const listenConnection = options.listenUrl ? { ...connection, connectionString: options.listenUrl } : connection;
  const listen =
    pooled && !options.listenUrl
      ? pollOnly(log)
      : (channel: string, onNotify: (payload: string) => void, onResume?: () => void) =>
          listenPostgres(() => (options.listenUrl ? new pg.Client(listenConnection) : new Client(connection)), channel, { onNotify, onResume, log });
  const lock = pooled ? withTransactionLock : withAdvisoryLock;
  const withSetUpLock = <T>(setUp: () => Promise<T>): Promise<T> => lock(new Client(connection), `kessai set-up ${schema}`, setUp);
  const poolStats = () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount });
  return { db, kind: 'postgres', listen, withSetUpLock, poolStats, close: () => db.destroy() };
}

async function closeOnFailure(pool: pg.Pool, check: () => Promise<void>): Promise<void> {
  try {
    await check();
  } catch (error) {
    await pool.end();
    throw error;
  }
}

async function createSchema(admin: pg.Client, schema: string): Promise<void> {
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

/** True when the error is PostgreSQL's unique_violation (23505). */
function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string })?.code === '23505';
}

/**
 * The pool's sessions' statement, lock and idle-in-transaction timeouts, sent in the startup
 * message (no statement of their own). Only the pool's: the set-up lock waits for another
 * process's migrations as long as they take, and the LISTEN session is idle by design.
 */
function sessionTimeouts(timeouts: DatabaseTimeouts): pg.ClientConfig {
  return {
    statement_timeout: timeouts.statementMs,
    lock_timeout: timeouts.lockMs,
    idle_in_transaction_session_timeout: timeouts.idleInTransactionMs,
  };
}


interface PoolSettings {
  schema: string;
  /** Behind a transaction pooler: no search_path at start, no named statements (pg-pooler.ts). */
  pooled: boolean;
  size: number;
  log: LogSink;
}

function openPool(connection: pg.PoolConfig, { schema, pooled, size, log }: PoolSettings): pg.Pool {
  const pool = new pg.Pool({
    ...connection,
    max: size,
    types,
    options: schema === 'public' || pooled ? undefined : `-c search_path=${schema}`,
    // A peer that vanished (failover, a cut network) is noticed instead of waited on for ever.
    keepAlive: true,
  });
  // A connection PostgreSQL ends (restart, failover, pg_terminate_backend) emits 'error' on its
  // client, idle in the pool or checked out between two queries; unheard, that event would end the
  // process. The pool drops the broken client (idle now, or when released) and opens a new one for
  // the next query; a query that was running on it fails, and DatabaseUnavailable turns that into
  // a 503 for its request.
  pool.on('error', () => {});
  pool.on('connect', (client) => {
    client.on('error', (err) => log.error({ err: connectionErrorSummary(err) }, 'lost a PostgreSQL connection; it is dropped and replaced'));
    if (!pooled) prepareStatements(client);
    endWhenBroken(client);
  });
  return pool;
}

/** Runs `run` holding an advisory lock on a connection of its own; ending the session frees it. */
async function withAdvisoryLock<T>(lock: pg.Client, key: string, run: () => Promise<T>): Promise<T> {
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [key]);
    return await run();
  } finally {
    // Ending the session frees its lock.
    await lock.end();
  }
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
