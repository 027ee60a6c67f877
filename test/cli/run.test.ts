import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { stringify as toYaml } from 'yaml';
import { basicAuth } from '../helpers/harness';
import { isolatedEnv, runKessai, startLiveServer, startServer, type ServerProcess } from '../helpers/processes';

// `kessai run` is a process of its own (tsx start-up) against one shared `kessai serve`.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 180_000 });

const EXAMPLES = new URL('../../examples/scenarios/', import.meta.url).pathname;
const EVERY_ACTION = new URL('./scenarios/every-action.json', import.meta.url).pathname;
const files = mkdtempSync(join(tmpdir(), 'kessai-scenarios-'));

let server: ServerProcess;
let cleanup: () => Promise<void>;
/** The environment of the server: `kessai run` finds it (and its key) from the data directory. */
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  const isolated = isolatedEnv();
  cleanup = isolated.cleanup;
  server = await startServer(isolated.env);
  // PostgreSQL leaves no lock with the URL: HOST and PORT say where the server is.
  const { port } = new URL(server.url);
  env = { ...isolated.env, HOST: '127.0.0.1', PORT: port };
});

afterAll(async () => {
  server?.child.kill('SIGKILL');
  await server?.exited;
  await cleanup?.();
});

function scenarioFile(name: string, scenario: unknown): string {
  const path = join(files, name);
  writeFileSync(path, name.endsWith('.json') ? JSON.stringify(scenario) : toYaml(scenario));
  return path;
}

const run = (...args: string[]) => runKessai(['run', ...args], env);

describe('kessai run: the example scenarios', () => {
  const examples = readdirSync(EXAMPLES).filter((name) => /\.(ya?ml|json)$/.test(name));

  it('has the flows of the issue', () => {
    expect(examples).toEqual(
      expect.arrayContaining(['hosted-page-konbini-paid-later.yaml', 'konbini-expired.yaml', 'bank-transfer-refund-request.yaml', 'one-click-saved-card.yaml', 'card-3d-secure.yaml', 'subscription-renewals.yaml']),
    );
  });

  it.each(examples)('%s passes against a running server', async (name) => {
    const result = await run(join(EXAMPLES, name));
    expect(result.stderr).toBe('');
    expect(result.code, result.stdout).toBe(0);
    const steps = result.stdout.split('\n').filter((line) => /^[✓✗-] /.test(line));
    expect(steps.length).toBeGreaterThan(2);
    expect(steps.every((line) => line.startsWith('✓'))).toBe(true);
    expect(result.stdout).toMatch(new RegExp(`${steps.length} of ${steps.length} steps passed`));
  });
});

describe('kessai run: customer actions and references', () => {
  it('runs a scenario with every kind of customer action (JSON, --json report)', async () => {
    const result = await run(EVERY_ACTION, '--json');
    expect(result.code, result.stdout).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ scenario: 'Every customer action', passed: true, seed: null, server: server.url });
    expect(report.steps.map((step: { result: string }) => step.result)).toEqual(Array(report.steps.length).fill('passed'));
    const did = (id: string) => report.steps.find((step: { id: string }) => step.id === id).did as string;
    expect(did('konbini_paid')).toMatch(/^paid \w+ \(POST \/test_helpers\/payments\/:id\/pay\) → 200$/);
    expect(did('pay_easy_failed')).toMatch(/with insufficient_funds .* then payment\.failed \w+$/);
    expect(did('deposited')).toMatch(/^deposited the transfer/);
    expect(did('approved')).toMatch(/action=approve\) → 200$/);
    expect(did('declined')).toMatch(/action=decline\) → 200$/);
    expect(did('abandoned')).toMatch(/action=cancel\) → 200$/);
    expect(did('cancel_event')).toMatch(/^got payment\.cancelled \w+$/);
    expect(did('passed')).toMatch(/^3-D Secure pass for tok_\w+ \(challenge, password 123456\)/);
    expect(did('failed_3ds')).toMatch(/^3-D Secure fail for tok_\w+ \(challenge, password 000000\)/);
    expect(did('later')).toBe('advanced the clock 1805 s → 200');
  });

  it('resolves references: whole values keep their type, inside text they are written in', async () => {
    const konbini = { method: 'POST', path: '/payments', body: { amount: 500, currency: 'JPY', payment_details: { type: 'konbini', store: 'lawson', email: 'a@example.com' } } };
    const key = `scenario-${Date.now()}`;
    const path = scenarioFile('references.yaml', {
      name: 'references',
      steps: [
        { id: 'first', request: { method: 'POST', path: '/payments', body: { amount: 1234, currency: 'JPY', payment_details: { type: 'konbini', store: 'lawson', email: 'a@example.com' } } } },
        {
          id: 'second',
          request: {
            method: 'POST',
            path: '/payments',
            body: { amount: '${steps.first.body.amount}', currency: 'JPY', external_order_num: 'after-${steps.first.id}', payment_details: { type: '${steps.first.payment_details.type}', store: 'lawson', email: 'a@example.com' } },
          },
          expect: { amount: 1234, external_order_num: 'after-${steps.first.id}', 'payment_details.type': 'konbini', http_status: 200 },
        },
        { request: { method: 'GET', path: '/payments/${steps.second.id}' }, expect: { id: '${steps.second.id}', amount: '${steps.first.amount}' } },
        { id: 'once', request: { ...konbini, idempotency_key: key } },
        { request: { ...konbini, idempotency_key: key }, expect: { id: '${steps.once.id}' } },
        { request: { method: 'GET', path: '/payments/${steps.nowhere.id}' } },
      ],
    });
    const result = await run(path);
    expect(result.code, result.stdout).toBe(1);
    expect(result.stdout).toMatch(/^✓ {2}1 first/m);
    expect(result.stdout).toMatch(/^✓ {2}2 second/m);
    expect(result.stdout).toMatch(/^✓ {2}3 #3/m);
    expect(result.stdout).toMatch(/^✓ {2}4 once/m);
    // The same idempotency key answers the same payment.
    expect(result.stdout).toMatch(/^✓ {2}5 #5/m);
    expect(result.stdout).toContain('FAILED at step 6 (#6): unknown reference ${steps.nowhere.id}: no earlier step has the id "nowhere" (earlier ids: first, second, once)');
  });

  it('an unknown field of an earlier answer fails the step naming it', async () => {
    const path = scenarioFile('missing-field.json', {
      name: 'missing field',
      steps: [{ id: 'clock', advance_clock: { seconds: 1 } }, { request: { method: 'GET', path: '/payments/${steps.clock.body.nope}' } }],
    });
    const result = await run(path);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('FAILED at step 2 (#2): unknown reference ${steps.clock.body.nope}: step "clock" has no body.nope');
  });
});

describe('kessai run: failures', () => {
  it('a wrong expectation exits 1 naming the step and the difference; later steps are not run', async () => {
    const example = readFileSync(join(EXAMPLES, 'konbini-expired.yaml'), 'utf8');
    const broken = scenarioFile('broken.yaml', { name: 'broken', steps: [] });
    // The example with its deadline one day short: the payment is still authorized.
    writeFileSync(broken, example.replace('past_deadline\n    advance_clock: { days: 2 }', 'past_deadline\n    advance_clock: { hours: 1 }'));
    const result = await run(broken);
    expect(result.code, result.stdout).toBe(1);
    expect(result.stdout).toMatch(/^✗ {2}5 expired +GET \/payments\/\w+ → 200 {2}\(\d+ ms\)$/m);
    expect(result.stdout).toContain('FAILED at step 5 (expired): the answer is not as expected\n  status: expected "expired", got "authorized"');
    expect(result.stdout).toMatch(/^- {2}6 too_late +not run$/m);
    expect(result.stdout).toContain('4 of 6 steps passed');

    const json = JSON.parse((await run(broken, '--json')).stdout);
    expect(json.passed).toBe(false);
    expect(json.steps[4]).toMatchObject({ id: 'expired', result: 'failed', failure: { mismatches: [{ path: 'status', expected: 'expired', actual: 'authorized' }] } });
  });

  it('an error answer fails the step unless the scenario expects its status', async () => {
    const path = scenarioFile('error.yaml', {
      name: 'error answer',
      steps: [{ id: 'bad', request: { method: 'POST', path: '/payments', body: { amount: 1000, currency: 'JPY' } } }],
    });
    const result = await run(path);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/FAILED at step 1 \(bad\): answered 4\d\d \w+: .*\(add expect: \{http_status: 4\d\d\} if that is intended\)/);
  });

  it('a frictionless 3-D Secure card decides by itself: asking it for the other result fails', async () => {
    const card = { type: 'credit_card', number: '4100000000000100', month: 12, year: 2035, verification_value: '123', name: 'Taro Yamada' };
    const token = { method: 'POST', path: '/secure_tokens', body: { amount: 900, currency: 'JPY', return_url: 'https://shop.example/3ds', payment_details: card } };
    const path = scenarioFile('frictionless.yaml', {
      name: 'frictionless',
      steps: [
        { id: 'ok', request: token },
        { authenticate: { secure_token: '${steps.ok.id}', result: 'pass' }, expect: { verification_status: 'OK' } },
        { id: 'again', request: token },
        { id: 'wrong', authenticate: { secure_token: '${steps.again.id}', result: 'fail' } },
      ],
    });
    const result = await run(path);
    expect(result.code, result.stdout).toBe(1);
    expect(result.stdout).toMatch(/^✓ {2}2 #2 +3-D Secure pass for tok_\w+ \(frictionless\) → 200/m);
    expect(result.stdout).toContain('FAILED at step 4 (wrong): verification_status is "OK", not ERRORED: the card is frictionless, it decides the outcome');
  });

  it('an event that never comes fails after its timeout, showing the nearest one', async () => {
    const path = scenarioFile('no-event.yaml', {
      name: 'no event',
      steps: [
        { id: 'slip', request: { method: 'POST', path: '/payments', body: { amount: 1000, currency: 'JPY', payment_details: { type: 'konbini', store: 'lawson', email: 'a@example.com' } } } },
        { expect_event: { type: 'payment.authorized', 'data.amount': 999, timeout_seconds: 1 } },
      ],
    });
    const result = await run(path);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/FAILED at step 2 \(#2\): no payment\.authorized event matching within 1 s; the newest payment\.authorized \(\w+\) differs: data\.amount: expected 999, got 1000/);
  });
});

describe('kessai run: bad files and usage exit 2', () => {
  const bad = async (name: string, scenario: unknown) => {
    const result = await run(scenarioFile(name, scenario));
    expect(result.stdout).toBe('');
    expect(result.code).toBe(2);
    return result.stderr;
  };
  const pay = { id: 'pay', pay: { payment: 'x' } };

  it('names the bad field', async () => {
    expect(await bad('typo.yaml', { name: 'n', steps: [pay, { pay: { paymnt: 'x' } }] })).toMatch(/typo\.yaml: steps\[1\]\.pay\.paymnt: unknown field\n$/);
    expect(await bad('required.json', { name: 'n', steps: [{ fail: { code: 'x' } }] })).toMatch(/steps\[0\]\.fail\.payment: required/);
    expect(await bad('method.yaml', { name: 'n', steps: [{ request: { method: 'FETCH', path: '/payments' } }] })).toMatch(
      /steps\[0\]\.request\.method: must be one of "GET", "POST", "PATCH", "PUT", "DELETE"/,
    );
    expect(await bad('result.yaml', { name: 'n', steps: [{ authenticate: { secure_token: 'tok', result: 'maybe' } }] })).toMatch(/steps\[0\]\.authenticate\.result: must be one of "pass", "fail"/);
    expect(await bad('no-name.yaml', { steps: [pay] })).toMatch(/: name: required/);
    expect(await bad('two.yaml', { name: 'n', steps: [{ pay: { payment: 'x' }, approve: { payment: 'x' } }] })).toMatch(/steps\[0\]: one action per step, found pay and approve/);
    expect(await bad('none.yaml', { name: 'n', steps: [{ id: 'x' }] })).toMatch(/steps\[0\]: no action/);
    expect(await bad('clock.yaml', { name: 'n', steps: [{ advance_clock: {} }] })).toMatch(/steps\[0\]\.advance_clock: give seconds, minutes, hours or days/);
    expect(await bad('ids.yaml', { name: 'n', steps: [pay, pay] })).toMatch(/steps\[1\]\.id: "pay" is already the id of an earlier step/);
  });

  it('refuses files that do not parse or do not exist, and bad flags', async () => {
    const yaml = join(files, 'broken-syntax.yaml');
    writeFileSync(yaml, 'name: x\nsteps: [\n');
    const json = join(files, 'broken-syntax.json');
    writeFileSync(json, '{"name": ');
    for (const [path, message] of [
      [yaml, /broken-syntax\.yaml is not valid YAML/],
      [json, /broken-syntax\.json is not valid JSON/],
      [join(files, 'absent.yaml'), /cannot read .*absent\.yaml: ENOENT/],
    ] as const) {
      const result = await run(path);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(message);
    }
    const seed = await run(EVERY_ACTION, '--seed', 'abc');
    expect(seed.code).toBe(2);
    expect(seed.stderr).toContain('must be a non-negative integer');
    expect((await runKessai(['run'], env)).code).toBe(2);
  });
});

describe('kessai run: formats, servers and keys', () => {
  const scenario = {
    name: 'both formats',
    steps: [
      { id: 'clock', request: { method: 'GET', path: '/test_helpers/clock' }, expect: { resource: 'test_clock' } },
      { advance_clock: { seconds: 1 }, expect: { offset_seconds: '${steps.clock.offset_seconds}' } },
    ],
  };

  it('reads the same scenario from YAML and JSON (and a failure shows the same in both)', async () => {
    for (const name of ['same.yaml', 'same.yml', 'same.json']) {
      const result = await run(scenarioFile(name, scenario));
      expect(result.code, result.stdout).toBe(1);
      expect(result.stdout).toMatch(/FAILED at step 2 \(#2\): the answer is not as expected\n {2}offset_seconds: expected \d+, got \d+/);
    }
    const fixed = { ...scenario, steps: [scenario.steps[0], { advance_clock: { seconds: 1 } }] };
    for (const name of ['ok.yaml', 'ok.json']) expect((await run(scenarioFile(name, fixed))).code).toBe(0);
  });

  it('takes --server and --api-key, and refuses a wrong key with exit 2', async () => {
    const key = JSON.parse(readFileSync(join(env.KESSAI_DATA_DIR!, 'default-merchant-keys.json'), 'utf8')).secret_key as string;
    const elsewhere = { ...process.env, KESSAI_DATA_DIR: mkdtempSync(join(tmpdir(), 'kessai-empty-')), LOG_LEVEL: 'warn' };
    const path = scenarioFile('keys.yaml', { name: 'keys', steps: [scenario.steps[0]] });
    const ok = await runKessai(['run', path, '--server', server.url, '--api-key', key], elsewhere);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain(`on ${server.url}`);
    const wrong = await runKessai(['run', path, '--server', server.url, '--api-key', 'sk_test_wrong'], elsewhere);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('refused the API key (401)');
    const none = await runKessai(['run', path, '--server', server.url], elsewhere);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('no API key');
  });

  it('finds the server as trigger and listen do: with no server on the data directory, KESSAI_PUBLIC_URL before HOST and PORT', async () => {
    const key = JSON.parse(readFileSync(join(env.KESSAI_DATA_DIR!, 'default-merchant-keys.json'), 'utf8')).secret_key as string;
    const elsewhere = { ...process.env, KESSAI_DATA_DIR: mkdtempSync(join(tmpdir(), 'kessai-empty-')), LOG_LEVEL: 'warn', KESSAI_SECRET_KEY: key };
    const path = scenarioFile('public-url.yaml', { name: 'public url', steps: [scenario.steps[0]] });
    // Port 9 (discard) answers nothing: only KESSAI_PUBLIC_URL leads to the server.
    const found = await runKessai(['run', path], { ...elsewhere, HOST: '127.0.0.1', PORT: '9', KESSAI_PUBLIC_URL: server.url });
    expect(found.code, found.stderr).toBe(0);
    expect(found.stdout).toContain(`on ${server.url}`);
  });
});

/** A stand-in server for --seed: what it was asked, in order, and whether it knows seeds. */
async function seedServer(knowsSeeds: boolean): Promise<{ url: string; requests: string[]; close: () => Promise<void> }> {
  const requests: string[] = [];
  const http: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      requests.push(`${request.method} ${request.url} ${body}`.trim());
      const send = (status: number, answer: unknown) => response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
      if (request.url === '/api/v1/test_helpers/seed') return knowsSeeds ? send(200, { seed: JSON.parse(body).seed }) : send(404, { error: { code: 'not_found', message: 'Not found' } });
      if (request.url === '/api/v1/test_helpers/clock') return send(200, { resource: 'test_clock', now: '2026-01-01T00:00:00Z', offset_seconds: 0 });
      if (request.url?.startsWith('/api/v1/events')) return send(200, { resource: 'list', data: [] });
      return send(200, { ok: true });
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, requests, close: () => new Promise((resolve) => http.close(() => resolve())) };
}

describe('kessai run --seed', () => {
  const path = () => scenarioFile('seeded.yaml', { name: 'seeded', steps: [{ request: { method: 'GET', path: '/ping' }, expect: { ok: true } }] });

  it('asks the server for the seed before the first step', async () => {
    const fake = await seedServer(true);
    try {
      const result = await run(path(), '--seed', '42', '--server', fake.url, '--api-key', 'sk_test_x');
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain('(seed 42)');
      // Test mode checked, the test data deleted, then the seed: before the first step.
      expect(fake.requests.slice(0, 3)).toEqual(['GET /api/v1/test_helpers/clock', 'POST /api/v1/test_helpers/reset {}', 'POST /api/v1/test_helpers/seed {"seed":42}']);
      expect(fake.requests.at(-1)).toBe('GET /api/v1/ping');
      expect(result.stdout).toContain('The merchant stays seeded with 42 (its test data was deleted first); unseed it with POST /api/v1/test_helpers/seed {"seed": null}\n');
    } finally {
      await fake.close();
    }
  });

  it('says so when the server does not support seeds', async () => {
    const fake = await seedServer(false);
    try {
      const result = await run(path(), '--seed', '7', '--server', fake.url, '--api-key', 'sk_test_x');
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`the server at ${fake.url} does not support seeds (POST /api/v1/test_helpers/seed answered 404)`);
      expect(fake.requests).toEqual(['GET /api/v1/test_helpers/clock', 'POST /api/v1/test_helpers/reset {}', 'POST /api/v1/test_helpers/seed {"seed":7}']);
    } finally {
      await fake.close();
    }
  });

  it('runs the same scenario twice on one server with the same report, ids included: the test data is deleted before seeding', async () => {
    const path = scenarioFile('seeded-twice.yaml', {
      name: 'seeded twice',
      steps: [
        { id: 'konbini', request: { method: 'POST', path: '/payments', body: { amount: 700, currency: 'JPY', payment_details: { type: 'konbini', store: 'lawson', email: 'a@example.com' } } } },
        { request: { method: 'GET', path: '/payments/${steps.konbini.id}' }, expect: { id: '${steps.konbini.id}', created_at: '2029-12-31T15:00:00Z' } },
        { pay: { payment: '${steps.konbini.id}' } },
        { id: 'customer', request: { method: 'POST', path: '/customers', body: { email: 'b@example.com' } } },
        { request: { method: 'GET', path: '/customers/${steps.customer.id}' } },
      ],
    });
    const reports = [];
    for (const round of [1, 2]) {
      const result = await run(path, '--seed', '4242', '--json');
      expect(result.code, `round ${round}: ${result.stdout}${result.stderr}`).toBe(0);
      const report = JSON.parse(result.stdout);
      expect(report.note).toBe('The merchant stays seeded with 4242 (its test data was deleted first); unseed it with POST /api/v1/test_helpers/seed {"seed": null}');
      reports.push({ ...report, steps: report.steps.map(({ ms: _ms, ...step }: { ms: number }) => step) });
    }
    expect(reports[1]).toEqual(reports[0]);
    expect(reports[0].steps[1].did).toMatch(/^GET \/payments\/\w{25} → 200$/);
    // The merchant stays seeded, as the report says: the shop's own calls draw from the seed too.
    const key = JSON.parse(readFileSync(join(env.KESSAI_DATA_DIR!, 'default-merchant-keys.json'), 'utf8')).secret_key as string;
    const headers = { authorization: basicAuth(key), 'content-type': 'application/json' };
    const clock = await (await fetch(`${server.url}/api/v1/test_helpers/clock`, { headers })).json();
    expect(clock.now).toBe('2029-12-31T15:00:00Z');
    const unseeded = await fetch(`${server.url}/api/v1/test_helpers/seed`, { method: 'POST', headers, body: JSON.stringify({ seed: null }) });
    expect(unseeded.status).toBe(200);
  });
});

describe('kessai run: test mode only', () => {
  it("refuses a live merchant's key in one line, exit 2, before the first step", async () => {
    const live = isolatedEnv();
    const { server: liveServer, key } = await startLiveServer(live.env);
    try {
      const path = scenarioFile('live.yaml', {
        name: 'live',
        steps: [{ request: { method: 'POST', path: '/customers', body: { email: 'live@example.com' } } }],
      });
      const elsewhere = { ...process.env, KESSAI_DATA_DIR: mkdtempSync(join(tmpdir(), 'kessai-run-live-')), LOG_LEVEL: 'warn' };
      for (const seed of [[], ['--seed', '5']]) {
        const refused = await runKessai(['run', path, '--server', liveServer.url, '--api-key', key, ...seed], elsewhere);
        expect(refused.code, refused.stdout).toBe(2);
        expect(refused.stdout).toBe('');
        expect(refused.stderr).toBe(
          `kessai run: the server at ${liveServer.url} says this key is a live merchant's (GET /api/v1/test_helpers/clock answered 403), and kessai run works in test mode only: nothing was made. Use a test-mode merchant's secret key\n`,
        );
      }
      const customers = await (await fetch(`${liveServer.url}/api/v1/customers`, { headers: { authorization: basicAuth(key) } })).json();
      expect(customers.data).toEqual([]);
    } finally {
      liveServer.child.kill('SIGKILL');
      await liveServer.exited;
      await live.cleanup();
    }
  });
});
