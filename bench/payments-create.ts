/**
 * POST /api/v1/payments with the test card 4111111111111111 (JSON body), against kessai started
 * as a child process (`node bin/kessai.js serve`) on a fresh database, next to the floor
 * (bench/floor.ts) measured in the same run on the same database with the same load.
 *
 *   npm run bench                                   # PostgreSQL and PGlite, -c 50 -d 15, median of 3
 *   BENCH_DURATION=5 BENCH_RUNS=1 BENCH_DB=postgres npm run bench     # a quick look
 *   node --import tsx bench/payments-create.ts --db pglite --duration 5 --runs 1
 *
 * Settings (flags win over environment): --duration/BENCH_DURATION, --runs/BENCH_RUNS,
 * --connections/BENCH_CONNECTIONS, --warmup/BENCH_WARMUP, --unloaded-duration/
 * BENCH_UNLOADED_DURATION, --db/BENCH_DB (pglite|postgres|both), --quiet-wait/BENCH_QUIET_WAIT,
 * BENCH_DATABASE_URL, BENCH_SERVER_NODE_ARGS; --no-floor skips the floor; BENCH_JSON=file also
 * writes the figures as JSON.
 *
 * Targets (issue 2, "Performance targets"):
 *   PostgreSQL: creates/s ≥ 0.6 × floor, p99 ≤ 40 ms; unloaded (-c 1) p99 ≤ 5 ms
 *   PGlite:     creates/s ≥ 1,000, p99 ≤ 100 ms, no request over 1 s (503 + Retry-After allowed,
 *               counted separately)
 * Latency percentiles are over every response; the verdict uses the worse of that and the 2xx-only
 * percentile, so fast 503s cannot hide slow creates.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createRequestBody, measureFloor } from './floor';
import {
  AUTH_HEADER,
  checkQuiet,
  describeSettings,
  fmtCpu,
  fmtOther,
  fmtMs,
  fmtRate,
  fmtRatio,
  loadSettings,
  log,
  main,
  measure,
  printTable,
  request,
  runLoad,
  startKessai,
  statusSummary,
  summarise,
  testCardBody,
  verdict,
  type DbKind,
  type Figures,
  type Settings,
} from './lib';

interface DbResult {
  db: DbKind;
  floor: Figures | null;
  kessai: Figures;
  unloaded: Figures;
}

export async function measureKessaiCreate(db: DbKind, settings: Settings): Promise<{ kessai: Figures; unloaded: Figures }> {
  const server = await startKessai({ db, settings });
  try {
    const probe = await request(server.url, 'POST', '/api/v1/payments', testCardBody());
    if (probe.status !== 200 || probe.json?.status !== 'captured') {
      throw new Error(`kessai (${db}) probe create answered ${probe.status}: ${probe.text.slice(0, 500)}`);
    }
    log(`kessai (${db}): create answered 200 captured, response ${Buffer.byteLength(probe.text)} bytes`);
    const spec = {
      url: server.url,
      method: 'POST' as const,
      path: '/api/v1/payments',
      headers: { 'content-type': 'application/json', authorization: AUTH_HEADER },
      body: createRequestBody(),
      connections: settings.connections,
      duration: settings.duration,
      serverPid: server.child.pid,
    };
    await checkQuiet(`kessai (${db})`, settings.quietWait);
    if (settings.warmup > 0) {
      log(`kessai (${db}): warm-up ${settings.warmup} s`);
      await runLoad({ ...spec, duration: settings.warmup });
    }
    log(`kessai (${db}): unloaded run, 1 connection, ${settings.unloadedDuration} s`);
    const unloaded = summarise([await runLoad({ ...spec, connections: 1, duration: settings.unloadedDuration })]);
    log(`kessai (${db}): unloaded ${fmtRate(unloaded.okPerSecond)}/s, p50 ${fmtMs(unloaded.p50)}, p99 ${fmtMs(unloaded.p99)}, max ${fmtMs(unloaded.max)}`);
    const kessai = await measure(`kessai (${db})`, spec, settings.runs, 0, { quietCheck: false });
    return { kessai, unloaded };
  } finally {
    await server.stop();
  }
}

function rows(result: DbResult): string[][] {
  const { db, floor, kessai, unloaded } = result;
  const ratio = floor ? kessai.okPerSecond / floor.okPerSecond : NaN;
  const p99 = (f: Figures) => Math.max(f.p99, f.okP99);
  const line = (label: string, f: Figures, ratioText: string, target: string, ok: string) => [
    label,
    fmtRate(f.okPerSecond),
    fmtMs(f.p50),
    fmtMs(f.p99),
    fmtMs(f.okP99),
    fmtMs(f.max),
    String(f.non2xx),
    statusSummary(f),
    fmtCpu(f.serverCpuMs),
    fmtOther(f),
    ratioText,
    target,
    ok,
  ];
  const out: string[][] = [];
  if (floor) out.push(line(`floor ${db}`, floor, '1.00×', '', ''));
  if (db === 'postgres') {
    const okRate = Number.isFinite(ratio) ? ratio >= 0.6 : false;
    out.push(
      line(
        `kessai ${db}`,
        kessai,
        fmtRatio(ratio),
        '≥ 0.6× floor, p99 ≤ 40 ms',
        `${verdict(okRate)} / ${verdict(p99(kessai) <= 40)}`,
      ),
    );
    out.push(line(`kessai ${db} -c 1`, unloaded, floor ? fmtRatio(unloaded.okPerSecond / floor.okPerSecond) : '-', 'p99 ≤ 5 ms', verdict(p99(unloaded) <= 5)));
  } else {
    out.push(
      line(
        `kessai ${db}`,
        kessai,
        fmtRatio(ratio),
        '≥ 1,000/s, p99 ≤ 100 ms, max ≤ 1 s',
        `${verdict(kessai.okPerSecond >= 1000)} / ${verdict(p99(kessai) <= 100)} / ${verdict(kessai.over1s === 0)}`,
      ),
    );
    out.push(line(`kessai ${db} -c 1`, unloaded, floor ? fmtRatio(unloaded.okPerSecond / floor.okPerSecond) : '-', '', ''));
  }
  return out;
}

async function run(): Promise<void> {
  const settings = loadSettings({ db: 'both' });
  const withFloor = !process.argv.includes('--no-floor');
  process.stdout.write(`payments-create: POST /api/v1/payments, card 4111111111111111; ${describeSettings(settings)}\n`);
  const results: DbResult[] = [];
  for (const db of settings.dbs) {
    const floor = withFloor ? await measureFloor(db, settings) : null;
    const { kessai, unloaded } = await measureKessaiCreate(db, settings);
    results.push({ db, floor, kessai, unloaded });
  }
  printTable(
    `POST /api/v1/payments — creates/s = 2xx/s; median of ${settings.runs} × (-c ${settings.connections} -d ${settings.duration}); max = worst run; counts summed`,
    ['', 'creates/s', 'p50', 'p99', 'p99 2xx', 'max', 'non-2xx', 'statuses', 'server CPU/req', 'other load', 'vs floor', 'target', 'verdict'],
    results.flatMap(rows),
  );
  if (process.env.BENCH_JSON) {
    writeFileSync(process.env.BENCH_JSON, JSON.stringify({ settings, results }, null, 2));
    log(`figures written to ${process.env.BENCH_JSON}`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main(run);
