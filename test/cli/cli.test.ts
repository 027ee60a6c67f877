import { describe, expect, it, vi } from 'vitest';
import { basicAuth, testCard } from '../helpers/harness';
import { runKessai, useProcesses } from '../helpers/processes';

// Each test starts real `kessai` processes (tsx + database start-up: seconds each, more on a busy
// machine), so the per-test limit is generous.
vi.setConfig({ testTimeout: 180_000 });

const processes = useProcesses();
const environment = () => processes.environment();

async function pay(url: string, key: string) {
  return fetch(`${url}/api/v1/payments`, {
    method: 'POST',
    headers: { authorization: basicAuth(key), 'content-type': 'application/json' },
    body: JSON.stringify({ amount: 1000, currency: 'JPY', payment_details: testCard() }),
  });
}

describe('kessai merchants', () => {
  it('create --json prints id and keys that work, and methods changes what it accepts', async () => {
    const env = environment();
    const created = await runKessai(['merchants', 'create', '--name', 'Shop', '--json'], env);
    expect(created.code).toBe(0);
    const merchant = JSON.parse(created.stdout);
    expect(Object.keys(merchant)).toEqual(['id', 'secret_key', 'publishable_key']);
    expect(merchant.id).toMatch(/^[a-z0-9]{25}$/);
    expect(merchant.secret_key).toMatch(/^sk_test_[a-z0-9]{32}$/);
    expect(merchant.publishable_key).toMatch(/^pk_test_[a-z0-9]{32}$/);

    const disabled = await runKessai(['merchants', 'methods', merchant.id, '--disable', 'credit_card'], env);
    expect(disabled.code).toBe(0);
    expect(disabled.stdout.split('\n')).not.toContain('credit_card');

    let server = await processes.server(env);
    const refused = await pay(server.url, merchant.secret_key);
    expect(refused.status).toBe(422);
    expect((await refused.json()).error.code).toBe('invalid_payment_type');
  });

  it('methods refuses an unknown type', async () => {
    const env = environment();
    const merchant = JSON.parse((await runKessai(['merchants', 'create', '--name', 'Shop', '--json'], env)).stdout);
    const result = await runKessai(['merchants', 'methods', merchant.id, '--enable', 'bitcoin'], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Unknown payment types: bitcoin');
  });

  it('fees shows the defaults, sets a merchant\'s own rate that its next capture uses, and resets it', async () => {
    const env = environment();
    const merchant = JSON.parse((await runKessai(['merchants', 'create', '--name', 'Shop', '--json'], env)).stdout);
    const shown = await runKessai(['merchants', 'fees', merchant.id], env);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toMatch(/^konbini\s+2\.75 %  \(default\)$/m);
    const set = await runKessai(['merchants', 'fees', merchant.id, '--set', 'credit_card=2.5+30', '--json'], env);
    expect(set.code, set.stderr).toBe(0);
    expect(JSON.parse(set.stdout)).toContainEqual({ payment_type: 'credit_card', rate_bp: 250, fixed_fee: 30, own: true });
    const server = await processes.server(env);
    expect((await pay(server.url, merchant.secret_key)).status).toBe(200);
    const lines = await fetch(`${server.url}/api/v1/balances/JPY/transactions`, { headers: { authorization: basicAuth(merchant.secret_key) } });
    // 1100 × 2.5 % = 27.5 → 28, + 30 = 58.
    expect((await lines.json()).data.find((l: { type: string }) => l.type === 'fee').amount_cents).toBe(58);
    server.child.kill('SIGTERM');
    await server.exited;
    const reset = await runKessai(['merchants', 'fees', merchant.id, '--reset', 'credit_card', '--json'], env);
    expect(JSON.parse(reset.stdout)).toContainEqual({ payment_type: 'credit_card', rate_bp: 360, fixed_fee: 0, own: false });
    const refused = await runKessai(['merchants', 'fees', merchant.id, '--set', 'bitcoin=1'], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('Unknown payment type: bitcoin');
    expect((await runKessai(['merchants', 'fees', merchant.id, '--set', 'credit_card=3,6'], env)).code).not.toBe(0);
  });

  it('list shows every merchant, the default first; methods and users create act as the default merchant unless told', async () => {
    const env = environment();
    const shop = JSON.parse((await runKessai(['merchants', 'create', '--name', 'Shop', '--json'], env)).stdout);
    const other = JSON.parse((await runKessai(['merchants', 'create', '--name', 'Other', '--mode', 'live', '--json'], env)).stdout);
    const listed = await runKessai(['merchants', 'list', '--json'], env);
    expect(listed.code, listed.stderr).toBe(0);
    const merchants = JSON.parse(listed.stdout);
    expect(merchants.map((m: { id: string; name: string; mode: string }) => [m.id, m.name, m.mode])).toEqual([
      [shop.id, 'Shop', 'test'],
      [other.id, 'Other', 'live'],
    ]);
    expect(merchants[0].created_at).toMatch(/^\d{4}-\d\d-\d\dT/);
    const text = await runKessai(['merchants', 'list'], env);
    expect(text.stdout.split('\n')[0]).toMatch(new RegExp(`^${shop.id}  test  \\S+  Shop  \\(default\\)$`));

    const methods = await runKessai(['merchants', 'methods', '--disable', 'konbini'], env);
    expect(methods.code, methods.stderr).toBe(0);
    expect(methods.stdout.split('\n')).not.toContain('konbini');
    const user = await runKessai(['users', 'create', '--email', 'ops@shop.example', '--password', 'long enough secret'], env);
    expect(user.code, user.stderr).toBe(0);
    expect(user.stdout).toContain(`of merchant ${shop.id}`);
  });

  it('migrate applies the schema once', async () => {
    const env = environment();
    const first = await runKessai(['migrate'], env);
    expect(first.stdout).toContain('applied: 0001_init');
    const second = await runKessai(['migrate'], env);
    expect(second.stdout).toContain('up to date');
  });
});

describe('kessai serve', () => {
  it('creates the default merchant with the configured keys and prints them', async () => {
    const env = { ...environment(), KESSAI_SECRET_KEY: 'degica-mart-test', KESSAI_PUBLISHABLE_KEY: 'pk_degica-mart-test' };
    let server = await processes.server(env);
    expect(server.output()).toContain('secret key        degica-mart-test');
    expect(server.output()).toContain(`${server.url}/api/v1`);
    const res = await pay(server.url, 'degica-mart-test');
    expect(res.status).toBe(200);
    expect((await pay(server.url, 'pk_degica-mart-test')).status).toBe(403);
  });

  it('generates keys when none are configured and shows the same keys after a restart', async () => {
    const env = environment();
    let server = await processes.server(env);
    const secret = /secret key\s+(sk_test_[a-z0-9]{32})/.exec(server.output())?.[1];
    expect(secret).toBeDefined();
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);

    server = await processes.server(env);
    expect(server.output()).toContain(secret!);
    expect((await pay(server.url, secret!)).status).toBe(200);
  });

  it('finishes in-flight requests on SIGTERM, then exits 0', async () => {
    const env = { ...environment(), KESSAI_SECRET_KEY: 'sk_test_graceful' };
    let server = await processes.server(env);
    const inFlight = Array.from({ length: 20 }, () => pay(server.url, 'sk_test_graceful'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    server.child.kill('SIGTERM');
    const results = await Promise.allSettled(inFlight);
    expect(await server.exited, server.output()).toBe(0);
    const answered = results.filter((r): r is PromiseFulfilledResult<Response> => r.status === 'fulfilled');
    // Requests the server had accepted are answered in full; none is cut off with a 5xx.
    expect(answered.length).toBeGreaterThan(0);
    for (const result of answered) expect(result.value.status).toBe(200);
  });
});
