import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { basicAuth, testCard, usingPostgres } from '../helpers/harness';
import { runKessai, useProcesses } from '../helpers/processes';
import { expectSigned, startReceiver, type Receiver } from '../helpers/receiver';

const BIN = new URL('../../bin/kessai.js', import.meta.url).pathname;
const SECRET_KEY = 'sk_test_webhooks_processes';
// Each test starts server processes (each migrates a fresh database): seconds apiece, more on a busy machine.
const SLOW = 180_000;
const processes = useProcesses();
const server = processes.server;

function environment(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return processes.environment({ KESSAI_SECRET_KEY: SECRET_KEY, ...extra });
}

async function receiver(): Promise<Receiver> {
  const started = await startReceiver();
  processes.defer(() => started.close());
  return started;
}

async function api(base: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: basicAuth(SECRET_KEY), ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: response.status, body: await response.json() };
}

/** Every event in the log, through the API's pagination. */
async function allEventIds(base: string): Promise<string[]> {
  const ids: string[] = [];
  for (let page = 1; ; page++) {
    const { body } = await api(base, 'GET', `/api/v1/events?per_page=100&page=${page}`);
    ids.push(...body.data.map((e: { id: string }) => e.id));
    if (page >= body.last_page) return ids;
  }
}

const pay = (base: string, body: Record<string, unknown> = {}) =>
  api(base, 'POST', '/api/v1/payments', { amount: 1000, currency: 'JPY', payment_details: testCard(), ...body });

describe('webhooks across processes', () => {
  it('loses no committed event when the server is killed with SIGKILL under load', async () => {
    const hooks = await receiver();
    const env = environment({
      KESSAI_WEBHOOK_URL: hooks.url,
      KESSAI_WEBHOOK_SECRET: 'whsec_crash',
      // Claims of the killed process last twice this; the restarted one takes them over after.
      KESSAI_WEBHOOK_TIMEOUT_MS: '1000',
    });
    const first = await server(env);
    expect(first.output()).toContain(`webhook endpoint  ${hooks.url} (signing secret whsec_crash)`);

    // Four clients create payments back to back until the server dies under them.
    let stop = false;
    const acknowledged: string[] = [];
    const clients = Array.from({ length: 4 }, async () => {
      while (!stop) {
        try {
          const res = await pay(first.url);
          if (res.status === 200) acknowledged.push(res.body.id);
        } catch {
          return; // the server is gone
        }
      }
    });
    await expect.poll(() => acknowledged.length, { timeout: 20_000, interval: 20 }).toBeGreaterThan(40);
    first.child.kill('SIGKILL');
    await first.exited;
    stop = true;
    await Promise.all(clients);
    const deliveredBeforeRestart = hooks.received.length;

    const second = await server(env);
    const committed = await allEventIds(second.url);
    expect(committed.length).toBeGreaterThan(acknowledged.length); // every payment's event, and the ping
    await expect
      .poll(() => new Set(hooks.received.map((r) => r.body.id)).size, { timeout: 20_000, interval: 100 })
      .toBe(committed.length);
    // Delivered at least once, and nothing that was not committed.
    expect(new Set(hooks.received.map((r) => r.body.id))).toEqual(new Set(committed));
    for (const id of acknowledged) expect(hooks.forResource(id).length, id).toBeGreaterThan(0);
    for (const request of hooks.received) expectSigned(request, 'whsec_crash');
    // The restart kept the configured endpoint instead of adding (and pinging) another.
    expect((await api(second.url, 'GET', '/api/v1/webhooks')).body.total).toBe(1);
    // One ping event (delivery is at least once: a kill between POST and record may repeat it).
    expect(new Set(hooks.received.filter((r) => r.body.type === 'ping').map((r) => r.body.id)).size).toBe(1);
    console.info(
      `crash test: ${acknowledged.length} payments acknowledged, ${committed.length} events committed, ` +
        `${deliveredBeforeRestart} requests before the kill, ${hooks.received.length - committed.length} duplicates`,
    );
  }, SLOW);

  it.runIf(usingPostgres)('two servers on one PostgreSQL deliver each event once', async () => {
    const hooks = await receiver();
    const env = environment({ KESSAI_WEBHOOK_URL: hooks.url, KESSAI_WEBHOOK_SECRET: 'whsec_two' });
    // One after the other: the first migrates and creates the merchant.
    const servers = [await server(env), await server(env)];
    const ids: string[] = [];
    await Promise.all(
      servers.map(async (s) => {
        for (let i = 0; i < 50; i++) ids.push((await pay(s.url)).body.id);
      }),
    );
    const committed = await allEventIds(servers[0].url);
    expect(committed).toHaveLength(101);
    await expect.poll(() => hooks.received.length, { timeout: 20_000, interval: 100 }).toBe(101);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const counts = new Map<string, number>();
    for (const request of hooks.received) counts.set(request.body.id, (counts.get(request.body.id) ?? 0) + 1);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    expect(new Set(counts.keys())).toEqual(new Set(committed));
  }, SLOW);

  it('kessai listen forwards a captured payment\'s events, signed with the secret it prints', async () => {
    const hooks = await receiver();
    const env = environment();
    const running = await server(env);
    const listener = spawn(process.execPath, [BIN, 'listen', '--forward-to', hooks.url], {
      env: { ...env, PORT: new URL(running.url).port, HOST: '127.0.0.1' },
    });
    const exited = new Promise<number | null>((resolve) => listener.on('exit', (code) => resolve(code)));
    processes.defer(async () => {
      if (listener.exitCode === null) listener.kill('SIGKILL');
      await exited;
    });
    let stdout = '';
    listener.stdout.on('data', (chunk) => (stdout += chunk));
    listener.stderr.on('data', (chunk) => (stdout += chunk));
    await expect.poll(() => stdout, { timeout: 90_000, interval: 50 }).toContain('Webhook signing secret: ');
    const secret = /Webhook signing secret: (\S+)/.exec(stdout)![1];

    const payment = (await pay(running.url, { capture: false })).body;
    expect((await api(running.url, 'POST', `/api/v1/payments/${payment.id}/capture`)).status).toBe(200);
    await expect.poll(() => hooks.forResource(payment.id).map((r) => r.body.type), { timeout: 10_000, interval: 50 }).toEqual([
      'payment.authorized',
      'payment.captured',
    ]);
    const captured = hooks.forResource(payment.id)[1];
    expect(captured.headers['x-komoju-signature']).toBe(createHmac('sha256', secret).update(captured.raw).digest('hex'));
    expect(captured.headers['x-komoju-event']).toBe('payment.captured');
    expect(captured.body).toEqual((await api(running.url, 'GET', `/api/v1/events/${captured.body.id}`)).body);
    await expect.poll(() => stdout, { timeout: 5000, interval: 50 }).toMatch(new RegExp(`Z  payment\\.captured +${payment.id}  → 200 \\(\\d+ ms\\)  \\[${captured.body.id}\\]\n`));

    listener.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, SLOW);

  it('kessai listen with a kept key the server no longer knows (rolled in the dashboard) says what to do', async () => {
    const env = environment();
    const running = await server(env);
    const { KESSAI_SECRET_KEY: _configured, ...withoutKey } = env;
    writeFileSync(join(env.KESSAI_DATA_DIR!, 'default-merchant-keys.json'), JSON.stringify({ secret_key: 'sk_test_rolled_away', publishable_key: 'pk_test_kept' }));
    const result = await runKessai(['listen', '--forward-to', 'http://127.0.0.1:9/hooks'], { ...withoutKey, PORT: new URL(running.url).port, HOST: '127.0.0.1' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('The server refused the key (401)');
    expect(result.stderr).toContain('set KESSAI_SECRET_KEY to the new key');
  }, SLOW);

  it('kessai webhooks add, list and remove manage the default merchant\'s endpoints', async () => {
    const hooks = await receiver();
    const env = environment();
    expect((await runKessai(['merchants', 'create', '--name', 'Shop', '--secret-key', SECRET_KEY], env)).code).toBe(0);

    const added = await runKessai(['webhooks', 'add', '--url', hooks.url, '--events', 'payment.captured', '--secret', 'whsec_cli', '--json'], env);
    expect(added.code, added.stderr).toBe(0);
    const endpoint = JSON.parse(added.stdout);
    expect(endpoint).toMatchObject({ resource: 'webhook', url: hooks.url, events: ['payment.captured'], secret_token: 'whsec_cli', active: true });
    const refused = await runKessai(['webhooks', 'add', '--url', hooks.url, '--events', 'payment.capturd'], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('payment.capturd is not an event type');
    expect((await runKessai(['webhooks', 'list'], env)).stdout).toBe(`${endpoint.id}  active    ${hooks.url}  (payment.captured)\n`);

    // A server started afterwards delivers the ping the CLI queued, then events.
    const running = await server(env);
    const payment = (await pay(running.url)).body;
    await expect.poll(() => hooks.received.map((r) => r.body.type), { timeout: 10_000, interval: 50 }).toEqual(['ping', 'payment.captured']);
    expect(hooks.forResource(payment.id)).toHaveLength(1);
    for (const request of hooks.received) expectSigned(request, 'whsec_cli');
    running.child.kill('SIGTERM');
    await running.exited;

    const removed = await runKessai(['webhooks', 'remove', endpoint.id], env);
    expect(removed.stdout).toBe(`removed ${endpoint.id} (${hooks.url})\n`);
    expect((await runKessai(['webhooks', 'list', '--json'], env)).stdout).toBe('[]\n');
  }, SLOW);
});
