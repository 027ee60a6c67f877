import { describe, expect, it, vi } from 'vitest';
import { basicAuth, testCard } from '../helpers/harness';
import { runKessai, useProcesses, type ServerProcess } from '../helpers/processes';

// `kessai reset` with real processes: through the running server's API while it holds the
// embedded data directory, on the database otherwise. Starting servers is slow.
vi.setConfig({ testTimeout: 240_000 });

const processes = useProcesses();
const KEY = 'sk_test_cli_reset';

function apiOf(server: ServerProcess) {
  const headers = { authorization: basicAuth(KEY), 'content-type': 'application/json' };
  return async (method: 'GET' | 'POST', path: string, body?: unknown): Promise<any> => {
    const response = await fetch(`${server.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    expect(response.status, path).toBe(200);
    return response.json();
  };
}

/** Two payments (one refunded in part), a customer and a webhook endpoint (and its ping: 5 events); the clock an hour ahead. */
async function seed(server: ServerProcess): Promise<void> {
  const api = apiOf(server);
  await api('POST', '/api/v1/webhooks', { url: 'http://127.0.0.1:9/hooks' });
  const paid = await api('POST', '/api/v1/payments', { amount: 1000, currency: 'JPY', payment_details: testCard() });
  await api('POST', `/api/v1/payments/${paid.id}/refund`, { amount: 100 });
  await api('POST', '/api/v1/payments', { amount: 2000, currency: 'JPY', payment_details: { type: 'konbini', store: 'lawson', email: 'taro@example.com' } });
  await api('POST', '/api/v1/customers', { email: 'taro@example.com' });
  await api('POST', '/api/v1/test_helpers/clock/advance', { seconds: 3600 });
}

/** What the API shows after a reset: no payments or customers, the endpoint, the clock at real time. */
async function expectReset(server: ServerProcess): Promise<void> {
  const api = apiOf(server);
  expect((await api('GET', '/api/v1/payments')).total).toBe(0);
  expect((await api('GET', '/api/v1/customers')).total).toBe(0);
  expect((await api('GET', '/api/v1/webhooks')).data.map((w: { url: string }) => w.url)).toEqual(['http://127.0.0.1:9/hooks']);
  expect((await api('GET', '/api/v1/test_helpers/clock')).offset_seconds).toBe(0);
}

describe('kessai reset', () => {
  it("goes through the server holding the embedded data directory (which it could not open itself)", async () => {
    const env = { ...processes.environment(), DATABASE_URL: '', KESSAI_SECRET_KEY: KEY };
    const server = await processes.server(env);
    await seed(server);

    const run = await runKessai(['reset', '--json'], env);
    expect(run.code, run.stderr).toBe(0);
    const answer = JSON.parse(run.stdout);
    expect(answer).toMatchObject({ resource: 'test_data_reset', payments: 2, refunds: 1, customers: 1, events: 5, webhook_deliveries: 5, sessions: 0 });
    expect(answer.clock).toMatchObject({ resource: 'test_clock', offset_seconds: 0 });
    await expectReset(server);

    const again = await runKessai(['reset'], env);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/^there was no test data to delete\nthe test clock is back at real time \(\d{4}-\d\d-\d\dT[\d:]+Z\)\n$/);

    // A seeded merchant's clock starts over at the seed's frozen epoch, not at real time.
    await apiOf(server)('POST', '/api/v1/test_helpers/seed', { seed: 7 });
    const seeded = await runKessai(['reset'], env);
    expect(seeded.code, seeded.stderr).toBe(0);
    expect(seeded.stdout).toBe("there was no test data to delete\nthe test clock is back at the seeded merchant's start (2029-12-31T15:00:00Z)\n");
  });

  it('opens the database when no server runs; refuses a live merchant and an unknown one', async () => {
    const env = { ...processes.environment(), KESSAI_SECRET_KEY: KEY };
    let server = await processes.server(env);
    await seed(server);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);

    const run = await runKessai(['reset'], env);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('deleted:\n');
    // The captured card payment's ledger lines (total, fee, fee tax) and its refund's go too.
    for (const line of ['payments              2', 'refunds               1', 'customers             1', 'events                5', 'webhook_deliveries    5', 'balance_transactions  4']) {
      expect(run.stdout).toContain(`  ${line}\n`);
    }
    expect(run.stdout).not.toContain('sessions');

    const live = JSON.parse((await runKessai(['merchants', 'create', '--name', 'Live shop', '--mode', 'live', '--json'], env)).stdout);
    const refused = await runKessai(['reset', '--merchant', live.id], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe('kessai: Test data can be deleted in test mode only.\n');
    const unknown = await runKessai(['reset', '--merchant', 'nosuchmerchant'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe('kessai: No merchant nosuchmerchant\n');

    server = await processes.server(env);
    await expectReset(server);
  });
});
