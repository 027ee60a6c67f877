import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { basicAuth, testCard } from '../helpers/harness';
import { runKessai, useProcesses, type ServerProcess } from '../helpers/processes';

const processes = useProcesses();

async function stop(process: ServerProcess): Promise<void> {
  process.child.kill('SIGTERM');
  await process.exited;
}

function call(url: string, path: string, key: string, body: unknown) {
  return fetch(`${url}${path}`, { method: 'POST', headers: { authorization: basicAuth(key), 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

// Each test starts kessai processes (two servers and a rotation in the first): slow on a busy machine.
describe('kessai vault rotate', { timeout: 240_000 }, () => {
  it('adds a key to the keyring file, re-seals the stored card with it, and the customer still pays', async () => {
    const env = processes.environment({ KESSAI_SECRET_KEY: 'sk_test_vault_cli', KESSAI_PUBLISHABLE_KEY: 'pk_test_vault_cli' });
    const keyringFile = join(env.KESSAI_DATA_DIR!, 'vault-keys.json');

    let server = await processes.server(env);
    const created = await call(server.url, '/api/v1/customers', 'sk_test_vault_cli', { payment_details: testCard({ number: '5555555555554444' }) });
    expect(created.status).toBe(200);
    const customer = (await created.json()) as { id: string };
    const oldKey = JSON.parse(readFileSync(keyringFile, 'utf8')).active;
    // PGlite's directory belongs to one process at a time: the rotation runs between two starts.
    await stop(server);

    const rotated = await runKessai(['vault', 'rotate'], env);
    expect(rotated.code, rotated.stderr).toBe(0);
    const keyring = JSON.parse(readFileSync(keyringFile, 'utf8'));
    expect(Object.keys(keyring.keys).sort()).toEqual([oldKey, keyring.active].sort());
    expect(rotated.stdout).toContain(`active key ${keyring.active}`);
    expect(rotated.stdout).toMatch(new RegExp(`customers\\.secret_details: re-sealed 1 \\(now ${keyring.active}: 1\\)`));

    server = await processes.server(env);
    const paid = await call(server.url, '/api/v1/payments', 'sk_test_vault_cli', { amount: 1000, currency: 'JPY', customer: customer.id });
    expect(paid.status).toBe(200);
    expect(((await paid.json()) as { payment_details: { last_four_digits: string } }).payment_details.last_four_digits).toBe('4444');
  });

  it('re-seals with the first KESSAI_ENCRYPTION_KEY of a list', async () => {
    const env = processes.environment();
    const [a, b] = ['a'.repeat(64), 'b'.repeat(64)];
    const migrated = await runKessai(['migrate'], { ...env, KESSAI_ENCRYPTION_KEY: a });
    expect(migrated.code, migrated.stderr).toBe(0);
    const rotated = await runKessai(['vault', 'rotate'], { ...env, KESSAI_ENCRYPTION_KEY: `${b},${a}` });
    expect(rotated.code, rotated.stderr).toBe(0);
    expect(rotated.stdout).toMatch(/^active key k[0-9a-f]{8}\n/);
    const refused = await runKessai(['vault', 'rotate'], { ...env, KESSAI_ENCRYPTION_KEY: 'not-hex' });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('KESSAI_ENCRYPTION_KEY must be 64 hex characters');
  });
});
