import { describe, expect, it, vi } from 'vitest';
import { runKessai, useProcesses } from '../helpers/processes';

// `kessai webhooks simulate` on the database (no server running; through a server:
// test/cli/safety.test.ts). Real processes: slow.
vi.setConfig({ testTimeout: 240_000 });

const processes = useProcesses();

describe('kessai webhooks simulate', () => {
  it('sets the faults given (replacing the others), shows them in list, turns them off with --off, and refuses no flag at all', async () => {
    const env = processes.environment();
    const merchant = await runKessai(['merchants', 'create', '--name', 'Shop'], env);
    expect(merchant.code, merchant.stderr).toBe(0);
    const added = await runKessai(['webhooks', 'add', '--url', 'http://127.0.0.1:9/hooks', '--json'], env);
    expect(added.code, added.stderr).toBe(0);
    const id = JSON.parse(added.stdout).id as string;

    const set = await runKessai(['webhooks', 'simulate', id, '--bad-signature', '--out-of-order', '10', '--json'], env);
    expect(set.code, set.stderr).toBe(0);
    expect(JSON.parse(set.stdout).simulate).toEqual({ duplicate: false, out_of_order: { window_seconds: 10 }, delay_seconds: 0, bad_signature: true, wrong_content_type: false });

    const replaced = await runKessai(['webhooks', 'simulate', id, '--duplicate', '--delay', '5'], env);
    expect(replaced.stdout).toBe(`${id}  active    http://127.0.0.1:9/hooks  (all events)  simulating: duplicate, delay 5 s\n`);
    const list = await runKessai(['webhooks', 'list'], env);
    expect(list.stdout).toContain('simulating: duplicate, delay 5 s');

    const none = await runKessai(['webhooks', 'simulate', id], env);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('name the faults to simulate');
    const badDelay = await runKessai(['webhooks', 'simulate', id, '--delay', '3601'], env);
    expect(badDelay.code).not.toBe(0);
    expect(badDelay.stderr).toContain('0 to 3600');

    const off = await runKessai(['webhooks', 'simulate', id, '--off'], env);
    expect(off.stdout).toBe(`${id}  active    http://127.0.0.1:9/hooks  (all events)\n`);
  });
});
