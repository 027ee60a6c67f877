/**
 * Scale-out: POST /api/v1/payments against 1, 2 and 4 kessai API processes (`--role api`) on one
 * PostgreSQL, each process on its own port; the client spreads the load over them (one
 * autocannon instance per process, the connections split evenly, so round-robin by connection).
 * Prints throughput and p99 for each count next to the single-process figure of the same run,
 * and the number of cores the machine offers (os.availableParallelism()): server processes,
 * PostgreSQL and the load generator all share them, so on a 2-core machine the ratio stays flat
 * and the figures say what a bigger machine would give only there.
 *
 *   npm run bench:scale                                  # -c 50 -d 15, median of 3, 1,2,4 processes
 *   node --import tsx bench/scale.ts --duration 2 --runs 1 --warmup 0 --connections 8 --processes 1,2
 *
 * Each count starts on a fresh schema: the first process migrates it, the others join it.
 */
import autocannon from 'autocannon';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { createRequestBody } from './floor';
import {
  AUTH_HEADER,
  assertLocal,
  checkQuiet,
  describeSettings,
  fmtMs,
  fmtRate,
  fmtRatio,
  loadSettings,
  log,
  main,
  printTable,
  request,
  startKessai,
  testCardBody,
  withTimeout,
  type ServerHandle,
  type Settings,
} from './lib';

interface SpreadFigures {
  okPerSecond: number;
  p50: number;
  p99: number;
  max: number;
  total: number;
  non2xx: number;
  errors: number;
}

/** `--processes 1,2,4` / BENCH_PROCESSES: the counts to measure; 1 (the baseline) is always among them. */
function processCounts(): number[] {
  const index = process.argv.findIndex((arg) => arg === '--processes' || arg.startsWith('--processes='));
  const raw = index === -1 ? (process.env.BENCH_PROCESSES ?? '1,2,4') : process.argv[index].includes('=') ? process.argv[index].split('=')[1] : process.argv[index + 1];
  const counts = String(raw).split(',').map(Number);
  if (counts.some((n) => !Number.isInteger(n) || n < 1 || n > 32)) throw new Error(`--processes / BENCH_PROCESSES must be whole numbers from 1 to 32, got ${raw}`);
  return [...new Set([1, ...counts])].sort((a, b) => a - b);
}

/** One autocannon instance per server, all at once; every response's latency in one pool. */
async function runSpread(servers: ServerHandle[], connections: number, duration: number): Promise<SpreadFigures> {
  const latencies: number[] = [];
  let ok = 0;
  const started = process.hrtime.bigint();
  const results = await Promise.all(
    servers.map((server, i) => {
      assertLocal(server.url);
      // Split evenly; the first servers take the remainder.
      const share = Math.floor(connections / servers.length) + (i < connections % servers.length ? 1 : 0);
      return withTimeout(
        new Promise<autocannon.Result>((resolveRun, reject) => {
          const instance = autocannon(
            {
              url: `${server.url}/api/v1/payments`,
              method: 'POST',
              headers: { 'content-type': 'application/json', authorization: AUTH_HEADER },
              body: createRequestBody(),
              connections: Math.max(1, share),
              duration,
              timeout: 10,
            },
            (error, result) => (error ? reject(error) : resolveRun(result)),
          );
          instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
            if (latencies.length < 5_000_000) latencies.push(responseTime);
            if (statusCode >= 200 && statusCode < 300) ok++;
          });
        }),
        (duration + 60) * 1000,
        'autocannon run',
      );
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const sorted = Float64Array.from(latencies).sort();
  const at = (p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] : NaN);
  return {
    okPerSecond: ok / seconds,
    p50: at(50),
    p99: at(99),
    max: sorted.length ? sorted[sorted.length - 1] : NaN,
    total: sorted.length,
    non2xx: results.reduce((sum, r) => sum + r.non2xx, 0),
    errors: results.reduce((sum, r) => sum + r.errors, 0),
  };
}

/** `count` API processes on one fresh schema, the first migrating it, the others joining it. */
async function startProcesses(count: number, settings: Settings): Promise<ServerHandle[]> {
  const env = { KESSAI_ROLE: 'api' };
  const first = await startKessai({ db: 'postgres', settings, env });
  const servers = [first];
  for (let i = 1; i < count; i++) {
    servers.push(await startKessai({ db: 'postgres', settings, env, reuse: { schema: first.schema, dataDir: first.dataDir } }));
  }
  for (const server of servers) {
    const probe = await request(server.url, 'POST', '/api/v1/payments', testCardBody());
    if (probe.status !== 200) throw new Error(`${server.name} on port ${server.port}: probe create answered ${probe.status}: ${probe.text.slice(0, 300)}`);
  }
  return servers;
}

/** The median run by throughput (its p99 with it), so the figures of one row come from one run. */
function medianRun(runs: SpreadFigures[]): SpreadFigures {
  return [...runs].sort((a, b) => a.okPerSecond - b.okPerSecond)[Math.floor((runs.length - 1) / 2)];
}

async function measureCount(count: number, settings: Settings): Promise<SpreadFigures & { runs: SpreadFigures[] }> {
  const servers = await startProcesses(count, settings);
  try {
    await checkQuiet(`${count} process(es)`, settings.quietWait);
    if (settings.warmup > 0) {
      log(`${count} process(es): warm-up ${settings.warmup} s`);
      await runSpread(servers, settings.connections, settings.warmup);
    }
    const runs: SpreadFigures[] = [];
    for (let run = 1; run <= settings.runs; run++) {
      const figures = await runSpread(servers, settings.connections, settings.duration);
      log(`${count} process(es), run ${run}/${settings.runs}: ${fmtRate(figures.okPerSecond)} creates/s, p99 ${fmtMs(figures.p99)}`);
      runs.push(figures);
    }
    return { ...medianRun(runs), runs };
  } finally {
    for (const server of servers.reverse()) await server.stop();
  }
}

async function run(): Promise<void> {
  const settings = loadSettings({ db: 'postgres' });
  if (settings.dbs.join() !== 'postgres') throw new Error('bench:scale runs on PostgreSQL only (API processes share one database): use --db postgres');
  const counts = processCounts();
  const cores = availableParallelism();
  process.stdout.write(
    `scale: POST /api/v1/payments over ${counts.join(', ')} API process(es) on one PostgreSQL; ${describeSettings(settings)}\n` +
      `cores seen (os.availableParallelism()): ${cores}; load average at start ${loadavg()[0].toFixed(2)}\n`,
  );
  const results: { count: number; figures: SpreadFigures }[] = [];
  for (const count of counts) results.push({ count, figures: await measureCount(count, settings) });
  const single = results[0].figures;
  printTable(
    `POST /api/v1/payments, ${cores} core(s) shared by servers, PostgreSQL and load generator; -c ${settings.connections} in all, median of ${settings.runs} run(s)`,
    ['API processes', 'creates/s', 'vs 1 process', 'p50', 'p99', 'p99 vs 1 process', 'max', 'non-2xx', 'errors'],
    results.map(({ count, figures }) => [
      String(count),
      fmtRate(figures.okPerSecond),
      fmtRatio(figures.okPerSecond / single.okPerSecond),
      fmtMs(figures.p50),
      fmtMs(figures.p99),
      fmtRatio(figures.p99 / single.p99),
      fmtMs(figures.max),
      String(figures.non2xx),
      String(figures.errors),
    ]),
  );
  if (cores <= 2) process.stdout.write(`With ${cores} core(s), more processes compete for the same CPU: expect a flat ratio.\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main(run);
