import { describe, expect, it } from 'vitest';
import { usingPostgres } from '../helpers/harness';
import { startOwnPostgres, startOwnReplica } from '../helpers/own-postgres';
import { useProcesses, type ServerProcess } from '../helpers/processes';
import { startReceiver, type Receiver } from '../helpers/receiver';
import { expectRodeItOut, startLoad, timeToRecover, WRITE_LOAD_KEY } from '../helpers/write-load';

// PostgreSQL servers of the tests' own (initdb, free ports), stopped, started and promoted under a
// running kessai: the shared one is never touched. In the PostgreSQL pass only, like the other
// tests of lost connections (connection-loss.test.ts); the embedded database has none to lose.
const SLOW = 180_000;
const processes = useProcesses();

async function receiver(): Promise<Receiver> {
  const hooks = await startReceiver();
  processes.defer(() => hooks.close());
  return hooks;
}

async function serverOn(databaseUrl: string, hooks: Receiver): Promise<ServerProcess> {
  const env = processes.environment({ KESSAI_SECRET_KEY: WRITE_LOAD_KEY, KESSAI_WEBHOOK_URL: hooks.url, KESSAI_WEBHOOK_SECRET: 'whsec_failover' });
  return processes.server({ ...env, DATABASE_URL: databaseUrl });
}

async function readiness(server: ServerProcess): Promise<{ status: number; body: any }> {
  const res = await fetch(`${server.url}/ready`);
  return { status: res.status, body: await res.json() };
}

/** While the database is away: creates answer 503 (several of them), /ready says so, /health does not. */
async function expectUnavailable(server: ServerProcess, load: ReturnType<typeof startLoad>): Promise<void> {
  const during = load.answers.length;
  await expect.poll(() => load.answers.slice(during).filter((a) => a.status === 503).length, { timeout: 10_000, interval: 20 }).toBeGreaterThan(3);
  expect(await readiness(server)).toMatchObject({ status: 503, body: { status: 'unavailable', checks: { database: { status: 'down' } } } });
  expect((await fetch(`${server.url}/health`)).status).toBe(200);
}

describe.skipIf(!usingPostgres)('a server whose PostgreSQL restarts (PostgreSQL only)', () => {
  it('answers 503 while it is down (fast, then immediate shutdown) and serves again within a second of its return, losing nothing acknowledged', async () => {
    const database = await startOwnPostgres();
    processes.defer(() => database.close());
    const hooks = await receiver();
    const server = await serverOn(database.url, hooks);
    expect(await readiness(server)).toMatchObject({ status: 200, body: { status: 'ready', checks: { database: { status: 'up' } } } });

    const load = startLoad(server.url);
    const recoveries: string[] = [];
    for (const mode of ['fast', 'immediate'] as const) {
      await load.more(20);
      await database.stop(mode);
      await expectUnavailable(server, load);
      await database.start();
      // Timed from the moment PostgreSQL takes connections again: nothing restarts kessai.
      const recovery = await timeToRecover(server.url, load.acknowledged[0]);
      expect(recovery, mode).toBeLessThan(1000);
      await expect.poll(async () => (await readiness(server)).status, { timeout: 1_000, interval: 50 }).toBe(200);
      recoveries.push(`${mode} ${Math.round(recovery)} ms`);
    }
    await load.more(20);
    await load.stop();

    const refused = await expectRodeItOut(server, load, hooks);
    expect(refused.length).toBeGreaterThan(0);
    console.info(`restarts: ${load.acknowledged.length} payments acknowledged, ${refused.length} answered 503, service back after ${recoveries.join(', ')}`);
  }, SLOW);
});

describe.skipIf(!usingPostgres)('a server given a primary and its streaming replica (PostgreSQL only)', () => {
  it('writes to the primary though the replica is listed first, and follows the replica once promoted, without a restart', async () => {
    const primary = await startOwnPostgres();
    processes.defer(() => primary.close());
    const replica = await startOwnReplica(primary);
    processes.defer(() => replica.close());
    const hooks = await receiver();
    // The standby first: libpq's rule (target_session_attrs=read-write) skips it while it is read-only.
    const server = await serverOn(`postgres://postgres@${replica.address},${primary.address}/postgres?target_session_attrs=read-write`, hooks);

    const load = startLoad(server.url);
    await load.more(20);
    // A fast shutdown sends the standby every WAL record first: whatever was acknowledged is on it.
    await primary.stop('fast');
    await expectUnavailable(server, load);
    await replica.promote();
    const recovery = await timeToRecover(server.url, load.acknowledged[0]);
    expect(recovery).toBeLessThan(1000);
    await expect.poll(async () => (await readiness(server)).status, { timeout: 1_000, interval: 50 }).toBe(200);
    await load.more(20);
    await load.stop();

    const refused = await expectRodeItOut(server, load, hooks);
    expect(refused.length).toBeGreaterThan(0);
    console.info(`promotion: ${load.acknowledged.length} payments acknowledged, ${refused.length} answered 503, service back ${Math.round(recovery)} ms after it`);
  }, SLOW);
});
