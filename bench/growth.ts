/**
 * Create throughput as data grows: POST /api/v1/payments on a fresh (empty) database, then on a
 * fresh database holding 100,000 stored payments (and their 100,000 events) of the bench
 * merchant, and the ratio of the two (target ≥ 0.8).
 *
 * The 100,000 rows are written with one INSERT … SELECT … generate_series per table, copying a
 * payment (and its event) that was created through the API, so the rows are exactly what kessai
 * stores, whatever columns the schema has; ids are random-looking (md5) so the primary-key index
 * is as scattered as with real ids, and created_at spreads over the preceding 100,000 seconds.
 * On PGlite the server is stopped while the rows are written (PGlite is single-process).
 *
 *   npm run bench:growth                               # PostgreSQL, -c 50 -d 15, median of 3
 *   node --import tsx bench/growth.ts --duration 5 --runs 1 [--db pglite|postgres|both] [--rows 100000]
 *
 * Each phase starts on its own fresh database; measured runs add rows as they go, so the table
 * sizes at the start and end of each phase are printed.
 */
import { join } from 'node:path';
import { createRequestBody } from './floor';
import {
  AUTH_HEADER,
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
  pgQuery,
  printTable,
  request,
  startKessai,
  statusSummary,
  testCardBody,
  verdict,
  withTimeout,
  type DbKind,
  type Figures,
  type ServerHandle,
  type Settings,
} from './lib';

function rowsSetting(): number {
  const argv = process.argv.slice(2);
  const index = argv.findIndex((a) => a === '--rows' || a.startsWith('--rows='));
  const raw = index === -1 ? process.env.BENCH_GROWTH_ROWS : argv[index].includes('=') ? argv[index].split('=')[1] : argv[index + 1];
  const value = raw ? Number(raw) : 100_000;
  if (!Number.isInteger(value) || value < 1 || value > 10_000_000) throw new Error(`--rows must be an integer between 1 and 10,000,000`);
  return value;
}

/** Runs SQL on the server's database: PostgreSQL schema, or the PGlite directory (server stopped). */
type Exec = (text: string, values?: unknown[]) => Promise<any[]>;

async function withDatabase<T>(server: ServerHandle, settings: Settings, work: (exec: Exec) => Promise<T>): Promise<T> {
  if (server.db === 'postgres') {
    return work(async (text, values = []) => (await pgQuery(settings.databaseUrl, text, values, server.schema!)).rows);
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const client = new PGlite(join(server.dataDir, 'pgdata'));
  await client.waitReady;
  try {
    return await work(async (text, values = []) => (await client.query(text, values)).rows as any[]);
  } finally {
    await client.close();
  }
}

/** Columns an INSERT may name (not generated, not identity), in table order. */
async function insertableColumns(exec: Exec, table: string): Promise<string[]> {
  const rows = await exec(
    `SELECT column_name FROM information_schema.columns
      WHERE table_schema = current_schema() AND table_name = $1 AND is_generated = 'NEVER' AND is_identity = 'NO'
      ORDER BY ordinal_position`,
    [table],
  );
  return rows.map((r) => r.column_name as string);
}

const SEED_ID = (g: string) => `substr(md5('kessai-seed-' || ${g}::text), 1, 25)`;

/** Copies the template payment and its event `count` times with generate_series. */
async function seed(exec: Exec, templatePaymentId: string, count: number): Promise<void> {
  const payments = await insertableColumns(exec, 'payments');
  const events = await insertableColumns(exec, 'events');
  const pick = (columns: string[], replace: Record<string, string>) => columns.map((c) => replace[c] ?? `t."${c}"`).join(', ');
  const created = `t.created_at - (g * interval '1 second')`;
  await exec(
    `INSERT INTO payments (${payments.map((c) => `"${c}"`).join(', ')})
     SELECT ${pick(payments, {
       id: SEED_ID('g'),
       created_at: created,
       updated_at: created,
       captured_at: `CASE WHEN t.captured_at IS NULL THEN NULL ELSE ${created} END`,
       external_order_num: `'seed-' || g::text`,
     })}
       FROM payments t, generate_series(1, ${count}) g
      WHERE t.id = $1`,
    [templatePaymentId],
  );
  await exec(
    `INSERT INTO events (${events.map((c) => `"${c}"`).join(', ')})
     SELECT ${pick(events, { id: SEED_ID(`'e' || g`), resource_id: SEED_ID('g'), created_at: created })}
       FROM events t, generate_series(1, ${count}) g
      WHERE t.resource_id = $1`,
    [templatePaymentId],
  );
  await exec('ANALYZE payments');
  await exec('ANALYZE events');
}

async function countRows(server: ServerHandle, settings: Settings): Promise<string> {
  if (server.db !== 'postgres') return '?';
  const [row] = await withDatabase(server, settings, (exec) => exec('SELECT count(*)::int AS n FROM payments'));
  return Number(row.n).toLocaleString('en-US');
}

interface Phase {
  label: string;
  figures: Figures;
  before: string;
  after: string;
}

async function phase(db: DbKind, settings: Settings, seedRows: number): Promise<Phase> {
  const label = seedRows ? `${db}, ${seedRows.toLocaleString('en-US')} stored` : `${db}, empty`;
  let server = await startKessai({ db, settings });
  try {
    const probe = await request(server.url, 'POST', '/api/v1/payments', testCardBody());
    if (probe.status !== 200) throw new Error(`create answered ${probe.status}: ${probe.text.slice(0, 300)}`);
    let before = db === 'pglite' ? '1' : await countRows(server, settings);
    if (seedRows) {
      const started = Date.now();
      if (db === 'pglite') {
        // One process owns a PGlite directory: stop kessai, write the rows, start it again.
        await server.stop();
        await withDatabase(server, settings, (exec) => withTimeout(seed(exec, probe.json.id, seedRows), 600_000, 'seeding'));
        server = await startKessai({ db, settings, reuse: { schema: server.schema, dataDir: server.dataDir } });
        before = (seedRows + 1).toLocaleString('en-US');
      } else {
        await withDatabase(server, settings, (exec) => withTimeout(seed(exec, probe.json.id, seedRows), 600_000, 'seeding'));
        before = await countRows(server, settings);
      }
      log(`${label}: ${seedRows.toLocaleString('en-US')} payments and events written in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }
    const figures = await measure(
      `growth (${label})`,
      {
        url: server.url,
        method: 'POST',
        path: '/api/v1/payments',
        headers: { 'content-type': 'application/json', authorization: AUTH_HEADER },
        body: createRequestBody(),
        connections: settings.connections,
        duration: settings.duration,
        serverPid: server.child.pid,
      },
      settings.runs,
      settings.warmup,
    );
    const after = db === 'pglite' ? '?' : await countRows(server, settings);
    return { label, figures, before, after };
  } finally {
    await server.stop();
  }
}

async function run(): Promise<void> {
  const settings = loadSettings({ db: 'postgres' });
  const seedRows = rowsSetting();
  process.stdout.write(`growth: POST /api/v1/payments, empty vs ${seedRows.toLocaleString('en-US')} stored payments; ${describeSettings(settings)}\n`);
  const rows: string[][] = [];
  for (const db of settings.dbs) {
    const empty = await phase(db, settings, 0);
    const grown = await phase(db, settings, seedRows);
    const ratio = grown.figures.okPerSecond / empty.figures.okPerSecond;
    for (const p of [empty, grown]) {
      rows.push([
        p.label,
        `${p.before} → ${p.after}`,
        fmtRate(p.figures.okPerSecond),
        fmtMs(p.figures.p50),
        fmtMs(p.figures.p99),
        fmtMs(p.figures.max),
        String(p.figures.non2xx),
        statusSummary(p.figures),
        fmtCpu(p.figures.serverCpuMs),
        fmtOther(p.figures),
        p === grown ? fmtRatio(ratio) : '1.00×',
        p === grown ? '≥ 0.8×' : '',
        p === grown ? verdict(ratio >= 0.8) : '',
      ]);
    }
  }
  printTable(
    `growth — creates/s = 2xx/s; median of ${settings.runs} × (-c ${settings.connections} -d ${settings.duration})`,
    ['', 'payments (start → end)', 'creates/s', 'p50', 'p99', 'max', 'non-2xx', 'statuses', 'server CPU/req', 'other load', 'vs empty', 'target', 'verdict'],
    rows,
  );
}

await main(run);
