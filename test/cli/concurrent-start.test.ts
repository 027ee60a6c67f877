import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { basicAuth, usingPostgres } from '../helpers/harness';
import { useProcesses, type ServerProcess } from '../helpers/processes';
import { startReceiver } from '../helpers/receiver';

const SECRET_KEY = 'sk_test_concurrent_start';
const PROCESSES = 4;
/** Rounds per case: each starts PROCESSES servers at once on a fresh schema, to make the race likely. */
const ROUNDS = 2;
const SLOW = 600_000;
const processes = useProcesses();

/** Row counts of the schema a set of servers shares, read straight from PostgreSQL. */
async function counts(schema: string): Promise<{ merchants: number; keys: number; endpoints: number }> {
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  try {
    const count = async (table: string) => Number((await client.query(`SELECT count(*) AS n FROM "${schema}".${table}`)).rows[0].n);
    return { merchants: await count('merchants'), keys: await count('api_keys'), endpoints: await count('webhook_endpoints') };
  } finally {
    await client.end();
  }
}

/** Starts PROCESSES servers at the same moment; every one must come up (none exits on a duplicate). */
async function startTogether(env: NodeJS.ProcessEnv): Promise<ServerProcess[]> {
  const started = await Promise.allSettled(Array.from({ length: PROCESSES }, () => processes.server(env)));
  const failed = started.filter((s): s is PromiseRejectedResult => s.status === 'rejected');
  expect(failed.map((f) => String(f.reason))).toEqual([]);
  return started.map((s) => (s as PromiseFulfilledResult<ServerProcess>).value);
}

async function stopAll(servers: ServerProcess[]): Promise<void> {
  for (const server of servers) server.child.kill('SIGKILL');
  await Promise.all(servers.map((s) => s.exited));
}

const merchantIdIn = (banner: string) => /merchant {10}Default merchant \((\w+),/.exec(banner)?.[1];

// PostgreSQL only: one embedded database (PGlite) directory is never shared by processes, so
// only on PostgreSQL can several start on one database. The PostgreSQL pass runs it.
describe.skipIf(!usingPostgres)('servers started together on one empty PostgreSQL schema (PostgreSQL only)', () => {
  it('all come up with one merchant, its configured keys once and one endpoint for KESSAI_WEBHOOK_URL', async () => {
    const hooks = await startReceiver();
    processes.defer(() => hooks.close());
    for (let round = 0; round < ROUNDS; round++) {
      const env = processes.environment({ KESSAI_SECRET_KEY: SECRET_KEY, KESSAI_WEBHOOK_URL: hooks.url, KESSAI_WEBHOOK_SECRET: 'whsec_together' });
      const servers = await startTogether(env);
      for (const server of servers) {
        const listed = await fetch(`${server.url}/api/v1/webhooks`, { headers: { authorization: basicAuth(SECRET_KEY) } });
        expect(listed.status).toBe(200);
        expect((await listed.json()).total).toBe(1);
      }
      // The secret key and one generated publishable key.
      expect(await counts(env.KESSAI_DATABASE_SCHEMA!)).toEqual({ merchants: 1, keys: 2, endpoints: 1 });
      await stopAll(servers);
    }
  }, SLOW);

  it('without configured keys, all come up on one default merchant', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const env = processes.environment();
      const servers = await startTogether(env);
      for (const server of servers) expect((await fetch(`${server.url}/health`)).status).toBe(200);
      const ids = new Set(servers.map((s) => merchantIdIn(s.output())));
      expect(ids.size).toBe(1);
      expect([...ids][0]).toMatch(/^\w{25}$/);
      expect(await counts(env.KESSAI_DATABASE_SCHEMA!)).toEqual({ merchants: 1, keys: 2, endpoints: 0 });
      await stopAll(servers);
    }
  }, SLOW);
});
