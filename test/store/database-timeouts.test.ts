import { sql } from 'kysely';
import { createServer, type Socket } from 'node:net';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config';
import { DatabaseUnavailable, openStore } from '../../src/store/db';
import { isLockContention } from '../../src/store/merchant-locks.repo';
import { DATABASE_TIMEOUT_DEFAULTS, type DatabaseTimeouts } from '../../src/store/types';
import { basicAuth, dropSchemas, testCard, testSchemaName, usingPostgres } from '../helpers/harness';
import { useProcesses } from '../helpers/processes';

const SECRET_KEY = 'sk_test_database_timeouts';
const processes = useProcesses();
const quiet = { info: () => {}, error: () => {} };

/** What a request ended with, and how long it took. */
async function timed(run: () => Promise<Response>): Promise<{ status: number; body: any; ms: number }> {
  const started = performance.now();
  const response = await run();
  return { status: response.status, body: await response.json(), ms: performance.now() - started };
}

describe('database timeouts settings', () => {
  it('have defaults, read KESSAI_DB_*_TIMEOUT_MS, and refuse what is not a whole number of milliseconds', () => {
    expect(loadConfig({}).databaseTimeouts).toEqual(DATABASE_TIMEOUT_DEFAULTS);
    const env = {
      KESSAI_DB_STATEMENT_TIMEOUT_MS: '1500',
      KESSAI_DB_LOCK_TIMEOUT_MS: '0',
      KESSAI_DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: '2500',
      KESSAI_DB_CONNECT_TIMEOUT_MS: '750',
    };
    expect(loadConfig(env).databaseTimeouts).toEqual({ statementMs: 1500, lockMs: 0, idleInTransactionMs: 2500, connectMs: 750 });
    expect(() => loadConfig({ KESSAI_DB_LOCK_TIMEOUT_MS: '1.5s' })).toThrow(ConfigError);
    expect(() => loadConfig({ KESSAI_DB_STATEMENT_TIMEOUT_MS: '-1' })).toThrow(/KESSAI_DB_STATEMENT_TIMEOUT_MS/);
  });
});

// PostgreSQL only: PGlite runs in the process, one statement at a time, with nothing to wait on.
describe.skipIf(!usingPostgres)('a store with timeouts (PostgreSQL only)', () => {
  async function withStore(timeouts: Partial<DatabaseTimeouts>, run: (store: Awaited<ReturnType<typeof openStore>>) => Promise<void>) {
    const schema = testSchemaName();
    const store = await openStore({ databaseUrl: process.env.DATABASE_URL!, schema, poolSize: 2, log: quiet, timeouts: { ...DATABASE_TIMEOUT_DEFAULTS, ...timeouts } });
    try {
      await run(store);
    } finally {
      await store.close();
      await dropSchemas([schema]);
    }
  }

  it('gives up on a statement past the statement timeout, as DatabaseUnavailable', async () => {
    await withStore({ statementMs: 200 }, async (store) => {
      const started = performance.now();
      const failed = await sql`SELECT pg_sleep(5)`.execute(store.db).catch((error: unknown) => error);
      expect(failed).toBeInstanceOf(DatabaseUnavailable);
      expect(performance.now() - started).toBeLessThan(2_000);
      // The session is fine: the next statement runs.
      expect((await sql<{ one: number }>`SELECT 1 AS one`.execute(store.db)).rows).toEqual([{ one: 1 }]);
    });
  });

  it('ends a session left idle in a transaction, and the next query runs on another', async () => {
    await withStore({ idleInTransactionMs: 200 }, async (store) => {
      const failed = await store.db
        .transaction()
        .execute(async (trx) => {
          await sql`SELECT 1`.execute(trx);
          await new Promise((resolve) => setTimeout(resolve, 600));
          await sql`SELECT 1`.execute(trx);
        })
        .catch((error: unknown) => error);
      expect(failed).toBeInstanceOf(DatabaseUnavailable);
      expect((await sql<{ one: number }>`SELECT 1 AS one`.execute(store.db)).rows).toEqual([{ one: 1 }]);
    });
  });

  it('keeps a lock timeout recognisable as lock contention for those who retry on it', async () => {
    await withStore({ lockMs: 100 }, async (store) => {
      await sql`CREATE TABLE locked (id int)`.execute(store.db);
      const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await admin.connect();
      try {
        await admin.query('BEGIN');
        const { rows } = await sql<{ schema: string }>`SELECT current_schema() AS schema`.execute(store.db);
        await admin.query(`LOCK TABLE "${rows[0].schema}".locked IN ACCESS EXCLUSIVE MODE`);
        const failed = await sql`SELECT * FROM locked`.execute(store.db).catch((error: unknown) => error);
        expect(failed).toBeInstanceOf(DatabaseUnavailable);
        expect(isLockContention(failed)).toBe(true);
      } finally {
        await admin.end();
      }
    });
  });

  it('gives up on a connection the server never answers within the connect timeout', async () => {
    // A listener that accepts and then says nothing: a PostgreSQL behind a black hole.
    const sockets: Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    try {
      const store = await openStore({ databaseUrl: `postgres://postgres@127.0.0.1:${port}/test`, poolSize: 1, log: quiet, timeouts: { ...DATABASE_TIMEOUT_DEFAULTS, connectMs: 300 } });
      const started = performance.now();
      const failed = await sql`SELECT 1`.execute(store.db).catch((error: unknown) => error);
      expect(failed).toBeInstanceOf(DatabaseUnavailable);
      expect(performance.now() - started).toBeLessThan(2_000);
      await store.close();
    } finally {
      for (const socket of sockets) socket.destroy();
      silent.close();
    }
  });
});

describe.skipIf(!usingPostgres)('a server whose request waits on a lock held elsewhere (PostgreSQL only)', () => {
  it('answers 503 service_unavailable within the lock timeout, and serves again once the lock is gone', async () => {
    const env = processes.environment({ KESSAI_SECRET_KEY: SECRET_KEY, KESSAI_DB_LOCK_TIMEOUT_MS: '500' });
    const server = await processes.server(env);
    const headers = { authorization: basicAuth(SECRET_KEY), 'content-type': 'application/json' };
    const pay = () =>
      timed(() => fetch(`${server.url}/api/v1/payments`, { method: 'POST', headers, body: JSON.stringify({ amount: 1000, currency: 'JPY', payment_details: testCard() }) }));
    const first = await pay();
    expect(first.status).toBe(200);

    const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    processes.defer(() => admin.end());
    await admin.query('BEGIN');
    await admin.query(`LOCK TABLE "${env.KESSAI_DATABASE_SCHEMA}".payments IN ACCESS EXCLUSIVE MODE`);
    const created = await pay();
    const shown = await timed(() => fetch(`${server.url}/api/v1/payments/${first.body.id}`, { headers }));
    for (const answer of [created, shown]) {
      expect(answer.status).toBe(503);
      expect(answer.body.error).toMatchObject({ code: 'service_unavailable', param: null });
      expect(JSON.stringify(answer.body)).not.toMatch(/lock|timeout|postgres|sql/i);
      expect(answer.ms).toBeGreaterThanOrEqual(450);
      expect(answer.ms).toBeLessThan(2_000);
    }
    await admin.query('ROLLBACK');
    expect((await pay()).status).toBe(200);
  }, 60_000);
});
