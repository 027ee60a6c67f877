import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { runKessai, useProcesses } from '../helpers/processes';
import { startReceiver } from '../helpers/receiver';

// `kessai serve --role api|worker|all` on one PostgreSQL: API processes run no jobs, worker
// processes serve only their probes and metrics, and every job (webhook delivery, expiry) is done
// once whatever the mix.
const usingPostgres = Boolean(process.env.DATABASE_URL);
const SECRET_KEY = 'sk_test_roles';
const SLOW = 120_000;
const processes = useProcesses();

describe('kessai serve --role', () => {
  it('refuses api and worker on the embedded database, which belongs to one process', async () => {
    const env = processes.environment({ DATABASE_URL: '' });
    const refused = await runKessai(['serve', '--role', 'api'], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('KESSAI_ROLE=api needs PostgreSQL (DATABASE_URL)');
    const unknown = await runKessai(['serve', '--role', 'cron'], env);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toMatch(/Allowed choices are all, api, worker/);
  });

  it.runIf(usingPostgres)(
    'api processes queue webhooks and leave expiries that worker processes do, each once; a worker serves only its probes and metrics (PostgreSQL only)',
    async () => {
      const hooks = await startReceiver();
      processes.defer(() => hooks.close());
      const env = processes.environment({ KESSAI_SECRET_KEY: SECRET_KEY, KESSAI_WEBHOOK_URL: hooks.url, KESSAI_WEBHOOK_SECRET: 'whsec_roles' });
      const apis = [await processes.server({ ...env, KESSAI_ROLE: 'api' }), await processes.server({ ...env, KESSAI_ROLE: 'api' })];
      expect(apis[0].output()).toContain('role              api');
      const captured = await createPayments(apis.map((api) => api.url), 6, true);
      const due = await createPayments(apis.map((api) => api.url), 4, false);
      await moveDeadlinesToThePast(env.KESSAI_DATABASE_SCHEMA!, due);
      // Longer than the expiry sweep's 5 s period: an api process that swept or delivered would have by now.
      await new Promise((resolve) => setTimeout(resolve, 6_500));
      expect(hooks.received).toEqual([]);
      for (const id of due) expect((await get(apis[0].url, id)).status).toBe('authorized');

      const workers = [await processes.server({ ...env, KESSAI_ROLE: 'worker' }), await processes.server({ ...env, KESSAI_ROLE: 'worker' })];
      expect(workers[0].output()).toContain('role              worker');
      // More work while both workers run: they race for the same deliveries.
      captured.push(...(await createPayments(apis.map((api) => api.url), 6, true)));
      const delivered = (id: string) => hooks.forResource(id).map((r) => r.body.type as string);
      await expect.poll(() => due.every((id) => delivered(id).includes('payment.expired')), { timeout: 30_000, interval: 200 }).toBe(true);
      await expect.poll(() => captured.every((id) => delivered(id).length > 0), { timeout: 20_000, interval: 100 }).toBe(true);
      // Longer than another sweep period: a second expiry or delivery would show by now.
      await new Promise((resolve) => setTimeout(resolve, 6_000));
      for (const id of captured) expect(delivered(id)).toEqual(['payment.captured']);
      for (const id of due) expect(delivered(id)).toEqual(['payment.authorized', 'payment.expired']);
      for (const id of due) expect((await get(apis[1].url, id)).status).toBe('expired');
      const events = await listEvents(apis[0].url, 'payment.expired');
      expect(events.map((event) => event.data.id).sort()).toEqual([...due].sort());
      await expectOnlyProbes(workers[0].url);
    },
    SLOW,
  );
});

const auth = { authorization: `Basic ${Buffer.from(`${SECRET_KEY}:`).toString('base64')}`, 'content-type': 'application/json' };

/** `count` card payments spread over the API processes in turn; captured, or only authorized. */
async function createPayments(bases: string[], count: number, capture: boolean): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const body = { amount: 1000, currency: 'JPY', capture, payment_details: { type: 'credit_card', number: '4111111111111111', month: 12, year: 2040, verification_value: '123' } };
    const res = await fetch(`${bases[i % bases.length]}/api/v1/payments`, { method: 'POST', headers: auth, body: JSON.stringify(body) });
    expect(res.status).toBe(200);
    ids.push(((await res.json()) as { id: string }).id);
  }
  return ids;
}

async function get(base: string, id: string): Promise<{ status: string }> {
  return (await (await fetch(`${base}/api/v1/payments/${id}`, { headers: auth })).json()) as { status: string };
}

async function listEvents(base: string, type: string): Promise<{ data: { id: string } }[]> {
  const res = await fetch(`${base}/api/v1/events?type=${type}&per_page=100`, { headers: auth });
  return ((await res.json()) as { data: { data: { id: string } }[] }).data;
}

/** An authorized card payment waits days for its capture: bring its deadline to now, in the database every process shares. */
async function moveDeadlinesToThePast(schema: string, ids: string[]): Promise<void> {
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  try {
    const moved = await client.query(`UPDATE "${schema}".payments SET payment_deadline = now() - interval '1 second' WHERE id = ANY($1)`, [ids]);
    expect(moved.rowCount).toBe(ids.length);
  } finally {
    await client.end();
  }
}

/** A worker answers its probes and metrics, and nothing of the API or the pages. */
async function expectOnlyProbes(worker: string): Promise<void> {
  expect((await fetch(`${worker}/health`)).status).toBe(200);
  expect((await fetch(`${worker}/ready`)).status).toBe(200);
  expect((await fetch(`${worker}/metrics`)).status).toBe(200);
  const api = await fetch(`${worker}/api/v1/payments`, { headers: auth });
  expect(api.status).toBe(404);
  expect(((await api.json()) as { error: { code: string } }).error.code).toBe('not_found');
  expect((await fetch(`${worker}/dashboard`)).status).toBe(404);
}
