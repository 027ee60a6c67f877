import { describe, expect, it } from 'vitest';
import { runKessai, useProcesses } from '../helpers/processes';
import { startReceiver } from '../helpers/receiver';

// `kessai serve --role api|worker|all` on one PostgreSQL: API processes run no jobs, worker
// processes serve only their probes and metrics, and every job is done once whatever the mix.
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
    'api processes queue webhooks that worker processes deliver, each once; a worker serves only its probes and metrics (PostgreSQL only)',
    async () => {
      const hooks = await startReceiver();
      processes.defer(() => hooks.close());
      const env = processes.environment({ KESSAI_SECRET_KEY: SECRET_KEY, KESSAI_WEBHOOK_URL: hooks.url, KESSAI_WEBHOOK_SECRET: 'whsec_roles' });
      const [apiOne, apiTwo] = [await processes.server({ ...env, KESSAI_ROLE: 'api' }), await processes.server({ ...env, KESSAI_ROLE: 'api' })];
      expect(apiOne.output()).toContain('role              api');
      const auth = { authorization: `Basic ${Buffer.from(`${SECRET_KEY}:`).toString('base64')}`, 'content-type': 'application/json' };
      const pay = (base: string) =>
        fetch(`${base}/api/v1/payments`, { method: 'POST', headers: auth, body: JSON.stringify({ amount: 1000, currency: 'JPY', payment_details: { type: 'credit_card', number: '4111111111111111', month: 12, year: 2040, verification_value: '123' } }) });
      const ids: string[] = [];
      for (let i = 0; i < 6; i++) {
        const res = await pay(i % 2 ? apiTwo.url : apiOne.url);
        expect(res.status).toBe(200);
        ids.push(((await res.json()) as { id: string }).id);
      }
      // No process delivers yet.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(hooks.received).toEqual([]);

      const workers = [await processes.server({ ...env, KESSAI_ROLE: 'worker' }), await processes.server({ ...env, KESSAI_ROLE: 'worker' })];
      expect(workers[0].output()).toContain('role              worker');
      await expect.poll(() => ids.every((id) => hooks.forResource(id).length > 0), { timeout: 20_000, interval: 100 }).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      for (const id of ids) expect(hooks.forResource(id).map((r) => r.body.type)).toEqual(['payment.captured']);

      const worker = workers[0].url;
      expect((await fetch(`${worker}/health`)).status).toBe(200);
      expect((await fetch(`${worker}/ready`)).status).toBe(200);
      expect((await fetch(`${worker}/metrics`)).status).toBe(200);
      const api = await fetch(`${worker}/api/v1/payments`, { headers: auth });
      expect(api.status).toBe(404);
      expect(((await api.json()) as { error: { code: string } }).error.code).toBe('not_found');
      expect((await fetch(`${worker}/dashboard`)).status).toBe(404);
    },
    SLOW,
  );
});
