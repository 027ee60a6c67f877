import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEBHOOK_EVENT_TYPES } from '../../src/domain/webhooks';
import { basicAuth } from '../helpers/harness';
import { isolatedEnv, runKessai, startLiveServer, startServer, type ServerProcess } from '../helpers/processes';
import { expectSigned, startReceiver, type Receiver } from '../helpers/receiver';

const BIN = new URL('../../bin/kessai.js', import.meta.url).pathname;
const SECRET_KEY = 'sk_test_trigger_cli';
// One server for the file; every trigger is a `kessai` process (a second or two each, more under load).
const SLOW = 600_000;

/** The events each trigger must produce, in order: written out here, not read from the catalogue. */
const EVENT_CHAINS: Record<string, string[]> = {
  'payment.authorized': ['payment.authorized'],
  'payment.captured': ['payment.captured'],
  'payment.updated': ['payment.captured', 'payment.updated'],
  'payment.failed': ['payment.failed'],
  'payment.expired': ['payment.authorized', 'payment.expired'],
  'payment.cancelled': ['payment.authorized', 'payment.cancelled'],
  'payment.refund.created': ['payment.captured', 'payment.refund.created'],
  'payment.refunded': ['payment.captured', 'payment.refund.created', 'payment.refunded'],
  'customer.created': ['customer.created'],
  'customer.updated': ['customer.created', 'customer.updated'],
  'customer.deleted': ['customer.created', 'customer.deleted'],
  'chargeback.created': ['payment.captured', 'chargeback.created'],
  'chargeback.accepted': ['payment.captured', 'chargeback.created', 'chargeback.accepted'],
  'chargeback.defended': ['payment.captured', 'chargeback.created', 'chargeback.defended'],
  'chargeback.won': ['payment.captured', 'chargeback.created', 'chargeback.defended', 'chargeback.won'],
  'chargeback.lost': ['payment.captured', 'chargeback.created', 'chargeback.defended', 'chargeback.lost'],
  'chargeback.expired': ['payment.captured', 'chargeback.created', 'chargeback.expired'],
  'subscription.created': ['customer.created', 'subscription.created', 'subscription.captured', 'payment.captured'],
  'subscription.captured': ['customer.created', 'subscription.created', 'subscription.captured', 'subscription.captured', 'payment.captured', 'payment.captured'],
  'subscription.failed': ['customer.created', 'subscription.created', 'subscription.failed', 'payment.failed'],
  'subscription.suspended': [
    'customer.created',
    'subscription.created',
    ...Array<string>(4).fill('subscription.failed'),
    'subscription.suspended',
    ...Array<string>(4).fill('payment.failed'),
  ],
  'subscription.deleted': ['customer.created', 'subscription.created', 'subscription.captured', 'subscription.deleted', 'payment.captured'],
  'settlement.created': ['payment.captured', 'settlement.created'],
  'settlement.paid': ['payment.captured', 'settlement.created', 'settlement.paid'],
  'disbursement.created': ['payment.captured', 'disbursement.created'],
  'disbursement.paid': ['payment.captured', 'disbursement.created', 'disbursement.paid'],
  'disbursement.failed': ['payment.captured', 'disbursement.created', 'disbursement.failed'],
  'disbursement.cancelled': ['payment.captured', 'disbursement.created', 'disbursement.cancelled'],
};

const STORY_CHAINS: Record<string, string[]> = {
  'konbini.paid': ['payment.authorized', 'payment.captured'],
  'konbini.expired': ['payment.authorized', 'payment.expired'],
  'bank_transfer.paid': ['payment.authorized', 'payment.captured'],
  'bank_transfer.expired': ['payment.authorized', 'payment.expired'],
  'pay_easy.paid': ['payment.authorized', 'payment.captured'],
  'pay_easy.expired': ['payment.authorized', 'payment.expired'],
  'paypay.approved': ['payment.authorized', 'payment.captured'],
  'paypay.declined': ['payment.authorized', 'payment.failed'],
  'paypay.cancelled': ['payment.authorized', 'payment.cancelled'],
  '3ds.passed': ['payment.captured'],
  '3ds.failed': [],
  'refund_request.completed': ['payment.authorized', 'payment.captured', 'payment.updated', 'payment.refund.created', 'payment.refunded'],
  'refund_request.rejected': ['payment.authorized', 'payment.captured', 'payment.updated', 'payment.updated'],
};

interface Listener {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

let isolated: ReturnType<typeof isolatedEnv>;
let server: ServerProcess;
/** The environment of CLI commands: the server's data directory, its key, HOST and PORT (PostgreSQL has no lock to find it by). */
let cli: NodeJS.ProcessEnv;
let hooks: Receiver;
let listener: Listener;
let secret: string;
const listeners: Listener[] = [];
const receivers: Receiver[] = [];

/** `kessai listen ARGS`, resolved once it printed its signing secret (on stdout, or stderr with --format json). */
async function listen(args: string[], env: NodeJS.ProcessEnv): Promise<Listener> {
  const child = spawn(process.execPath, [BIN, 'listen', ...args], { env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const started = { child, stdout: () => stdout, stderr: () => stderr, exited };
  listeners.push(started);
  // A plain wait, not expect.poll: the first listener starts in beforeAll.
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`kessai listen did not start:\n${stdout}${stderr}`)), 120_000);
    const check = () => {
      if (!(stdout + stderr).includes('Webhook signing secret: ')) return;
      clearTimeout(timer);
      resolve();
    };
    child.stdout.on('data', check);
    child.stderr.on('data', check);
    child.on('exit', () => reject(new Error(`kessai listen exited:\n${stdout}${stderr}`)));
  });
  return started;
}

async function receiver(): Promise<Receiver> {
  const started = await startReceiver();
  receivers.push(started);
  return started;
}

async function trigger(args: string[], env = cli): Promise<any> {
  const run = await runKessai(['trigger', ...args, '--json'], env);
  expect(run.code, `trigger ${args.join(' ')}: ${run.stderr}`).toBe(0);
  return JSON.parse(run.stdout);
}

async function api(path: string): Promise<any> {
  return (await fetch(`${server.url}${path}`, { headers: { authorization: basicAuth(SECRET_KEY) } })).json();
}

/** The main listener's lines (--format json), parsed: every line must be JSON. */
const forwardedLines = () => listener.stdout().split('\n').filter(Boolean).map((line) => JSON.parse(line));

/** Each event the trigger reports reached the receiver through `kessai listen`, signed, and was printed with its answer. */
async function expectForwarded(result: { events: { id: string; type: string; resource_id: string }[] }): Promise<void> {
  for (const event of result.events) {
    await expect.poll(() => hooks.received.filter((r) => r.body?.id === event.id).length, { timeout: 20_000, interval: 50 }).toBe(1);
    const request = hooks.received.find((r) => r.body.id === event.id)!;
    expectSigned(request, secret);
    expect(request.body).toMatchObject({ type: event.type, data: { id: event.resource_id } });
    await expect.poll(() => forwardedLines().find((line) => line.event_id === event.id), { timeout: 5000, interval: 50 }).toMatchObject({
      type: event.type,
      resource_id: event.resource_id,
      status: 200,
      ok: true,
    });
  }
}

beforeAll(async () => {
  isolated = isolatedEnv();
  const env = { ...isolated.env, KESSAI_SECRET_KEY: SECRET_KEY };
  server = await startServer(env);
  cli = { ...env, PORT: new URL(server.url).port, HOST: '127.0.0.1' };
  hooks = await receiver();
  listener = await listen(['--forward-to', hooks.url, '--format', 'json'], cli);
  secret = /Webhook signing secret: (\S+)/.exec(listener.stderr())![1];
}, SLOW);

afterAll(async () => {
  for (const started of listeners) {
    if (started.child.exitCode === null) started.child.kill('SIGKILL');
    await started.exited;
  }
  if (server?.child.exitCode === null) {
    server.child.kill('SIGKILL');
    await server.exited;
  }
  for (const started of receivers) await started.close();
  await isolated?.cleanup();
});

describe('kessai trigger', () => {
  it('triggers every event type kessai sends, each received signed through a real kessai listen', async () => {
    expect(Object.keys(EVENT_CHAINS).sort()).toEqual([...WEBHOOK_EVENT_TYPES].sort());
    expect(listener.stderr()).toContain(`Following events of ${server.url}`);
    for (const [name, chain] of Object.entries(EVENT_CHAINS)) {
      const result = await trigger([name]);
      expect(result.trigger).toBe(name);
      expect(result.events.map((e: { type: string }) => e.type), name).toEqual(chain);
      expect(result.objects.length, name).toBeGreaterThan(0);
      await expectForwarded(result);
    }
  }, SLOW);

  it('tells each customer story with its chain of events, every one forwarded', async () => {
    for (const [name, chain] of Object.entries(STORY_CHAINS)) {
      const result = await trigger([name]);
      expect(result.events.map((e: { type: string }) => e.type), name).toEqual(chain);
      await expectForwarded(result);
      if (name.endsWith('.expired')) expect(result.notes.join(' ')).toContain("moved this merchant's test clock forward");
      if (name.startsWith('3ds.')) expect(result.objects[0]).toMatchObject({ resource: 'secure_token', status: name === '3ds.passed' ? 'OK' : 'ERRORED' });
    }
    const payment = (await trigger(['paypay.declined'])).objects[0];
    expect((await api(`/api/v1/payments/${payment.id}`)).status).toBe('failed');
  }, SLOW);

  it('applies --override to the request bodies, by step', async () => {
    const captured = await trigger(['payment.captured', '--override', 'amount=5000', '--override', 'metadata.order=42', '--override', 'payment:description=from the test']);
    expect(await api(`/api/v1/payments/${captured.objects[0].id}`)).toMatchObject({ amount: 5000, metadata: { order: '42' }, description: 'from the test' });
    const refunded = await trigger(['payment.refund.created', '--override', 'refund:amount=300']);
    expect((await api(`/api/v1/payments/${refunded.objects[0].id}`)).amount_refunded).toBe(300);

    const noStep = await runKessai(['trigger', 'payment.captured', '--override', 'refund:amount=1'], cli);
    expect(noStep.code).toBe(2);
    expect(noStep.stderr).toBe("kessai: --override refund:amount=1: payment.captured has no step 'refund' (its steps: payment)\n");
    const refused = await runKessai(['trigger', 'payment.captured', '--override', 'amount=-5'], cli);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^kessai: POST \/api\/v1\/payments answered 422 \w+: .*\n$/);
  }, SLOW);

  it('lists, refuses unknown names with exit 2, prints for people, and takes --server and --api-key', async () => {
    const list = await runKessai(['trigger', '--list'], cli);
    const names = [...Object.keys(EVENT_CHAINS), ...Object.keys(STORY_CHAINS)];
    expect(list.stdout.trim().split('\n').map((line) => line.split(' ')[0])).toEqual(names);
    const listed = JSON.parse((await runKessai(['trigger', '--list', '--json'], cli)).stdout);
    expect(listed.map((story: { name: string }) => story.name)).toEqual(names);

    const unknown = await runKessai(['trigger', 'payment.capturd'], cli);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.split('\n')).toHaveLength(2);
    expect(unknown.stderr).toMatch(/^kessai: unknown event 'payment.capturd'\. Valid: payment\.authorized, .*konbini\.paid, .*3ds\.failed/);

    const text = await runKessai(['trigger', 'konbini.expired'], cli);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(new RegExp(`^Triggered konbini.expired on ${server.url}\n  payment +\\w{25}  expired  \\(konbini, 1100 JPY\\)\nEvents:\n  payment.authorized +\\w{25}`));
    expect(text.stdout).toMatch(/\nNote: moved this merchant's test clock forward by \d+ s/);

    // Another directory, no key in the environment: the flags alone say where and as whom.
    const { KESSAI_SECRET_KEY: _key, PORT: _port, ...elsewhere } = cli;
    const flagged = await trigger(['customer.created', '--server', server.url, '--api-key', SECRET_KEY], { ...elsewhere, KESSAI_DATA_DIR: mkdtempSync(join(tmpdir(), 'kessai-trigger-')) });
    expect(flagged.server).toBe(server.url);
    expect((await api(`/api/v1/customers/${flagged.objects[0].id}`)).id).toBe(flagged.objects[0].id);
  }, SLOW);

  it('refuses a wrong key in one line, as kessai run does, exit 1', async () => {
    const wrong = await runKessai(['trigger', 'konbini.paid', '--api-key', 'sk_test_wrong'], cli);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toBe(`kessai: the server at ${server.url} refused the API key (401): give the merchant's secret key with --api-key\n`);
  }, SLOW);

  it("refuses a live merchant's key in one line, exit 2, before making anything", async () => {
    const live = isolatedEnv();
    const { server: liveServer, key } = await startLiveServer(live.env);
    try {
      const elsewhere = { ...isolated.env, KESSAI_DATA_DIR: mkdtempSync(join(tmpdir(), 'kessai-trigger-live-')) };
      for (const name of ['payment.captured', 'customer.created', 'konbini.expired']) {
        const refused = await runKessai(['trigger', name, '--server', liveServer.url, '--api-key', key], elsewhere);
        expect(refused.code, refused.stdout).toBe(2);
        expect(refused.stdout).toBe('');
        expect(refused.stderr).toBe(
          `kessai: the server at ${liveServer.url} says this key is a live merchant's (GET /api/v1/test_helpers/clock answered 403), and kessai trigger works in test mode only: nothing was made. Use a test-mode merchant's secret key\n`,
        );
      }
      for (const list of ['payments', 'customers']) {
        const answer = await (await fetch(`${liveServer.url}/api/v1/${list}`, { headers: { authorization: basicAuth(key) } })).json();
        expect(answer.data, list).toEqual([]);
      }
    } finally {
      liveServer.child.kill('SIGKILL');
      await liveServer.exited;
      await live.cleanup();
    }
  }, SLOW);
});

describe('kessai listen', () => {
  it('--events filters, --server and --api-key choose the server, a failed forward shows its status and the start of the body', async () => {
    const failing = await receiver();
    failing.respond = (_request, response) => void response.writeHead(500).end(`Receiver broke: ${'z'.repeat(300)}`);
    const { KESSAI_SECRET_KEY: _key, ...keyless } = cli;
    const env = { ...keyless, KESSAI_DATA_DIR: mkdtempSync(join(tmpdir(), 'kessai-listen-')) };
    const filtered = await listen(['--forward-to', failing.url, '--events', 'payment.refunded', '--server', server.url, '--api-key', SECRET_KEY], env);
    expect(filtered.stdout()).toContain(`Following events of ${server.url} (--server)\nReady! Forwarding events from ${server.url} to ${failing.url} (only payment.refunded)`);

    const result = await trigger(['payment.refunded']);
    const refunded = result.events.find((e: { type: string }) => e.type === 'payment.refunded');
    await expect.poll(() => failing.received.length, { timeout: 20_000, interval: 50 }).toBe(1);
    expect(failing.received[0].body.id).toBe(refunded.id);
    const line = `  payment.refunded        ${refunded.resource_id}  → 500 (`;
    await expect.poll(() => filtered.stdout(), { timeout: 5000, interval: 50 }).toContain(line);
    const printed = filtered.stdout().split('\n').find((l) => l.includes(line))!;
    expect(printed).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z  payment\.refunded +\w{25}  → 500 \(\d+ ms\)  \[\w{25}\]  Receiver broke: z+$/);
    expect(printed.endsWith(`Receiver broke: ${'z'.repeat(200 - 'Receiver broke: '.length)}`)).toBe(true);
    // The events before it were skipped, in order, and nothing else came.
    expect(failing.received.map((r) => r.body.type)).toEqual(['payment.refunded']);

    const refused = await runKessai(['listen', '--forward-to', failing.url, '--events', 'payment.capturd'], cli);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^kessai: --events: payment.capturd is not an event type/);
  }, SLOW);

  it('keeps its signing secret in the data directory across runs until --new-secret; in memory, one per run', async () => {
    const printed = async (args: string[], env = cli) => {
      const run = await runKessai(['listen', '--print-secret', ...args], env);
      expect(run.code, run.stderr).toBe(0);
      return run.stdout;
    };
    expect(await printed([])).toBe(`${secret}\n`);
    expect(await printed([])).toBe(`${secret}\n`);
    const renewed = await printed(['--new-secret']);
    expect(renewed).toMatch(/^\w{32}\n$/);
    expect(renewed).not.toBe(`${secret}\n`);
    expect(await printed([])).toBe(renewed);

    const again = await listen(['--forward-to', hooks.url], cli);
    expect(again.stdout()).toContain(`Webhook signing secret: ${renewed.trim()} (kept in ${join(cli.KESSAI_DATA_DIR!, 'listen-secret')})`);
    again.child.kill('SIGTERM');
    expect(await again.exited).toBe(0);

    const memory = { ...cli, KESSAI_DATA_DIR: 'memory://' };
    expect(await printed([], memory)).not.toBe(await printed([], memory));
  }, SLOW);
});
