/**
 * Where a create's time goes, on PostgreSQL (or, for the CPU profile alone, on PGlite with --db pglite).
 *
 * 1. Round trips: kessai (and the floor, for comparison) talk to PostgreSQL through a counting
 *    proxy on 127.0.0.1. Sequential creates (one at a time) are attributed exactly: per create
 *    it prints how many round trips (Sync or simple Query messages, each waiting for
 *    ReadyForQuery) were made, which statements, whether they were named prepared statements
 *    (Parse with a name, then Bind without Parse), and the database time of each round trip
 *    (Sync sent → ReadyForQuery received, as seen by the proxy).
 * 2. CPU: kessai runs under `node --cpu-prof` while autocannon loads it (-c 50); the profile is
 *    summarised by function (self time), by package / source file, and inclusive time of kessai's
 *    own functions.
 *
 *   node --import tsx bench/profile-create.ts [--requests 200] [--cpu-duration 10] [--no-cpu] [--no-roundtrips] [--sql] [--db pglite]
 *   BENCH_PROFILE_DIR=dir keeps the .cpuprofile (open it in Chrome DevTools / speedscope).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequestBody, startFloor } from './floor';
import {
  AUTH_HEADER,
  BENCH_HOST,
  fmtMs,
  fmtRate,
  freshDir,
  loadSettings,
  log,
  main,
  onCleanup,
  printTable,
  request,
  runLoad,
  startKessai,
  statusSummary,
  testCardBody,
  type ServerHandle,
  type Settings,
} from './lib';

// ---------------------------------------------------------------------------------------------
// A counting proxy for the PostgreSQL wire protocol (frontend messages parsed, bytes untouched)
// ---------------------------------------------------------------------------------------------

interface StatementStats {
  text: string;
  /** Executions (Bind+Execute or simple Query). */
  executions: number;
  /** Database time (Sync/Query sent → ReadyForQuery) of the round trips this statement ended. */
  dbMs: number;
  /** Executions that sent Parse first (not reusing a prepared statement). */
  parses: number;
  named: boolean;
}

interface ProxyStats {
  roundTrips: number;
  /** Database time of each round trip, ms. */
  roundTripMs: number[];
  messages: Record<string, number>;
  statements: Map<string, StatementStats>;
  connections: number;
}

const newStats = (): ProxyStats => ({ roundTrips: 0, roundTripMs: [], messages: {}, statements: new Map(), connections: 0 });

const MESSAGE_NAMES: Record<string, string> = {
  Q: 'Query',
  P: 'Parse',
  B: 'Bind',
  E: 'Execute',
  D: 'Describe',
  S: 'Sync',
  H: 'Flush',
  C: 'Close',
  X: 'Terminate',
  p: 'Password',
};

function cstring(buffer: Buffer, offset: number): [string, number] {
  const end = buffer.indexOf(0, offset);
  return [buffer.toString('utf8', offset, end), end + 1];
}

async function startProxy(upstreamPort: number): Promise<{ port: number; stats: () => ProxyStats; reset: () => void; close: () => Promise<void> }> {
  let stats = newStats();
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    sockets.add(client);
    stats.connections++;
    const upstream = createConnection({ host: '127.0.0.1', port: upstreamPort });
    sockets.add(upstream);
    const pendingSyncs: { at: bigint; statement: StatementStats | null }[] = [];
    let lastStatement: StatementStats | null = null;
    /** Statement name → text, per connection (prepared statements are per session). */
    const prepared = new Map<string, string>();
    let started = false;
    let inbound = Buffer.alloc(0);
    let outbound = Buffer.alloc(0);

    client.on('data', (chunk) => {
      upstream.write(chunk);
      inbound = Buffer.concat([inbound, chunk]);
      for (let guard = 0; guard < 100_000; guard++) {
        if (!started) {
          if (inbound.length < 8) return;
          const length = inbound.readInt32BE(0);
          if (inbound.length < length) return;
          inbound = inbound.subarray(length);
          started = true;
          continue;
        }
        if (inbound.length < 5) return;
        const type = String.fromCharCode(inbound[0]);
        const length = inbound.readInt32BE(1);
        if (inbound.length < length + 1) return;
        const body = inbound.subarray(5, length + 1);
        inbound = inbound.subarray(length + 1);
        const s = stats;
        s.messages[MESSAGE_NAMES[type] ?? type] = (s.messages[MESSAGE_NAMES[type] ?? type] ?? 0) + 1;
        if (type === 'P') {
          // Parse: statement name, query text.
          const [name, next] = cstring(body, 0);
          const [text] = cstring(body, next);
          prepared.set(name, text);
          const entry = s.statements.get(text) ?? { text, executions: 0, dbMs: 0, parses: 0, named: name !== '' };
          entry.parses++;
          s.statements.set(text, entry);
        } else if (type === 'B') {
          const [, next] = cstring(body, 0);
          const [name] = cstring(body, next);
          const text = prepared.get(name) ?? `(unknown statement ${name})`;
          const entry = s.statements.get(text) ?? { text, executions: 0, dbMs: 0, parses: 0, named: name !== '' };
          entry.executions++;
          s.statements.set(text, entry);
          lastStatement = entry;
        } else if (type === 'Q') {
          const [text] = cstring(body, 0);
          const entry = s.statements.get(text) ?? { text, executions: 0, dbMs: 0, parses: 0, named: false };
          entry.executions++;
          s.statements.set(text, entry);
          s.roundTrips++;
          pendingSyncs.push({ at: process.hrtime.bigint(), statement: entry });
        } else if (type === 'S') {
          s.roundTrips++;
          pendingSyncs.push({ at: process.hrtime.bigint(), statement: lastStatement });
          lastStatement = null;
        }
      }
    });
    upstream.on('data', (chunk) => {
      client.write(chunk);
      outbound = Buffer.concat([outbound, chunk]);
      for (let guard = 0; guard < 100_000; guard++) {
        if (outbound.length < 5) return;
        // Before authentication completes the server may send 'N'/'S' single bytes only for SSL;
        // we never request SSL, so every server message is type + length.
        const type = String.fromCharCode(outbound[0]);
        const length = outbound.readInt32BE(1);
        if (outbound.length < length + 1) return;
        outbound = outbound.subarray(length + 1);
        if (type === 'Z') {
          const sent = pendingSyncs.shift();
          if (sent !== undefined) {
            const ms = Number(process.hrtime.bigint() - sent.at) / 1e6;
            stats.roundTripMs.push(ms);
            if (sent.statement) sent.statement.dbMs += ms;
          }
        }
      }
    });
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', end);
    upstream.on('error', end);
    client.on('close', end);
    upstream.on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, BENCH_HOST, resolve));
  const port = (server.address() as { port: number }).port;
  const close = onCleanup('close proxy', async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { port, stats: () => stats, reset: () => (stats = newStats()), close };
}

// ---------------------------------------------------------------------------------------------
// Round trips per create
// ---------------------------------------------------------------------------------------------

function viaProxy(url: string, port: number): string {
  const parsed = new URL(url);
  parsed.hostname = BENCH_HOST;
  parsed.port = String(port);
  return parsed.toString();
}

const argv = process.argv.slice(2);

async function roundTrips(
  label: string,
  server: ServerHandle,
  proxy: Awaited<ReturnType<typeof startProxy>>,
  requests: number,
  send: () => Promise<{ status: number; ms: number }>,
): Promise<string[][]> {
  // Warm up (pool connections, prepared statements, JIT) before counting.
  for (let i = 0; i < 20; i++) await send();
  proxy.reset();
  const latencies: number[] = [];
  const statuses: Record<number, number> = {};
  for (let i = 0; i < requests; i++) {
    const { status, ms } = await send();
    statuses[status] = (statuses[status] ?? 0) + 1;
    latencies.push(ms);
  }
  const stats = proxy.stats();
  const sorted = [...latencies].sort((a, b) => a - b);
  const dbSum = stats.roundTripMs.reduce((a, b) => a + b, 0);
  const httpSum = latencies.reduce((a, b) => a + b, 0);
  log(
    `${label}: ${requests} sequential creates (statuses ${JSON.stringify(statuses)}): ` +
      `${(stats.roundTrips / requests).toFixed(2)} round trips per create, ` +
      `database ${(dbSum / requests).toFixed(2)} ms of ${(httpSum / requests).toFixed(2)} ms per create (HTTP p50 ${fmtMs(sorted[Math.floor(sorted.length / 2)])}), ` +
      `messages ${JSON.stringify(stats.messages)}, new connections ${stats.connections}`,
  );
  if (argv.includes('--sql')) {
    for (const st of stats.statements.values()) {
      if (st.executions / requests >= 0.5) process.stdout.write(`\n${label}, ${(st.executions / requests).toFixed(2)} per create:\n  ${st.text.replace(/\s+/g, ' ')}\n`);
    }
  }
  const rows: string[][] = [];
  rows.push([
    label,
    (stats.roundTrips / requests).toFixed(2),
    (dbSum / requests).toFixed(2),
    (httpSum / requests).toFixed(2),
    fmtMs(sorted[Math.floor(sorted.length / 2)]),
    '',
    '',
  ]);
  for (const s of [...stats.statements.values()].sort((a, b) => b.executions - a.executions)) {
    rows.push([
      '',
      '',
      '',
      '',
      '',
      `${(s.executions / requests).toFixed(2)} × ${s.named ? 'named' : 'unnamed'}${s.parses ? `, ${(s.parses / requests).toFixed(2)} Parse` : ''}, ${
        s.executions ? (s.dbMs / s.executions).toFixed(2) : '-'
      } ms`,
      s.text.replace(/\s+/g, ' ').slice(0, 150),
    ]);
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------
// CPU profile summary
// ---------------------------------------------------------------------------------------------

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

function where(url: string): string {
  if (!url) return '(native)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm !== -1) {
    const rest = url.slice(nm + 13).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.startsWith('node:')) return url;
  const src = url.indexOf('/src/');
  if (src !== -1) return url.slice(src + 1);
  return url.replace(/^file:\/\//, '');
}

/**
 * Summarises the samples taken between `fromUs` and `toUs` (CLOCK_MONOTONIC µs, the clock both
 * V8's profiler and process.hrtime use on Linux), so start-up and shutdown are left out.
 */
export function summariseProfile(file: string, fromUs = 0, toUs = Number.MAX_SAFE_INTEGER): void {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: ProfileNode[]; startTime: number; endTime: number; samples: number[]; timeDeltas: number[] };
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  // Self time from samples × their time deltas.
  const selfUs = new Map<number, number>();
  let at = profile.startTime;
  let outside = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    at += profile.timeDeltas[i] ?? 0;
    const delta = profile.timeDeltas[i + 1] ?? 0;
    if (at < fromUs || at > toUs) {
      outside++;
      continue;
    }
    selfUs.set(profile.samples[i], (selfUs.get(profile.samples[i]) ?? 0) + delta);
  }
  if (outside === profile.samples.length) throw new Error('no profile samples inside the load window (clock mismatch?)');
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const idle = [...selfUs.entries()].filter(([id]) => byId.get(id)!.callFrame.functionName === '(idle)').reduce((a, [, us]) => a + us, 0);
  const busy = total - idle;
  const pct = (us: number) => `${((100 * us) / busy).toFixed(1)} %`;

  const byFunction = new Map<string, number>();
  const byPlace = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)!.callFrame;
    if (frame.functionName === '(idle)') continue;
    const key = `${frame.functionName || '(anonymous)'}  ${where(frame.url)}${frame.url ? `:${frame.lineNumber + 1}` : ''}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + us);
    const place = frame.url ? where(frame.url) : frame.functionName;
    byPlace.set(place, (byPlace.get(place) ?? 0) + us);
  }

  // Inclusive time of kessai's own functions (each counted once per stack).
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const inclusive = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const seen = new Set<string>();
    for (let cur: number | undefined = id, guard = 0; cur !== undefined && guard < 10_000; cur = parent.get(cur), guard++) {
      const frame = byId.get(cur)!.callFrame;
      if (!frame.url.includes('/src/')) continue;
      const key = `${frame.functionName || '(anonymous)'}  ${where(frame.url)}:${frame.lineNumber + 1}`;
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + us);
    }
  }

  const top = (map: Map<string, number>, n: number) =>
    [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, us]) => [k, `${(us / 1000).toFixed(0)} ms`, pct(us)]);
  process.stdout.write(
    `\nCPU profile ${file}, load window only: ${(total / 1e6).toFixed(1)} s sampled, ${(busy / 1e6).toFixed(1)} s busy (${((100 * busy) / total).toFixed(0)} % of one core); shares below are of busy time\n`,
  );
  printTable('self time by package / file', ['where', 'self', 'share'], top(byPlace, 25));
  printTable('self time by function', ['function  where', 'self', 'share'], top(byFunction, 30));
  printTable("inclusive time of kessai's functions (src/)", ['function  where', 'total', 'share'], top(inclusive, 30));
}

// ---------------------------------------------------------------------------------------------

async function run(): Promise<void> {
  const loaded = loadSettings({ db: 'postgres' });
  // The CPU profile runs on the one database --db names; round trips are counted on PostgreSQL only
  // (the proxy speaks its wire protocol), so they are skipped for --db pglite.
  const profileDb = loaded.dbs.length === 1 ? loaded.dbs[0] : 'postgres';
  const settings: Settings = { ...loaded, dbs: [profileDb] };
  const option = (name: string, fallback: number) => {
    const i = argv.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
    if (i === -1) return fallback;
    const value = Number(argv[i].includes('=') ? argv[i].split('=')[1] : argv[i + 1]);
    return Number.isFinite(value) && value > 0 ? Math.min(value, 100_000) : fallback;
  };
  const requests = Math.round(option('requests', 200));
  const cpuDuration = option('cpu-duration', 10);

  const upstream = new URL(settings.databaseUrl);
  if (!['127.0.0.1', 'localhost'].includes(upstream.hostname)) throw new Error('the counting proxy only forwards to a local PostgreSQL');
  const proxy = await startProxy(Number(upstream.port || 5432));
  const proxiedUrl = viaProxy(settings.databaseUrl, proxy.port);
  const body = createRequestBody();
  const timed = async (url: string, headers: Record<string, string>) => {
    const started = process.hrtime.bigint();
    const response = await fetch(`${url}/api/v1/payments`, { method: 'POST', headers, body, signal: AbortSignal.timeout(10_000) });
    await response.arrayBuffer();
    return { status: response.status, ms: Number(process.hrtime.bigint() - started) / 1e6 };
  };

  const rows: string[][] = [];
  if (profileDb === 'postgres' && !argv.includes('--no-roundtrips')) {
    const floor = await startFloor('postgres', settings, { serverDatabaseUrl: proxiedUrl });
    try {
      rows.push(...(await roundTrips('floor', floor, proxy, requests, () => timed(floor.url, { 'content-type': 'application/json' }))));
    } finally {
      await floor.stop();
    }
    const kessai = await startKessai({ db: 'postgres', settings, serverDatabaseUrl: proxiedUrl });
    try {
      const probe = await request(kessai.url, 'POST', '/api/v1/payments', testCardBody());
      if (probe.status !== 200) throw new Error(`create answered ${probe.status}: ${probe.text.slice(0, 300)}`);
      const headers = { 'content-type': 'application/json', authorization: AUTH_HEADER };
      rows.push(...(await roundTrips('kessai', kessai, proxy, requests, () => timed(kessai.url, headers))));
      rows.push(
        ...(await roundTrips('kessai + idempotency key', kessai, proxy, Math.min(requests, 100), () =>
          timed(kessai.url, { ...headers, 'x-komoju-idempotency': `bench-${process.hrtime.bigint()}` }),
        )),
      );
    } finally {
      await kessai.stop();
    }
    printTable(
      `round trips to PostgreSQL per create (${requests} sequential creates through a counting proxy)`,
      ['', 'round trips', 'db ms', 'http ms (client)', 'http p50', 'per create, db ms each', 'statement'],
      rows,
    );
  }
  await proxy.close();

  if (argv.includes('--no-cpu')) return;
  const dir = process.env.BENCH_PROFILE_DIR || freshDir('kessai-profile-').dir;
  const server = await startKessai({ db: profileDb, settings, nodeArgs: ['--cpu-prof', '--cpu-prof-dir', dir] });
  let rate = 0;
  const fromUs = Number(process.hrtime.bigint() / 1000n);
  let toUs = fromUs;
  try {
    const figures = await runLoad({
      url: server.url,
      method: 'POST',
      path: '/api/v1/payments',
      headers: { 'content-type': 'application/json', authorization: AUTH_HEADER },
      body,
      connections: settings.connections,
      duration: cpuDuration,
    });
    toUs = Number(process.hrtime.bigint() / 1000n);
    rate = figures.okPerSecond;
    log(
      `profiled load (-c ${settings.connections} -d ${cpuDuration}): ${fmtRate(figures.okPerSecond)} creates/s, p50 ${fmtMs(figures.p50)}, ` +
        `p99 ${fmtMs(figures.p99)}, max ${fmtMs(figures.max)}, ${statusSummary(figures)} (profiling slows the server)`,
    );
  } finally {
    await server.stop();
  }
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  if (!files.length) throw new Error(`no .cpuprofile written in ${dir}:\n${server.output()}`);
  summariseProfile(join(dir, files[0]), fromUs, toUs);
  void rate;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main(run);
