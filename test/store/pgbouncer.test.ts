import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import { MERCHANT_CHANNEL } from '../../src/store/merchants.repo';
import { WEBHOOK_CHANNEL } from '../../src/store/outbox.repo';
import { basicAuth, testCard, usingPostgres } from '../helpers/harness';
import { hasPgbouncer, PGBOUNCER, startPgbouncer } from '../helpers/pgbouncer';
import { runKessai, useProcesses, type ServerProcess } from '../helpers/processes';
import { startReceiver, type Receiver } from '../helpers/receiver';

// kessai through a transaction-pooling PgBouncer (Debian's, started here on a free port) with
// KESSAI_DATABASE_POOLER=transaction: creates, captures, sessions and webhooks work; without the
// setting it does not start. PostgreSQL pass only; under CI a missing pgbouncer is a failure.
const SECRET_KEY = 'sk_test_pgbouncer';
const PUBLISHABLE_KEY = 'pk_test_pgbouncer';
const SLOW = 120_000;
const processes = useProcesses();
const runs = usingPostgres && (hasPgbouncer || process.env.CI === 'true');

/** An environment whose DATABASE_URL is a PgBouncer of its own in front of the test's schema. */
async function throughPgbouncer(extra: NodeJS.ProcessEnv = {}, pooledSchema?: string): Promise<{ env: NodeJS.ProcessEnv; hooks: Receiver }> {
  expect(hasPgbouncer, `${PGBOUNCER} is missing (apt-get install pgbouncer)`).toBe(true);
  const hooks = await startReceiver();
  processes.defer(() => hooks.close());
  const direct = process.env.DATABASE_URL!;
  const env = processes.environment({ KESSAI_SECRET_KEY: SECRET_KEY, KESSAI_PUBLISHABLE_KEY: PUBLISHABLE_KEY, KESSAI_WEBHOOK_URL: hooks.url, KESSAI_WEBHOOK_SECRET: 'whsec_pgbouncer' });
  const bouncer = await startPgbouncer(direct, pooledSchema ?? env.KESSAI_DATABASE_SCHEMA!);
  processes.defer(() => bouncer.close());
  return { env: { ...env, DATABASE_URL: bouncer.url, ...extra }, hooks };
}

async function call(server: ServerProcess, method: string, path: string, body?: unknown, key = SECRET_KEY): Promise<{ status: number; body: any }> {
  const response = await fetch(`${server.url}/api/v1${path}`, {
    method,
    headers: { authorization: basicAuth(key), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

/** Payments (several at once, so the pool's connections take turns on the pooler's), a capture, a session paid. */
async function exercise(server: ServerProcess): Promise<string[]> {
  const created = await Promise.all(
    Array.from({ length: 8 }, () => call(server, 'POST', '/payments', { amount: 1000, currency: 'JPY', payment_details: testCard() })),
  );
  for (const answer of created) expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  const authorized = await call(server, 'POST', '/payments', { amount: 500, currency: 'JPY', capture: false, payment_details: testCard() });
  expect(authorized.body.status).toBe('authorized');
  const captured = await call(server, 'POST', `/payments/${authorized.body.id}/capture`, {});
  expect(captured.status, JSON.stringify(captured.body)).toBe(200);
  expect(captured.body.status).toBe('captured');
  const session = await call(server, 'POST', '/sessions', { amount: 700, currency: 'JPY', return_url: 'https://shop.example/done' });
  expect(session.status, JSON.stringify(session.body)).toBe(200);
  const paid = await call(server, 'POST', `/sessions/${session.body.id}/pay`, { payment_details: testCard() }, PUBLISHABLE_KEY);
  expect(paid.status, JSON.stringify(paid.body)).toBe(200);
  expect(paid.body.status).toBe('completed');
  expect((await call(server, 'GET', `/sessions/${session.body.id}`)).body.status).toBe('completed');
  return [...created.map((answer) => answer.body.id), captured.body.id, paid.body.payment.id];
}

/** What the sessions PostgreSQL itself sees under that application_name last ran. */
async function listeningSessions(applicationName: string): Promise<string[]> {
  const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await admin.connect();
  try {
    const { rows } = await admin.query('SELECT query FROM pg_stat_activity WHERE application_name = $1', [applicationName]);
    return rows.map((row) => row.query);
  } finally {
    await admin.end();
  }
}

async function expectDelivered(hooks: Receiver, ids: string[]): Promise<void> {
  await expect.poll(() => ids.every((id) => hooks.forResource(id).some((r) => r.body.type === 'payment.captured')), { timeout: 20_000, interval: 100 }).toBe(true);
}

describe('KESSAI_DATABASE_POOLER and KESSAI_LISTEN_DATABASE_URL', () => {
  it('default to a session (no pooler, LISTEN on DATABASE_URL); a pooler mode kessai does not know stops the start', () => {
    expect(loadConfig({})).toMatchObject({ databasePooler: 'session', listenDatabaseUrl: null });
    const direct = 'postgres://kessai@db:5432/kessai';
    expect(loadConfig({ KESSAI_DATABASE_POOLER: 'transaction', KESSAI_LISTEN_DATABASE_URL: direct })).toMatchObject({ databasePooler: 'transaction', listenDatabaseUrl: direct });
    expect(() => loadConfig({ KESSAI_DATABASE_POOLER: 'statement' })).toThrow(/KESSAI_DATABASE_POOLER must be one of session, transaction/);
  });
});

describe('through PgBouncer in transaction pooling mode (PostgreSQL only)', () => {
  it.runIf(runs)(
    'KESSAI_DATABASE_POOLER=transaction: creates, captures, a session and webhooks, LISTEN straight to PostgreSQL',
    async () => {
      const listener = `kessai-listen-${Math.random().toString(36).slice(2, 10)}`;
      const listenUrl = new URL(process.env.DATABASE_URL!);
      listenUrl.searchParams.set('application_name', listener);
      const { env, hooks } = await throughPgbouncer({ KESSAI_DATABASE_POOLER: 'transaction', KESSAI_LISTEN_DATABASE_URL: listenUrl.href });
      const server = await processes.server(env);
      await expectDelivered(hooks, await exercise(server));
      // Both of a process's LISTEN sessions (webhook wake-ups, merchant changes) go straight to PostgreSQL.
      expect((await listeningSessions(listener)).sort()).toEqual([`LISTEN "${MERCHANT_CHANNEL}"`, `LISTEN "${WEBHOOK_CHANNEL}"`].sort());
      // A second process on the same database starts too: the set-up lock is the transaction's.
      const second = await processes.server(env);
      expect((await call(second, 'GET', '/payments')).status).toBe(200);
    },
    SLOW,
  );

  it.runIf(runs)(
    'without KESSAI_LISTEN_DATABASE_URL the webhook worker polls, and deliveries still go out',
    async () => {
      const { env, hooks } = await throughPgbouncer({ KESSAI_DATABASE_POOLER: 'transaction' });
      const server = await processes.server(env);
      await expectDelivered(hooks, await exercise(server));
    },
    SLOW,
  );

  it.runIf(runs)(
    'without KESSAI_DATABASE_POOLER kessai does not start (its timeouts are refused startup parameters), and with them off creates answer 500: named statements meet on shared server connections',
    async () => {
      // Without the setting kessai's session timeouts go as startup parameters, which PgBouncer
      // refuses outright (kessai does not start); with them off, the statements' own failure shows.
      const noTimeouts = { KESSAI_DB_STATEMENT_TIMEOUT_MS: '0', KESSAI_DB_LOCK_TIMEOUT_MS: '0', KESSAI_DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: '0' };
      const refused = await runKessai(['serve'], (await throughPgbouncer()).env);
      expect(refused.code).not.toBe(0);
      const { env } = await throughPgbouncer(noTimeouts);
      const server = await processes.server(env);
      const statuses: number[] = [];
      for (let round = 0; round < 3 && !statuses.includes(500); round++) {
        const answers = await Promise.all(
          Array.from({ length: 8 }, () => call(server, 'POST', '/payments', { amount: 1000, currency: 'JPY', payment_details: testCard() })),
        );
        statuses.push(...answers.map((answer) => answer.status));
      }
      expect(statuses).toContain(500);
    },
    SLOW,
  );

  it.runIf(runs)(
    'refuses to start when the pooler\'s connections use another schema than KESSAI_DATABASE_SCHEMA',
    async () => {
      const { env } = await throughPgbouncer({ KESSAI_DATABASE_POOLER: 'transaction' }, 'public');
      const refused = await runKessai(['serve'], env);
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toContain(`connections through the pooler use schema public, not ${env.KESSAI_DATABASE_SCHEMA}`);
      expect(refused.stderr).toContain('ALTER ROLE');
    },
    SLOW,
  );
});
