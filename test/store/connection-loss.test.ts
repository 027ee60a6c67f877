import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../src/kernel/errors';
import { DatabaseUnavailable, isConnectionError, openStore, type Store } from '../../src/store/db';
import { dropSchemas, testSchemaName, usingPostgres } from '../helpers/harness';
import { useProcesses } from '../helpers/processes';
import { startReceiver, type Receiver } from '../helpers/receiver';
import { expectRodeItOut, startLoad, timeToRecover, WRITE_LOAD_KEY } from '../helpers/write-load';

const SLOW = 180_000;
const processes = useProcesses();

/** Every session of one server process: its pool's and its LISTEN connection (by application_name). */
async function sessionsOf(admin: pg.Client, applicationName: string): Promise<{ pid: number; query: string }[]> {
  const { rows } = await admin.query('SELECT pid, query FROM pg_stat_activity WHERE application_name = $1', [applicationName]);
  return rows;
}

/**
 * Ends every PostgreSQL session of that server, and no one else's: other test files and helpers
 * share this PostgreSQL, so sessions are picked by the application_name only that server uses.
 */
async function terminateSessionsOf(admin: pg.Client, applicationName: string): Promise<{ pid: number; query: string }[]> {
  const { rows } = await admin.query(
    `SELECT pid, query, pg_terminate_backend(pid) AS terminated FROM pg_stat_activity WHERE application_name = $1`,
    [applicationName],
  );
  return rows;
}

describe('connection errors', () => {
  const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

  it('are told from failed statements in one place', () => {
    for (const code of ['57P01', '57P02', '57P03', '08006', '08003', '08001', '53300', 'ECONNREFUSED', 'ECONNRESET']) {
      expect(isConnectionError(withCode(code)), code).toBe(true);
    }
    expect(isConnectionError(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isConnectionError(new Error('Client has encountered a connection error and is not queryable'))).toBe(true);
    expect(isConnectionError(new AggregateError([withCode('ECONNREFUSED')], ''))).toBe(true);
    // Statement errors stay what they are (a unique violation, a deadlock, a syntax error, a cancel).
    for (const code of ['23505', '40P01', '42601', '57014']) expect(isConnectionError(withCode(code)), code).toBe(false);
    expect(isConnectionError(new Error('boom'))).toBe(false);
    expect(isConnectionError(undefined)).toBe(false);
  });

  it('become 503 service_unavailable, which every error handler answers with Retry-After', () => {
    const error = new DatabaseUnavailable(withCode('57P01', 'terminating connection due to administrator command'));
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'service_unavailable', status: 503, param: null });
    expect(error.message).not.toMatch(/terminat|postgres/i);
  });
});

// PostgreSQL only (both describes below): the embedded database (PGlite) runs inside the process
// and has no connections to lose. Under CI the PostgreSQL pass (DATABASE_URL set) runs them.
describe.skipIf(!usingPostgres)('a store whose PostgreSQL sessions are terminated (PostgreSQL only)', () => {
  const schema = testSchemaName();
  // Its sessions alone carry this name, so terminating them touches no other test's.
  const applicationName = `${schema}_store`;
  let store: Store;
  let admin: pg.Client;
  const terminate = () => admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [applicationName]);
  const backendPid = async (db = store.db) => (await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(db)).rows[0].pid;

  beforeAll(async () => {
    if (!usingPostgres) return;
    const url = new URL(process.env.DATABASE_URL!);
    url.searchParams.set('application_name', applicationName);
    const quiet = { info: () => {}, error: () => {} };
    store = await openStore({ databaseUrl: url.toString(), schema, poolSize: 2, log: quiet });
    admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
  });

  afterAll(async () => {
    if (!usingPostgres) return;
    await store.close();
    await admin.end();
    await dropSchemas([schema]);
  });

  it('fails a running query as DatabaseUnavailable and serves the next one on a new connection', async () => {
    const before = await backendPid();
    const running = sql`SELECT pg_sleep(30)`.execute(store.db).then(
      () => null,
      (error: unknown) => error,
    );
    await expect.poll(async () => (await admin.query("SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND query LIKE 'SELECT pg_sleep%'", [applicationName])).rowCount).toBe(1);
    await terminate();
    expect(await running).toBeInstanceOf(DatabaseUnavailable);
    expect(await backendPid()).not.toBe(before);
  });

  it('survives connections lost while idle in the pool or inside a transaction between two queries', async () => {
    // Both pool connections busy at once, so both exist, then idle.
    await Promise.all([sql`SELECT pg_sleep(0.05)`.execute(store.db), sql`SELECT pg_sleep(0.05)`.execute(store.db)]);
    const outcome = await store.db
      .transaction()
      .execute(async (trx) => {
        await backendPid(trx);
        await terminate(); // this one's session and the idle one's
        await new Promise((resolve) => setTimeout(resolve, 200)); // the 'error' events arrive
        await backendPid(trx);
      })
      .then(
        () => null,
        (error: unknown) => error,
      );
    expect(outcome).toBeInstanceOf(DatabaseUnavailable);
    // Unheard, either connection's 'error' event would have ended this process (and failed the run).
    await Promise.all([backendPid(), backendPid()]);
  });

  it('listens again after its LISTEN connection is lost, and says so for the caller to catch up', async () => {
    const payloads: string[] = [];
    let resumed = 0;
    const unlisten = await store.listen('kessai_loss_test', (payload) => payloads.push(payload), () => resumed++);
    try {
      await admin.query("NOTIFY kessai_loss_test, 'before'");
      await expect.poll(() => payloads).toEqual(['before']);
      await terminate();
      await expect.poll(() => resumed, { timeout: 10_000 }).toBe(1);
      await admin.query("NOTIFY kessai_loss_test, 'after'");
      await expect.poll(() => payloads).toEqual(['before', 'after']);
    } finally {
      await unlisten();
    }
  });
});

async function receiver(): Promise<Receiver> {
  const hooks = await startReceiver();
  processes.defer(() => hooks.close());
  return hooks;
}

describe.skipIf(!usingPostgres)('a server whose PostgreSQL sessions are terminated (PostgreSQL only)', () => {
  it('stays up under load, answers every request (2xx or 503 with Retry-After), loses nothing acknowledged, and keeps delivering webhooks', async () => {
    const hooks = await receiver();
    const env = processes.environment({ KESSAI_SECRET_KEY: WRITE_LOAD_KEY, KESSAI_WEBHOOK_URL: hooks.url, KESSAI_WEBHOOK_SECRET: 'whsec_loss' });
    // This server's own name in pg_stat_activity: its schema's, unique to this test.
    const applicationName = env.KESSAI_DATABASE_SCHEMA!;
    const url = new URL(process.env.DATABASE_URL!);
    url.searchParams.set('application_name', applicationName);
    const server = await processes.server({ ...env, DATABASE_URL: url.toString() });
    const admin = new pg.Client({ connectionString: process.env.DATABASE_URL, application_name: `${applicationName}_admin` });
    await admin.connect();
    processes.defer(() => admin.end());
    const listening = async () => (await sessionsOf(admin, applicationName)).some((s) => s.query.startsWith('LISTEN'));
    // The webhook worker LISTENs on its own connection, besides the pool's.
    await expect.poll(listening, { timeout: 10_000 }).toBe(true);

    const load = startLoad(server.url);
    const recoveries: number[] = [];
    for (let round = 0; round < 2; round++) {
      await load.more(20);
      // The LISTEN connection of the round before comes back on its own time, after the pool.
      await expect.poll(listening, { timeout: 10_000 }).toBe(true);
      const terminated = await terminateSessionsOf(admin, applicationName);
      expect(terminated.some((s) => s.query.startsWith('LISTEN'))).toBe(true);
      expect(terminated.length).toBeGreaterThan(1);
      recoveries.push(await timeToRecover(server.url, load.acknowledged[0]));
    }
    // Payments made after the terminations, their webhooks included.
    await load.more(20);
    await load.stop();

    const refused = await expectRodeItOut(server, load, hooks);
    for (const ms of recoveries) expect(ms).toBeLessThan(1000);
    // The LISTEN connection is back (a new session), not only the poll.
    await expect.poll(listening, { timeout: 10_000 }).toBe(true);
    console.info(
      `sessions terminated: ${load.acknowledged.length} payments acknowledged, ${refused.length} answered 503, ` +
        `service back after ${recoveries.map((ms) => `${Math.round(ms)} ms`).join(' and ')}`,
    );
  }, SLOW);
});
