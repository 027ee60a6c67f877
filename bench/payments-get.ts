/**
 * GET /api/v1/payments/:id against kessai on a fresh database: creates a few hundred card
 * payments through the API, then reads them back at random under load.
 *
 *   npm run bench:get                                    # PostgreSQL, -c 50 -d 15, median of 3
 *   node --import tsx bench/payments-get.ts --duration 5 --runs 1 [--db pglite|postgres|both]
 *
 * Next to it, in the same run, the read floor (bench/floor.ts): a bare Fastify route answering the
 * same ~1.5 KB body from one prepared SELECT, no authentication, no logging; --no-floor skips it.
 *
 * Target (issue 2): ≥ 8,000 reads/s on PostgreSQL.
 * Settings as in bench/payments-create.ts (BENCH_DURATION, BENCH_RUNS, BENCH_CONNECTIONS,
 * BENCH_WARMUP, BENCH_DB, BENCH_QUIET_WAIT …); BENCH_GET_PAYMENTS sets how many payments are read.
 */
import { startFloor } from './floor';
import {
  AUTH_HEADER,
  describeSettings,
  fmtCpu,
  fmtOther,
  fmtMs,
  fmtRate,
  loadSettings,
  log,
  main,
  measure,
  printTable,
  request,
  startKessai,
  statusSummary,
  testCardBody,
  verdict,
  fmtRatio,
  type Figures,
  type ServerHandle,
  type Settings,
} from './lib';

const PAYMENTS = Math.min(Math.max(Number(process.env.BENCH_GET_PAYMENTS || 200), 1), 5000);

/** Creates PAYMENTS card payments on `server`, then reads them back at random under load. */
async function measureReads(name: string, server: ServerHandle, settings: Settings): Promise<Figures> {
  const ids: string[] = [];
  for (let i = 0; i < PAYMENTS; i++) {
    const created = await request(server.url, 'POST', '/api/v1/payments', testCardBody());
    if (created.status !== 200) throw new Error(`${name}: create answered ${created.status}: ${created.text.slice(0, 300)}`);
    ids.push(created.json.id);
  }
  const check = await request(server.url, 'GET', `/api/v1/payments/${ids[0]}`);
  if (check.status !== 200) throw new Error(`${name}: GET answered ${check.status}: ${check.text.slice(0, 300)}`);
  log(`${name}: ${ids.length} payments created; GET answers ${Buffer.byteLength(check.text)} bytes`);
  let next = 0;
  return measure(
    `GET ${name}`,
    {
      url: server.url,
      method: 'GET',
      path: `/api/v1/payments/${ids[0]}`,
      pathFor: () => `/api/v1/payments/${ids[next++ % ids.length]}`,
      headers: { authorization: AUTH_HEADER },
      connections: settings.connections,
      duration: settings.duration,
      serverPid: server.child.pid,
    },
    settings.runs,
    settings.warmup,
  );
}

async function run(): Promise<void> {
  const settings = loadSettings({ db: 'postgres' });
  const withFloor = !process.argv.includes('--no-floor');
  process.stdout.write(`payments-get: GET /api/v1/payments/:id over ${PAYMENTS} payments; ${describeSettings(settings)}\n`);
  const rows: string[][] = [];
  const row = (label: string, figures: Figures, floor: Figures | null, target: string, ok: string) => [
    label,
    fmtRate(figures.okPerSecond),
    fmtMs(figures.p50),
    fmtMs(figures.p99),
    fmtMs(figures.max),
    String(figures.non2xx),
    statusSummary(figures),
    fmtCpu(figures.serverCpuMs),
    fmtOther(figures),
    floor ? fmtRatio(figures.okPerSecond / floor.okPerSecond) : '',
    target,
    ok,
  ];
  for (const db of settings.dbs) {
    let floor: Figures | null = null;
    if (withFloor) {
      const server = await startFloor(db, settings);
      try {
        floor = await measureReads(`floor (${db})`, server, settings);
      } finally {
        await server.stop();
      }
      rows.push(row(`floor ${db}`, floor, floor, '', ''));
    }
    const server = await startKessai({ db, settings });
    try {
      const figures = await measureReads(`kessai (${db})`, server, settings);
      const target = db === 'postgres';
      rows.push(row(`kessai ${db}`, figures, floor, target ? '≥ 8,000/s' : '', target ? verdict(figures.okPerSecond >= 8000) : ''));
    } finally {
      await server.stop();
    }
  }
  printTable(
    `GET /api/v1/payments/:id — reads/s = 2xx/s; median of ${settings.runs} × (-c ${settings.connections} -d ${settings.duration})`,
    ['', 'reads/s', 'p50', 'p99', 'max', 'non-2xx', 'statuses', 'server CPU/req', 'other load', 'vs floor', 'target', 'verdict'],
    rows,
  );
}

await main(run);
