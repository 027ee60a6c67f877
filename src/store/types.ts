import type { Kysely } from 'kysely';
import type { LogSink } from '../lib/log';
import type { Database } from './schema';

/** The Kysely handle every repository takes; a transaction is one too. */
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
  /**
   * PGlite only: the migrations a new database got from the package's snapshot when it opened
   * (pglite-snapshot.ts); `kessai migrate` counts them as applied. Empty otherwise.
   */
  snapshotMigrations?: readonly string[];
  /** PostgreSQL only: the pool's connections now (for /metrics). */
  poolStats?(): PoolStats;
  close(): Promise<void>;
}

export interface PoolStats {
  total: number;
  idle: number;
  /** Queries waiting for a connection. */
  waiting: number;
}

export interface StoreOptions {
  /** PostgreSQL URL; null selects the embedded PGlite database. */
  databaseUrl: string | null;
  /** PostgreSQL schema for every query (created when missing). */
  schema?: string;
  /** PGlite data directory; `memory://` keeps the database in memory (tests, `serve --memory`). */
  dataDir?: string;
  /**
   * memory:// only: the RAM filesystem its folder goes on (pglite-ram-dir.ts), /dev/shm by
   * default; null keeps the database in PGlite's own in-memory files.
   */
  ramFilesystem?: string | null;
  /**
   * PostgreSQL only: `transaction` when databaseUrl is a transaction-pooling PgBouncer; no session
   * state is then relied on between transactions (pg-pooler.ts).
   */
  pooler?: 'session' | 'transaction';
  /** PostgreSQL only: the LISTEN connection's URL when not databaseUrl's (straight past a pooler). */
  listenUrl?: string | null;
  poolSize?: number;
  /** PGlite only: how often the store looks for tables to vacuum or analyse (see pgliteMaintenance). */
  maintenanceMs?: number;
  /**
   * PGlite only: the snapshot a new database starts from (pglite-snapshot.ts); null runs initdb
   * and every migration instead; by default the one the package build made, if any.
   */
  snapshot?: string | null;
  /** PGlite only: how V8 compiles PGlite's WebAssembly (PgliteCompiler); `baseline` by default. */
  compiler?: PgliteCompiler;
  /** PGlite only: told what a slow first start is doing (serve prints it to stderr). */
  progress?: (line: string) => void;
  /** Where lost PostgreSQL connections are reported. */
  log?: LogSink;
  /** PostgreSQL only: how long the pool's sessions may wait (DATABASE_TIMEOUT_DEFAULTS when absent). */
  timeouts?: DatabaseTimeouts;
}

/**
 * How V8 compiles PGlite's 10 MB of WebAssembly. `baseline` (Liftoff only): a process answering
 * /health holds about 50 MB less and starts 0.2 s sooner; creates are 7–21 % fewer a second
 * (see docs/configuration.md). `optimizing`: V8's default, which compiles hot functions again
 * with TurboFan, whose work memory the process keeps afterwards.
 */
export type PgliteCompiler = 'baseline' | 'optimizing';

/**
 * Bounds on the PostgreSQL pool's waits, in milliseconds (0: none). A statement that runs past
 * `statementMs` or waits on a lock past `lockMs`, a session idle in a transaction past
 * `idleInTransactionMs`, a connection not made within `connectMs`: each fails its request with
 * 503 instead of holding it.
 */
export interface DatabaseTimeouts {
  statementMs: number;
  lockMs: number;
  idleInTransactionMs: number;
  connectMs: number;
}

export const DATABASE_TIMEOUT_DEFAULTS: DatabaseTimeouts = { statementMs: 30_000, lockMs: 10_000, idleInTransactionMs: 60_000, connectMs: 5_000 };
