/**
 * Environment → typed config. Nothing else in the program reads process.env.
 * Every variable here is listed in docs/configuration.md (test/docs/documented.test.ts keeps it so).
 */
import { loadRates, RatesError, type Rates } from './domain/rates';
import type { WebhookSettings } from './domain/webhook-settings';
import type { RateLimits } from './http/plugins/rate-limit';
import type { LogFormat } from './lib/log';
import { DATABASE_TIMEOUT_DEFAULTS, type DatabaseTimeouts, type PgliteCompiler } from './store/types';

export interface Config {
  port: number;
  host: string;
  /** PostgreSQL connection string; when absent the embedded PGlite database in dataDir is used. */
  databaseUrl: string | null;
  /** PostgreSQL schema to use (tests give each run its own); default `public`. */
  databaseSchema: string;
  /**
   * KESSAI_DATABASE_POOLER: `transaction` when DATABASE_URL goes through a transaction-pooling
   * PgBouncer, so that nothing relies on a session lasting past a transaction; `session` (default)
   * for PostgreSQL itself or a session pooler.
   */
  databasePooler: DatabasePooler;
  /**
   * KESSAI_LISTEN_DATABASE_URL: where the LISTEN connection goes (straight to PostgreSQL, past a
   * transaction pooler); null uses DATABASE_URL, or only polls behind a transaction pooler.
   */
  listenDatabaseUrl: string | null;
  dataDir: string;
  /** Public base URL used in links the API returns (instructions_url, redirect_url, session_url). */
  publicUrl: string;
  secretKey: string | null;
  publishableKey: string | null;
  /** The default merchant's name, shown to customers (KESSAI_MERCHANT_NAME); null keeps the stored one. */
  merchantName: string | null;
  webhookUrl: string | null;
  webhookSecret: string | null;
  webhooks: WebhookSettings;
  /**
   * 64 hex characters (32 bytes), or several comma-separated: the first seals, the others stay
   * readable until `kessai vault rotate` re-seals what they sealed. When absent a keyring file in
   * dataDir is used (created 0600).
   */
  encryptionKey: string | null;
  logLevel: string;
  /** LOG_FORMAT: `json`, `pretty`, or `auto` when unset (pretty when stderr is a terminal). */
  logFormat: LogFormat;
  /** Requests allowed in flight at once before the API answers 503 (bounds PGlite's queue). */
  maxInFlight: number;
  rateLimits: RateLimits;
  /**
   * Redis that holds the rate limits' counts (KESSAI_REDIS_URL), so that processes behind one
   * balancer share them; null counts in each process.
   */
  redisUrl: string | null;
  /**
   * The bearer token GET /metrics asks for (KESSAI_METRICS_TOKEN); null leaves it open while no
   * merchant is live, and off once one is (http/metrics.ts).
   */
  metricsToken: string | null;
  /**
   * What this process does (KESSAI_ROLE, --role): `all` (API, pages and background jobs), `api`
   * (API and pages, no jobs) or `worker` (the jobs, serving only /health, /ready and /metrics).
   * Split roles need PostgreSQL: an embedded database belongs to one process.
   */
  role: Role;
  /** Size of the PostgreSQL connection pool. */
  poolSize: number;
  /** KESSAI_DB_*_TIMEOUT_MS: bounds on PostgreSQL's statements, lock waits, idle transactions and connecting. */
  databaseTimeouts: DatabaseTimeouts;
  /** KESSAI_KEY_CACHE_MS: how long a key lookup is reused when no change notification ends it sooner. */
  keyCacheMs: number;
  /** KESSAI_PGLITE_COMPILER: how V8 compiles the embedded database's WebAssembly (see StoreOptions). */
  pgliteCompiler: PgliteCompiler;
  /**
   * Fastify's trustProxy: whether X-Forwarded-For / -Proto of a proxy in front are believed
   * (client address for the dashboard's sign-in limit, https for its Secure cookie). `true`, or
   * the proxies' addresses/CIDRs, comma-separated; false when unset.
   */
  trustProxy: boolean | string;
  /** Exchange rates for sessions (built-in, or the file KESSAI_RATES_FILE names). */
  rates: Rates;
  /**
   * Where live-mode mails to customers are sent (KESSAI_SMTP_URL, smtp:// or smtps://, user and
   * password in the URL); null keeps them queued in the outbox. Test-mode mails are never sent.
   */
  smtpUrl: string | null;
  /** The From of those mails (KESSAI_MAIL_FROM). */
  mailFrom: string;
  /**
   * KESSAI_SEED: seeds the default merchant at start (docs/testing.md, "Determinism"), so that
   * its ids, codes and timestamps repeat from run to run; null leaves it as it is.
   */
  seed: number | null;
}

type Env = Record<string, string | undefined>;

export class ConfigError extends Error {}

/**
 * `kessai serve`'s flags, each standing for the environment variable it names; a flag given wins
 * over the variable. `memory` is the embedded database in memory (KESSAI_DATA_DIR=memory://), so
 * it also sets DATABASE_URL aside.
 */
export type Role = 'all' | 'api' | 'worker';

export type DatabasePooler = 'session' | 'transaction';

export interface ConfigFlags {
  role?: string;
  port?: number;
  host?: string;
  dataDir?: string;
  databaseUrl?: string;
  secretKey?: string;
  publishableKey?: string;
  webhookUrl?: string;
  memory?: boolean;
}

export const FLAG_VARIABLES = {
  port: 'PORT',
  host: 'HOST',
  dataDir: 'KESSAI_DATA_DIR',
  databaseUrl: 'DATABASE_URL',
  secretKey: 'KESSAI_SECRET_KEY',
  publishableKey: 'KESSAI_PUBLISHABLE_KEY',
  webhookUrl: 'KESSAI_WEBHOOK_URL',
  role: 'KESSAI_ROLE',
} as const satisfies Record<Exclude<keyof ConfigFlags, 'memory'>, string>;

/** The data directory `--memory` stands for: PGlite keeps it in memory, the vault's key too. */
export const MEMORY_DATA_DIR = 'memory://';

/**
 * The environment with the flags laid over it. Going through the variables keeps one parser
 * (and one set of error messages) for both, and the public URL follows a `--port` as it follows
 * PORT.
 */
export function withFlags(env: Env, flags: ConfigFlags): Env {
  const merged: Env = { ...env };
  for (const [flag, variable] of Object.entries(FLAG_VARIABLES)) {
    const value = flags[flag as keyof typeof FLAG_VARIABLES];
    if (value !== undefined) merged[variable] = String(value);
  }
  if (flags.memory) {
    merged.KESSAI_DATA_DIR = MEMORY_DATA_DIR;
    merged.DATABASE_URL = '';
  }
  return merged;
}

/** Whether the database is PGlite kept in memory: nothing of it, nor of the vault, is on disk. */
export function inMemory(config: Pick<Config, 'databaseUrl' | 'dataDir'>): boolean {
  return config.databaseUrl === null && config.dataDir.startsWith(MEMORY_DATA_DIR);
}

/**
 * The embedded data directory on disk, which one process at a time may open (src/cli/lock.ts);
 * null for PostgreSQL, which processes share, and in memory, where there is no directory.
 */
export function lockedDataDir(config: Pick<Config, 'databaseUrl' | 'dataDir'>): string | null {
  return config.databaseUrl === null && !inMemory(config) ? config.dataDir : null;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer between ${min} and ${max}, got ${JSON.stringify(raw)}`);
  }
  return value;
}

function choice<T extends string>(env: Env, name: string, values: readonly T[], fallback: T): T {
  const raw = text(env, name);
  if (raw === null) return fallback;
  if (!(values as readonly string[]).includes(raw)) throw new ConfigError(`${name} must be one of ${values.join(', ')}, got ${JSON.stringify(raw)}`);
  return raw as T;
}

/**
 * A redis:// or rediss:// URL: ioredis reads anything else as a host name or a socket path. The
 * error names the scheme only, as the URL may carry a password.
 */
function redisUrl(raw: string | null): string | null {
  if (raw === null) return null;
  const scheme = URL.canParse(raw) ? new URL(raw).protocol : null;
  if (scheme !== 'redis:' && scheme !== 'rediss:') {
    throw new ConfigError(`KESSAI_REDIS_URL must be a redis:// or rediss:// URL, got ${scheme ? `a ${scheme}// URL` : 'something that is not a URL'}`);
  }
  return raw;
}

function text(env: Env, name: string): string | null {
  const raw = env[name];
  return raw === undefined || raw === '' ? null : raw;
}

export function loadConfig(env: Env = process.env): Config {
  const port = integer(env, 'PORT', 3000, 1, 65535);
  const host = text(env, 'HOST') ?? '127.0.0.1';
  const databaseUrl = text(env, 'DATABASE_URL');
  const encryptionKey = text(env, 'KESSAI_ENCRYPTION_KEY');
  if (encryptionKey !== null && !/^[0-9a-fA-F]{64}(\s*,\s*[0-9a-fA-F]{64})*$/.test(encryptionKey)) {
    throw new ConfigError('KESSAI_ENCRYPTION_KEY must be 64 hex characters (32 bytes), or several such keys separated by commas');
  }
  const role = choice(env, 'KESSAI_ROLE', ['all', 'api', 'worker'] as const, 'all');
  if (role !== 'all' && databaseUrl === null) {
    throw new ConfigError(`KESSAI_ROLE=${role} needs PostgreSQL (DATABASE_URL): the embedded database belongs to one process, which must do every job (role all)`);
  }
  const databaseSchema = text(env, 'KESSAI_DATABASE_SCHEMA') ?? 'public';
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(databaseSchema)) {
    throw new ConfigError('KESSAI_DATABASE_SCHEMA must be a lowercase SQL identifier');
  }
  return {
    port,
    host,
    databaseUrl,
    databaseSchema,
    databasePooler: choice(env, 'KESSAI_DATABASE_POOLER', ['session', 'transaction'] as const, 'session'),
    listenDatabaseUrl: text(env, 'KESSAI_LISTEN_DATABASE_URL'),
    dataDir: text(env, 'KESSAI_DATA_DIR') ?? './.kessai',
    publicUrl: (text(env, 'KESSAI_PUBLIC_URL') ?? localUrl(host, port)).replace(/\/+$/, ''),
    secretKey: text(env, 'KESSAI_SECRET_KEY'),
    publishableKey: text(env, 'KESSAI_PUBLISHABLE_KEY'),
    merchantName: text(env, 'KESSAI_MERCHANT_NAME'),
    webhookUrl: text(env, 'KESSAI_WEBHOOK_URL'),
    webhookSecret: text(env, 'KESSAI_WEBHOOK_SECRET'),
    webhooks: {
      privateAddresses: choice(env, 'KESSAI_WEBHOOK_PRIVATE_ADDRESSES', ['auto', 'allow', 'refuse'] as const, 'auto'),
      timeoutMs: integer(env, 'KESSAI_WEBHOOK_TIMEOUT_MS', 10_000, 100, 60_000),
      concurrencyPerEndpoint: integer(env, 'KESSAI_WEBHOOK_CONCURRENCY', 4, 1, 100),
    },
    encryptionKey,
    logLevel: text(env, 'LOG_LEVEL') ?? 'info',
    logFormat: choice(env, 'LOG_FORMAT', ['auto', 'json', 'pretty'] as const, 'auto'),
    maxInFlight: integer(env, 'KESSAI_MAX_IN_FLIGHT', databaseUrl ? 512 : 64, 1, 100000),
    rateLimits: {
      // Live keys get Stripe's live-mode default; test mode is a developer's sandbox, load tests included.
      live: integer(env, 'KESSAI_RATE_LIMIT', 100, 0, 1_000_000),
      test: integer(env, 'KESSAI_TEST_RATE_LIMIT', 0, 0, 1_000_000),
    },
    redisUrl: redisUrl(text(env, 'KESSAI_REDIS_URL')),
    metricsToken: text(env, 'KESSAI_METRICS_TOKEN'),
    role,
    poolSize: integer(env, 'KESSAI_POOL_SIZE', 10, 1, 1000),
    databaseTimeouts: databaseTimeouts(env),
    keyCacheMs: integer(env, 'KESSAI_KEY_CACHE_MS', 250, 0, 3_600_000),
    pgliteCompiler: choice(env, 'KESSAI_PGLITE_COMPILER', ['baseline', 'optimizing'] as const, 'baseline'),
    trustProxy: trustProxy(text(env, 'KESSAI_TRUST_PROXY')),
    rates: rates(text(env, 'KESSAI_RATES_FILE')),
    smtpUrl: smtpUrl(text(env, 'KESSAI_SMTP_URL')),
    mailFrom: text(env, 'KESSAI_MAIL_FROM') ?? 'kessai <no-reply@localhost>',
    seed: text(env, 'KESSAI_SEED') === null ? null : integer(env, 'KESSAI_SEED', 0, 0, Number.MAX_SAFE_INTEGER),
  };
}

/** Each 0 (no bound) or a whole number of milliseconds up to an hour. */
function databaseTimeouts(env: Env): DatabaseTimeouts {
  const ms = (name: string, fallback: number) => integer(env, name, fallback, 0, 3_600_000);
  const defaults = DATABASE_TIMEOUT_DEFAULTS;
  return {
    statementMs: ms('KESSAI_DB_STATEMENT_TIMEOUT_MS', defaults.statementMs),
    lockMs: ms('KESSAI_DB_LOCK_TIMEOUT_MS', defaults.lockMs),
    idleInTransactionMs: ms('KESSAI_DB_IDLE_IN_TRANSACTION_TIMEOUT_MS', defaults.idleInTransactionMs),
    connectMs: ms('KESSAI_DB_CONNECT_TIMEOUT_MS', defaults.connectMs),
  };
}

/** An smtp:// or smtps:// URL; the error names the scheme only, as the URL may carry a password. */
function smtpUrl(raw: string | null): string | null {
  if (raw === null) return null;
  const scheme = URL.canParse(raw) ? new URL(raw).protocol : null;
  if (scheme !== 'smtp:' && scheme !== 'smtps:') {
    throw new ConfigError(`KESSAI_SMTP_URL must be an smtp:// or smtps:// URL, got ${scheme ? `a ${scheme}// URL` : 'something that is not a URL'}`);
  }
  return raw;
}

/** The URL a process on this machine reaches a server listening on `host`:`port` at. */
export function localUrl(host: string, port: number): string {
  const reachable = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
}

function rates(file: string | null): Rates {
  try {
    return loadRates(file);
  } catch (error) {
    if (error instanceof RatesError) throw new ConfigError(`KESSAI_RATES_FILE: ${error.message}`);
    throw error;
  }
}

function trustProxy(raw: string | null): boolean | string {
  if (raw === null || raw === 'false' || raw === '0') return false;
  if (raw === 'true' || raw === '1') return true;
  if (!/^[0-9a-fA-F.:/]+(\s*,\s*[0-9a-fA-F.:/]+)*$/.test(raw)) {
    throw new ConfigError('KESSAI_TRUST_PROXY must be true, false, or comma-separated addresses or CIDRs of the proxies');
  }
  return raw;
}
