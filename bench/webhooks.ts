/**
 * Webhook delivery figures: `kessai serve` as a child process on a fresh database (PGlite, or the
 * PostgreSQL at DATABASE_URL in a schema of its own), a receiver on 127.0.0.1 answering 200 at
 * once, and the default merchant's endpoint pointing at it (KESSAI_WEBHOOK_URL).
 *
 *   node --import tsx bench/webhooks.ts                       # PGlite
 *   DATABASE_URL=postgres://… node --import tsx bench/webhooks.ts
 *   BENCH_LATENCY_N=200 BENCH_THROUGHPUT_N=2000 BENCH_CONNECTIONS=20 node --import tsx bench/webhooks.ts
 *
 * Prints:
 * - latency: payments created one at a time; for each, the time from the API's response to the
 *   `payment.captured` webhook reaching the receiver (p50, p90, p99, max);
 * - throughput: BENCH_THROUGHPUT_N payments created by BENCH_CONNECTIONS clients at once; creates/s
 *   and webhooks/s from the first create to the last webhook received, and how long the backlog
 *   took to drain after the last create.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

const LATENCY_N = Number(process.env.BENCH_LATENCY_N ?? 200);
const THROUGHPUT_N = Number(process.env.BENCH_THROUGHPUT_N ?? 2000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);
const KEY = 'sk_test_bench_webhooks';
const AUTH = `Basic ${Buffer.from(`${KEY}:`).toString('base64')}`;
const BIN = new URL('../bin/kessai.js', import.meta.url).pathname;
const CARD = { type: 'credit_card', number: '4111111111111111', month: 12, year: new Date().getUTCFullYear() + 3, verification_value: '123', name: 'Taro Yamada' };

/** payment id → when its payment.captured webhook arrived (performance.now()). */
const arrivals = new Map<string, number>();
const waiters = new Map<string, () => void>();

const receiver = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    const event = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    response.end('ok');
    if (event.type !== 'payment.captured' || arrivals.has(event.data.id)) return;
    arrivals.set(event.data.id, performance.now());
    waiters.get(event.data.id)?.();
  });
});
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const hookUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hooks`;

const port = 30000 + Math.floor(Math.random() * 20000);
const schema = process.env.DATABASE_URL ? `kessai_bench_${Date.now()}` : undefined;
const server = spawn(process.execPath, [BIN, 'serve'], {
  env: {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    KESSAI_DATA_DIR: mkdtempSync(join(tmpdir(), 'kessai-bench-')),
    KESSAI_SECRET_KEY: KEY,
    KESSAI_WEBHOOK_URL: hookUrl,
    LOG_LEVEL: 'warn',
    ...(schema ? { KESSAI_DATABASE_SCHEMA: schema } : {}),
  },
  stdio: ['ignore', 'pipe', 'inherit'],
});
await new Promise<void>((resolve) => {
  let output = '';
  server.stdout!.on('data', (chunk) => {
    output += chunk;
    if (output.includes('publishable key')) resolve();
  });
});
const base = `http://127.0.0.1:${port}`;

async function create(): Promise<string> {
  const response = await fetch(`${base}/api/v1/payments`, {
    method: 'POST',
    headers: { authorization: AUTH, 'content-type': 'application/json' },
    body: JSON.stringify({ amount: 1000, currency: 'JPY', payment_details: CARD }),
  });
  if (response.status !== 200) throw new Error(`create answered ${response.status}: ${await response.text()}`);
  return (await response.json()).id;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
const ms = (value: number) => `${value.toFixed(1)} ms`;

try {
  const database = schema ? 'PostgreSQL' : 'PGlite';
  const latencies: number[] = [];
  for (let i = 0; i < LATENCY_N; i++) {
    const id = await create();
    const answered = performance.now();
    if (!arrivals.has(id)) await new Promise<void>((resolve) => waiters.set(id, resolve));
    latencies.push(Math.max(0, arrivals.get(id)! - answered));
  }
  latencies.sort((a, b) => a - b);
  console.log(
    `${database} delivery latency (API response → webhook received), n=${LATENCY_N}: ` +
      `p50 ${ms(percentile(latencies, 50))}, p90 ${ms(percentile(latencies, 90))}, p99 ${ms(percentile(latencies, 99))}, max ${ms(latencies.at(-1)!)}`,
  );

  const ids: string[] = [];
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (next++ < THROUGHPUT_N) ids.push(await create());
    }),
  );
  const created = performance.now();
  await Promise.all(ids.map((id) => (arrivals.has(id) ? undefined : new Promise<void>((resolve) => waiters.set(id, resolve)))));
  const drained = Math.max(...ids.map((id) => arrivals.get(id)!));
  const seconds = (drained - started) / 1000;
  console.log(
    `${database} throughput, ${THROUGHPUT_N} payments by ${CONNECTIONS} clients: ` +
      `${(THROUGHPUT_N / ((created - started) / 1000)).toFixed(0)} creates/s, ` +
      `${(THROUGHPUT_N / seconds).toFixed(0)} webhooks/s end to end, backlog drained ${ms(Math.max(0, drained - created))} after the last create`,
  );
} finally {
  server.kill('SIGTERM');
  await new Promise((resolve) => server.on('exit', resolve));
  receiver.close();
  if (schema) {
    const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await client.connect();
    await client.query(`DROP SCHEMA "${schema}" CASCADE`);
    await client.end();
  }
}
