/**
 * Shared helpers for the benchmark scripts in bench/.
 *
 * - settings from flags and environment (BENCH_DURATION, BENCH_RUNS, BENCH_CONNECTIONS, BENCH_DB …)
 * - start a server (kessai or the floor) as a child process on a free 127.0.0.1 port with a fresh
 *   database: PGlite in a temporary KESSAI_DATA_DIR, or PostgreSQL in a fresh schema that is
 *   dropped at the end
 * - run autocannon programmatically N times and keep the median
 * - print a figures table
 * - clean up (kill children, drop schemas, remove temporary directories) on success, error and
 *   SIGINT/SIGTERM
 *
 * Every wait and every load loop is bounded in count and in time, and load only ever goes to
 * 127.0.0.1.
 */
import autocannon from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const BENCH_HOST = '127.0.0.1';
/** The secret key of the bench merchant (KESSAI_SECRET_KEY); fixed so runs are comparable. */
export const BENCH_SECRET_KEY = 'sk_test_kessaibench0000000000000000000';
export const BENCH_PUBLISHABLE_KEY = 'pk_test_kessaibench0000000000000000000';
export const AUTH_HEADER = `Basic ${Buffer.from(`${BENCH_SECRET_KEY}:`).toString('base64')}`;

export type DbKind = 'pglite' | 'postgres';

// ---------------------------------------------------------------------------------------------
// Settings
// ---------------------------------------------------------------------------------------------

export interface Settings {
  /** Seconds per measured autocannon run (-d). */
  duration: number;
  /** Measured runs; the median is reported. */
  runs: number;
  /** Concurrent connections (-c). */
  connections: number;
  /** Seconds of unmeasured load before the measured runs (JIT, pool, caches). */
  warmup: number;
  /** Seconds of the unloaded (1 connection) run. */
  unloadedDuration: number;
  dbs: DbKind[];
  databaseUrl: string;
  /** Extra node flags for the server child (e.g. --cpu-prof). */
  serverNodeArgs: string[];
  /** Seconds to wait (at most) for an idle machine before each measurement; 0 = don't wait. */
  quietWait: number;
}

/** `--name=value` / `--name value` flags of this process. */
function flag(name: string): string | undefined {
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === `--${name}`) return argv[i + 1];
    if (argv[i].startsWith(`--${name}=`)) return argv[i].slice(name.length + 3);
  }
  return undefined;
}

function numberSetting(name: string, env: string, fallback: number, min: number, max: number): number {
  const raw = flag(name) ?? process.env[env];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new Error(`--${name} / ${env} must be a number between ${min} and ${max}, got ${JSON.stringify(raw)}`);
  }
  return value;
}

/**
 * Flags win over environment variables:
 * --duration / BENCH_DURATION (s), --runs / BENCH_RUNS, --connections / BENCH_CONNECTIONS,
 * --warmup / BENCH_WARMUP (s), --unloaded-duration / BENCH_UNLOADED_DURATION (s),
 * --db / BENCH_DB (pglite | postgres | both), BENCH_DATABASE_URL (else DATABASE_URL, else the
 * local test database), BENCH_SERVER_NODE_ARGS (space-separated node flags for the server).
 */
export function loadSettings(defaults: { db?: 'pglite' | 'postgres' | 'both' } = {}): Settings {
  const duration = numberSetting('duration', 'BENCH_DURATION', 15, 1, 600);
  const dbRaw = flag('db') ?? process.env.BENCH_DB ?? defaults.db ?? 'both';
  if (!['pglite', 'postgres', 'both'].includes(dbRaw)) throw new Error(`--db / BENCH_DB must be pglite, postgres or both, got ${dbRaw}`);
  const settings: Settings = {
    duration,
    runs: Math.round(numberSetting('runs', 'BENCH_RUNS', 3, 1, 20)),
    connections: Math.round(numberSetting('connections', 'BENCH_CONNECTIONS', 50, 1, 1000)),
    warmup: numberSetting('warmup', 'BENCH_WARMUP', Math.min(5, duration), 0, 120),
    unloadedDuration: numberSetting('unloaded-duration', 'BENCH_UNLOADED_DURATION', Math.min(10, duration), 1, 600),
    dbs: dbRaw === 'both' ? ['postgres', 'pglite'] : [dbRaw as DbKind],
    databaseUrl: process.env.BENCH_DATABASE_URL || process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test',
    serverNodeArgs: (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(/\s+/).filter(Boolean),
    quietWait: numberSetting('quiet-wait', 'BENCH_QUIET_WAIT', 0, 0, 3600),
  };
  setQuietWait(settings.quietWait);
  return settings;
}

export function describeSettings(settings: Settings): string {
  return (
    `autocannon -c ${settings.connections} -d ${settings.duration}, median of ${settings.runs} run(s), ` +
    `${settings.warmup} s warm-up; unloaded: -c 1 -d ${settings.unloadedDuration}; databases: ${settings.dbs.join(', ')}`
  );
}

// ---------------------------------------------------------------------------------------------
// Cleanup
// ---------------------------------------------------------------------------------------------

type Cleanup = { name: string; run: () => Promise<void> | void };
const cleanups: Cleanup[] = [];
const liveChildren = new Set<ChildProcess>();

/** Registers a cleanup; cleanups run last-in first-out. Returns a function that runs it now. */
export function onCleanup(name: string, run: () => Promise<void> | void): () => Promise<void> {
  const entry: Cleanup = { name, run };
  cleanups.push(entry);
  return async () => {
    const index = cleanups.indexOf(entry);
    if (index === -1) return;
    cleanups.splice(index, 1);
    await entry.run();
  };
}

async function runCleanups(): Promise<void> {
  while (cleanups.length) {
    const entry = cleanups.pop()!;
    try {
      await withTimeout(Promise.resolve(entry.run()), 20_000, `cleanup ${entry.name}`);
    } catch (error) {
      process.stderr.write(`bench: cleanup "${entry.name}" failed: ${(error as Error).message}\n`);
    }
  }
}

let signalled = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (signalled) return;
    signalled = true;
    process.stderr.write(`\nbench: ${signal}, cleaning up …\n`);
    void runCleanups().finally(() => process.exit(130));
  });
}
for (const event of ['uncaughtException', 'unhandledRejection'] as const) {
  process.on(event, (error: unknown) => {
    process.stderr.write(`bench: ${event}: ${(error as Error)?.stack ?? String(error)}\n`);
    if (signalled) return;
    signalled = true;
    void runCleanups().finally(() => process.exit(1));
  });
}
// Last resort: never leave a server running behind us.
process.on('exit', () => {
  for (const child of liveChildren) child.kill('SIGKILL');
});

/** Runs a bench script's body, then every cleanup, whatever happened; sets the exit code. */
export async function main(body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    process.exitCode = 1;
    process.stderr.write(`bench: ${(error as Error)?.stack ?? String(error)}\n`);
  } finally {
    await runCleanups();
  }
}

export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------
// Databases
// ---------------------------------------------------------------------------------------------

export function newSchemaName(prefix = 'bench'): string {
  return `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
}

/** Runs SQL on PostgreSQL with a short-lived client (bounded by a timeout). */
export async function pgQuery<R extends pg.QueryResultRow = any>(
  databaseUrl: string,
  text: string,
  values: unknown[] = [],
  schema?: string,
): Promise<pg.QueryResult<R>> {
  const client = new pg.Client({
    connectionString: databaseUrl,
    options: schema ? `-c search_path=${schema}` : undefined,
    statement_timeout: 300_000,
  } as pg.ClientConfig);
  await withTimeout(client.connect(), 10_000, 'connecting to PostgreSQL');
  try {
    return await client.query<R>(text, values);
  } finally {
    await client.end();
  }
}

/** Creates a fresh PostgreSQL schema and registers its DROP … CASCADE. */
export async function freshSchema(databaseUrl: string, prefix = 'bench'): Promise<{ schema: string; drop: () => Promise<void> }> {
  const schema = newSchemaName(prefix);
  await pgQuery(databaseUrl, `CREATE SCHEMA "${schema}"`);
  const drop = onCleanup(`drop schema ${schema}`, async () => {
    await pgQuery(databaseUrl, `DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  });
  return { schema, drop };
}

/** Creates a temporary directory and registers its removal. */
export function freshDir(prefix = 'kessai-bench-'): { dir: string; remove: () => Promise<void> } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const remove = onCleanup(`remove ${dir}`, () => rmSync(dir, { recursive: true, force: true }));
  return { dir, remove };
}

// ---------------------------------------------------------------------------------------------
// Servers
// ---------------------------------------------------------------------------------------------

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, BENCH_HOST, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

export interface ServerHandle {
  name: string;
  db: DbKind;
  url: string;
  port: number;
  child: ChildProcess;
  /** PostgreSQL schema (postgres) or null. */
  schema: string | null;
  /** KESSAI_DATA_DIR (always set: kessai keeps its vault key there even on PostgreSQL). */
  dataDir: string;
  /** Last lines the child printed (for diagnostics). */
  output(): string;
  /** SIGTERM, wait (bounded) for exit, SIGKILL if needed. Keeps the database unless asked. */
  stop(): Promise<void>;
}

export interface SpawnOptions {
  name: string;
  db: DbKind;
  /** Arguments after `node <nodeArgs>`: the script and its arguments. */
  args: string[];
  env: Record<string, string>;
  nodeArgs?: string[];
  /** Path answered with 2xx once the server is ready. */
  readyPath: string;
  readyHeaders?: Record<string, string>;
  port: number;
  schema: string | null;
  dataDir: string;
  startTimeoutMs?: number;
}

/** Spawns a server child process and waits (bounded) until it answers `readyPath`. */
export async function spawnServer(options: SpawnOptions): Promise<ServerHandle> {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), ...options.args], {
    cwd: ROOT,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  liveChildren.add(child);
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-16_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  let exited: { code: number | null; signal: string | null } | null = null;
  const exitPromise = new Promise<void>((resolveExit) => {
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      liveChildren.delete(child);
      resolveExit();
    });
  });

  const stopNow = async () => {
    if (exited) return;
    child.kill('SIGTERM');
    const done = await Promise.race([exitPromise.then(() => true), sleep(15_000).then(() => false)]);
    if (!done) {
      child.kill('SIGKILL');
      await Promise.race([exitPromise, sleep(5_000)]);
    }
  };
  const stop = onCleanup(`stop ${options.name}`, stopNow);

  const url = `http://${BENCH_HOST}:${options.port}`;
  const deadline = Date.now() + (options.startTimeoutMs ?? 90_000);
  for (let attempt = 0; ; attempt++) {
    if (exited) {
      await stop();
      throw new Error(`${options.name} exited during start-up (${JSON.stringify(exited)}):\n${output}`);
    }
    if (Date.now() > deadline || attempt > 2000) {
      await stop();
      throw new Error(`${options.name} did not answer ${options.readyPath} in time:\n${output}`);
    }
    try {
      const response = await fetch(url + options.readyPath, {
        headers: options.readyHeaders,
        signal: AbortSignal.timeout(2_000),
      });
      await response.arrayBuffer();
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  return {
    name: options.name,
    db: options.db,
    url,
    port: options.port,
    child,
    schema: options.schema,
    dataDir: options.dataDir,
    output: () => output,
    stop,
  };
}

export interface KessaiOptions {
  db: DbKind;
  settings: Settings;
  /** Reuse this schema / data directory instead of a fresh one (it is not dropped here). */
  reuse?: { schema: string | null; dataDir: string };
  env?: Record<string, string>;
  nodeArgs?: string[];
  /** DATABASE_URL given to the server when it differs from the one schemas are managed with (a proxy). */
  serverDatabaseUrl?: string;
}

/**
 * Starts `node bin/kessai.js serve` on a free port with a fresh database (unless `reuse`), the
 * fixed bench keys and LOG_LEVEL=warn, and waits until an authenticated GET answers.
 */
export async function startKessai(options: KessaiOptions): Promise<ServerHandle> {
  const { db, settings } = options;
  const dataDir = options.reuse?.dataDir ?? freshDir('kessai-bench-').dir;
  const schema = options.reuse ? options.reuse.schema : db === 'postgres' ? (await freshSchema(settings.databaseUrl)).schema : null;
  const port = await freePort();
  const env: Record<string, string> = {
    PORT: String(port),
    HOST: BENCH_HOST,
    KESSAI_DATA_DIR: dataDir,
    KESSAI_SECRET_KEY: BENCH_SECRET_KEY,
    KESSAI_PUBLISHABLE_KEY: BENCH_PUBLISHABLE_KEY,
    KESSAI_ENCRYPTION_KEY: 'ab'.repeat(32),
    LOG_LEVEL: 'warn',
    DATABASE_URL: db === 'postgres' ? (options.serverDatabaseUrl ?? settings.databaseUrl) : '',
    KESSAI_DATABASE_SCHEMA: schema ?? '',
    ...options.env,
  };
  return spawnServer({
    name: `kessai (${db})`,
    db,
    args: ['bin/kessai.js', 'serve'],
    nodeArgs: [...settings.serverNodeArgs, ...(options.nodeArgs ?? [])],
    env,
    readyPath: '/api/v1/payments?per_page=1',
    readyHeaders: { authorization: AUTH_HEADER },
    port,
    schema,
    dataDir,
  });
}

// ---------------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------------

/** A card that the test processor approves, expiring three years from now. */
export function testCardBody(): Record<string, unknown> {
  return {
    amount: 1000,
    currency: 'JPY',
    external_order_num: 'bench-order-0001',
    metadata: { order: 'bench' },
    payment_details: {
      type: 'credit_card',
      email: 'taro@example.com',
      number: '4111111111111111',
      month: 12,
      year: new Date().getUTCFullYear() + 3,
      verification_value: '123',
      name: 'Taro Yamada',
    },
  };
}

export function assertLocal(url: string): void {
  const host = new URL(url).hostname;
  if (host !== BENCH_HOST) throw new Error(`refusing to send load to ${host}: benchmarks only target ${BENCH_HOST}`);
}

/** One request through fetch (bounded), for set-up and sanity checks. */
export async function request(
  base: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; text: string; json: any }> {
  assertLocal(base);
  const response = await fetch(base + path, {
    method,
    headers: { authorization: AUTH_HEADER, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: response.status, text, json };
}

// ---------------------------------------------------------------------------------------------
// Load
// ---------------------------------------------------------------------------------------------

export interface LoadSpec {
  url: string;
  method?: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /** Per request path (e.g. a random payment id); overrides `path`. */
  pathFor?: () => string;
  connections: number;
  duration: number;
  /** The server's pid: its CPU time (/proc) is divided by the responses (robust to other load). */
  serverPid?: number;
}

/** CPU time (user + system) of a process in ms, from /proc (NaN when unavailable). */
export function processCpuMs(pid: number | undefined): number {
  if (!pid) return NaN;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[11] = utime, fields[12] = stime (clock ticks; 100 per second on Linux)
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return NaN;
  }
}

/** CPU time (ms) of all processes named `postgres` (all sessions, not only ours). */
export function postgresCpuMs(): number {
  let total = 0;
  let found = false;
  try {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        if (comm !== 'postgres') continue;
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        total += ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
        found = true;
      } catch {
        // the process ended meanwhile
      }
    }
  } catch {
    return NaN;
  }
  return found ? total : NaN;
}

/** Total busy and all CPU time of the machine (ms summed over cores), from /proc/stat. */
function machineCpuMs(): { busy: number; total: number } {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const total = cpu.reduce((a, b) => a + b, 0);
    return { busy: ((total - cpu[3] - (cpu[4] ?? 0)) * 1000) / 100, total: (total * 1000) / 100 };
  } catch {
    return { busy: NaN, total: NaN };
  }
}

/** Where the machine's CPU went during a run, in cores (1.0 = one core fully busy). */
export interface CpuShares {
  machine: number;
  server: number;
  loadGenerator: number;
  postgres: number;
  other: number;
}

export function fmtShares(c: CpuShares): string {
  const f = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : '-');
  return `CPU in cores: machine ${f(c.machine)} = server ${f(c.server)} + autocannon ${f(c.loadGenerator)} + postgres (all) ${f(c.postgres)} + other ${f(c.other)}`;
}

/** One autocannon run, summarised. Latencies in ms, over every response (2xx and not). */
export interface RunFigures {
  rps: number;
  /** 2xx responses per second. */
  okPerSecond: number;
  p50: number;
  p99: number;
  max: number;
  /** p99 and max over 2xx responses only. */
  okP99: number;
  okMax: number;
  total: number;
  non2xx: number;
  status503: number;
  /** 503s that carried a Retry-After header. */
  status503RetryAfter: number;
  /** Other non-2xx statuses: { "500": n, … } */
  otherStatuses: Record<string, number>;
  errors: number;
  timeouts: number;
  over1s: number;
  duration: number;
  /** Server CPU time per response (ms), NaN when the pid is unknown. */
  serverCpuMs: number;
  cpu: CpuShares;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
}

/** Runs autocannon once against 127.0.0.1 and computes figures from every response's latency. */
export async function runLoad(spec: LoadSpec): Promise<RunFigures> {
  assertLocal(spec.url);
  const all: number[] = [];
  const ok: number[] = [];
  let status503 = 0;
  let status503RetryAfter = 0;
  const otherStatuses: Record<string, number> = {};

  const requests = spec.pathFor
    ? [{ setupRequest: (req: any) => ({ ...req, path: spec.pathFor!() }) }]
    : undefined;
  const started = process.hrtime.bigint();
  const cpuBefore = processCpuMs(spec.serverPid);
  const selfBefore = process.cpuUsage();
  const pgBefore = postgresCpuMs();
  const machineBefore = machineCpuMs();
  let stopTimer: NodeJS.Timeout | undefined;
  const result = await withTimeout(
    new Promise<autocannon.Result>((resolveRun, reject) => {
      const instance = autocannon(
        {
          url: spec.url + spec.path,
          method: spec.method ?? 'GET',
          headers: spec.headers,
          body: spec.body,
          connections: spec.connections,
          duration: spec.duration,
          timeout: 10,
          requests: requests as any,
          setupClient: (client: any) => {
            // Retry-After on 503s: count responses that carry it.
            client.on('headers', (response: { statusCode: number; headers: string[] }) => {
              if (response.statusCode !== 503) return;
              const headers = response.headers;
              for (let i = 0; i < headers.length; i += 2) {
                if (String(headers[i]).toLowerCase() === 'retry-after') {
                  status503RetryAfter++;
                  break;
                }
              }
            });
          },
        },
        (error, res) => (error ? reject(error) : resolveRun(res)),
      );
      // Bounded even if the server stops answering: stop the run 30 s after its duration.
      stopTimer = setTimeout(() => instance.stop(), (spec.duration + 30) * 1000);
      instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
        if (all.length < 5_000_000) all.push(responseTime);
        if (statusCode >= 200 && statusCode < 300) {
          if (ok.length < 5_000_000) ok.push(responseTime);
        } else if (statusCode === 503) {
          status503++;
        } else {
          otherStatuses[statusCode] = (otherStatuses[statusCode] ?? 0) + 1;
        }
      });
    }),
    (spec.duration + 60) * 1000,
    'autocannon run',
  ).finally(() => clearTimeout(stopTimer));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpuAfter = processCpuMs(spec.serverPid);
  const self = process.cpuUsage(selfBefore);
  const pgAfter = postgresCpuMs();
  const machineAfter = machineCpuMs();
  const wallMs = seconds * 1000;
  const cpu: CpuShares = {
    machine: (machineAfter.busy - machineBefore.busy) / wallMs,
    server: (cpuAfter - cpuBefore) / wallMs,
    loadGenerator: (self.user + self.system) / 1000 / wallMs,
    postgres: (pgAfter - pgBefore) / wallMs,
    other: 0,
  };
  cpu.other = Math.max(0, cpu.machine - cpu.server - cpu.loadGenerator - cpu.postgres);
  const sortedAll = Float64Array.from(all).sort();
  const sortedOk = Float64Array.from(ok).sort();
  return {
    rps: (result['1xx'] + result['2xx'] + result['3xx'] + result['4xx'] + result['5xx']) / (result.duration || seconds),
    okPerSecond: result['2xx'] / (result.duration || seconds),
    p50: percentile(sortedAll, 50),
    p99: percentile(sortedAll, 99),
    max: sortedAll.length ? sortedAll[sortedAll.length - 1] : NaN,
    okP99: percentile(sortedOk, 99),
    okMax: sortedOk.length ? sortedOk[sortedOk.length - 1] : NaN,
    total: all.length,
    non2xx: result.non2xx,
    status503,
    status503RetryAfter,
    otherStatuses,
    errors: result.errors,
    timeouts: result.timeouts,
    over1s: all.filter((ms) => ms > 1000).length,
    duration: result.duration || seconds,
    serverCpuMs: all.length ? (cpuAfter - cpuBefore) / all.length : NaN,
    cpu,
  };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** The figures of N runs: medians of rate and percentiles, worst max, summed counts. */
export interface Figures extends RunFigures {
  runs: RunFigures[];
}

export function summarise(runs: RunFigures[]): Figures {
  const sum = (pick: (r: RunFigures) => number) => runs.reduce((acc, r) => acc + pick(r), 0);
  const otherStatuses: Record<string, number> = {};
  for (const run of runs) for (const [code, n] of Object.entries(run.otherStatuses)) otherStatuses[code] = (otherStatuses[code] ?? 0) + n;
  return {
    rps: median(runs.map((r) => r.rps)),
    okPerSecond: median(runs.map((r) => r.okPerSecond)),
    p50: median(runs.map((r) => r.p50)),
    p99: median(runs.map((r) => r.p99)),
    okP99: median(runs.map((r) => r.okP99)),
    max: Math.max(...runs.map((r) => r.max)),
    okMax: Math.max(...runs.map((r) => r.okMax)),
    total: sum((r) => r.total),
    non2xx: sum((r) => r.non2xx),
    status503: sum((r) => r.status503),
    status503RetryAfter: sum((r) => r.status503RetryAfter),
    otherStatuses,
    errors: sum((r) => r.errors),
    timeouts: sum((r) => r.timeouts),
    over1s: sum((r) => r.over1s),
    duration: sum((r) => r.duration),
    serverCpuMs: median(runs.map((r) => r.serverCpuMs)),
    cpu: {
      machine: median(runs.map((r) => r.cpu.machine)),
      server: median(runs.map((r) => r.cpu.server)),
      loadGenerator: median(runs.map((r) => r.cpu.loadGenerator)),
      postgres: median(runs.map((r) => r.cpu.postgres)),
      other: median(runs.map((r) => r.cpu.other)),
    },
    runs,
  };
}

/** Share of CPU time (all cores) that was busy over `ms`, from /proc/stat (NaN elsewhere). */
export async function machineBusy(ms = 1000): Promise<number> {
  const sample = () => {
    try {
      const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
      const idle = cpu[3] + (cpu[4] ?? 0);
      return { idle, total: cpu.reduce((a, b) => a + b, 0) };
    } catch {
      return null;
    }
  };
  const before = sample();
  await sleep(ms);
  const after = sample();
  if (!before || !after || after.total === before.total) return NaN;
  return 1 - (after.idle - before.idle) / (after.total - before.total);
}

/**
 * Other work on this 2-core machine skews every figure. Logs how busy the machine is and, when
 * `maxWaitSeconds` > 0, waits (bounded) until it is below 15 % busy with our servers idle.
 */
export async function checkQuiet(label: string, maxWaitSeconds: number): Promise<number> {
  const deadline = Date.now() + maxWaitSeconds * 1000;
  let busy = await machineBusy(1000);
  for (let i = 0; i < 3600 && maxWaitSeconds > 0 && busy > 0.15 && Date.now() < deadline; i++) {
    busy = await machineBusy(2000);
  }
  const note = busy > 0.15 ? ' — the machine is busy with other work: figures are skewed' : '';
  log(`${label}: machine ${(busy * 100).toFixed(0)} % busy before the run, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}${note}`);
  return busy;
}

let quietWait = 0;
/** How long measure() waits for a quiet machine (set from Settings.quietWait by the scripts). */
export function setQuietWait(seconds: number): void {
  quietWait = seconds;
}

/** Unmeasured warm-up, then `runs` measured runs; prints one line per run to stderr. */
export async function measure(
  label: string,
  spec: LoadSpec,
  runs: number,
  warmup: number,
  { quietCheck = true } = {},
): Promise<Figures> {
  if (quietCheck) await checkQuiet(label, quietWait);
  if (warmup > 0) {
    log(`${label}: warm-up ${warmup} s`);
    await runLoad({ ...spec, duration: warmup });
  }
  const results: RunFigures[] = [];
  for (let i = 0; i < runs; i++) {
    const run = await runLoad(spec);
    results.push(run);
    log(
      `${label}: run ${i + 1}/${runs}: ${fmtRate(run.rps)} req/s, 2xx ${fmtRate(run.okPerSecond)}/s, ` +
        `p50 ${fmtMs(run.p50)}, p99 ${fmtMs(run.p99)}, max ${fmtMs(run.max)}, non-2xx ${run.non2xx} (503: ${run.status503}), errors ${run.errors}` +
        (Number.isFinite(run.serverCpuMs) ? `, server CPU ${run.serverCpuMs.toFixed(3)} ms/request` : '') +
        `; ${fmtShares(run.cpu)}`,
    );
  }
  return summarise(results);
}

// ---------------------------------------------------------------------------------------------
// Output
// ---------------------------------------------------------------------------------------------

export function log(message: string): void {
  process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

export const fmtRate = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '-');
export const fmtMs = (n: number) => (Number.isFinite(n) ? `${n < 10 ? n.toFixed(2) : n < 100 ? n.toFixed(1) : Math.round(n)} ms` : '-');
export const fmtCpu = (n: number) => (Number.isFinite(n) ? `${n.toFixed(2)} ms` : '-');
/** CPU (in cores) other processes used during the runs: how much the figures were disturbed. */
export const fmtOther = (f: { cpu: CpuShares }) => (Number.isFinite(f.cpu.other) ? `${f.cpu.other.toFixed(2)} cores` : '-');
export const fmtRatio = (n: number) => (Number.isFinite(n) ? `${n.toFixed(2)}×` : '-');

export function statusSummary(figures: RunFigures): string {
  const parts = [`503: ${figures.status503}`];
  if (figures.status503 > 0) parts[0] += ` (${figures.status503RetryAfter} w/ Retry-After)`;
  for (const [code, n] of Object.entries(figures.otherStatuses)) parts.push(`${code}: ${n}`);
  if (figures.errors) parts.push(`errors: ${figures.errors}`);
  if (figures.timeouts) parts.push(`timeouts: ${figures.timeouts}`);
  return parts.join(', ');
}

/** Prints an aligned table to stdout. */
export function printTable(title: string, header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  const out = [
    '',
    title,
    line(header),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.map(line),
    '',
  ];
  process.stdout.write(out.join('\n') + '\n');
}

export const verdict = (ok: boolean) => (ok ? 'ok' : 'MISS');
