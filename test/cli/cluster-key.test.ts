import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { basicAuth, testCard } from '../helpers/harness';
import { freePort, runKessai, useProcesses, type ServerProcess } from '../helpers/processes';

const BIN = new URL('../../bin/kessai.js', import.meta.url).pathname;
const SECRET_KEY = 'sk_test_cluster_key';
const [A, B] = ['a'.repeat(64), 'b'.repeat(64)];
// kessai's id of each key: `k` and the first 8 hex digits of the key's SHA-256 (vault.ts).
const ID_A = 'kffe054fe';

const processes = useProcesses();

/** `kessai serve` that is expected to refuse: its exit code and output, or a failure if it starts. */
function refusedServe(env: NodeJS.ProcessEnv, port: number): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'serve'], { env: { ...env, PORT: String(port), HOST: '127.0.0.1' } });
    let output = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stdout.on('data', (chunk) => {
      output += chunk;
      if (output.includes('publishable key')) child.kill('SIGKILL'); // it started: the check below fails
    });
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

async function stop(server: ServerProcess): Promise<void> {
  server.child.kill('SIGTERM');
  await server.exited;
}

const post = (url: string, path: string, body: unknown) =>
  fetch(`${url}${path}`, { method: 'POST', headers: { authorization: basicAuth(SECRET_KEY), 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('one encryption key for every process on a database', { timeout: 240_000 }, () => {
  it('refuses to serve with another KESSAI_ENCRYPTION_KEY, serves during a rotation, and then refuses the old key alone', async () => {
    const env = processes.environment({ KESSAI_SECRET_KEY: SECRET_KEY });
    let server = await processes.server({ ...env, KESSAI_ENCRYPTION_KEY: A });
    const created = await post(server.url, '/api/v1/customers', { payment_details: testCard({ number: '5555555555554444' }) });
    expect(created.status).toBe(200);
    const customer = (await created.json()) as { id: string };
    await stop(server);

    // Another key: one line naming the setting and the key the database expects, exit code 1.
    const refused = await refusedServe({ ...env, KESSAI_ENCRYPTION_KEY: B }, await freePort());
    expect(refused.code, refused.output).toBe(1);
    expect(refused.output).toContain(`kessai: KESSAI_ENCRYPTION_KEY does not hold the key this database's secrets are sealed with (key id ${ID_A})`);
    expect(refused.output.trim().split('\n')).toHaveLength(1);
    expect(refused.output).not.toContain(A);

    // A rotation: the new key first, the recorded one after it. It starts, and opens the old card.
    server = await processes.server({ ...env, KESSAI_ENCRYPTION_KEY: `${B},${A}` });
    const paid = await post(server.url, '/api/v1/payments', { amount: 1000, currency: 'JPY', customer: customer.id });
    expect(paid.status).toBe(200);
    await stop(server);

    // The new key is the cluster's now: the old one alone cannot open what it seals.
    const old = await runKessai(['migrate'], { ...env, KESSAI_ENCRYPTION_KEY: A });
    expect(old.code).toBe(1);
    expect(old.stderr).toContain('KESSAI_ENCRYPTION_KEY does not hold');
    // Nor does a process that has no key set (a keyring file of its own).
    const none = await runKessai(['migrate'], { ...env, KESSAI_ENCRYPTION_KEY: '' });
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('KESSAI_ENCRYPTION_KEY is not set');
  });
});
