import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { allCommands, buildProgram } from '../../src/cli/program';
import { LOCK_FILE } from '../../src/cli/lock';
import { basicAuth, testCard } from '../helpers/harness';
import { freePort, runKessai, useProcesses, type ServerProcess } from '../helpers/processes';

// Two engines on one PGlite directory lose writes or abort (issue 15): with a server running, every
// command that opens the database goes through the server or refuses. Real processes: slow.
vi.setConfig({ testTimeout: 480_000 });

const processes = useProcesses();
const KEY = 'sk_test_cli_safety';
/** Commands that never open the database. */
const NO_DATABASE = ['serve', 'health', 'listen', 'trigger', 'run'];

type Run = Awaited<ReturnType<typeof runKessai>>;
interface Api {
  webhooks(): Promise<{ id: string; url: string; simulate: { duplicate: boolean; delay_seconds: number } }[]>;
  addWebhook(url: string): Promise<string>;
}

/**
 * Each command that opens the database, as run while the server holds the directory, and what it
 * must do: `through` checks a command the server carried out (its change is visible through the
 * API at once; `after` checks it again after a restart); without `through` it must refuse.
 */
const COMMANDS: Record<string, { args: string[]; through?: (run: Run, api: Api) => Promise<void> }> = {
  migrate: { args: ['migrate'] },
  'merchants create': { args: ['merchants', 'create', '--name', 'Second shop'] },
  'merchants list': { args: ['merchants', 'list'] },
  'merchants methods': { args: ['merchants', 'methods', '--disable', 'konbini'] },
  'merchants fees': { args: ['merchants', 'fees', '--set', 'konbini=2.75+0'] },
  'users create': { args: ['users', 'create', '--email', 'ops@shop.example', '--password', 'long enough secret'] },
  'vault rotate': { args: ['vault', 'rotate'] },
  'webhooks add': {
    args: ['webhooks', 'add', '--url', 'http://127.0.0.1:9/added-by-cli'],
    through: async (run, api) => expect((await api.webhooks()).map((w) => w.url)).toContain('http://127.0.0.1:9/added-by-cli'),
  },
  'webhooks list': {
    args: ['webhooks', 'list'],
    through: async (run, api) => {
      for (const webhook of await api.webhooks()) expect(run.stdout).toContain(webhook.id);
    },
  },
  // Deletes test data, and keeps the endpoints.
  reset: {
    args: ['reset'],
    through: async (run, api) => expect((await api.webhooks()).length).toBeGreaterThan(0),
  },
  'webhooks simulate': {
    // The id is one the test adds through the API first (SIMULATED below).
    args: ['webhooks', 'simulate', 'SIMULATED', '--duplicate', '--delay', '5'],
    through: async (run, api) =>
      expect((await api.webhooks()).find((w) => w.url === 'http://127.0.0.1:9/simulated')?.simulate).toMatchObject({ duplicate: true, delay_seconds: 5 }),
  },
  'webhooks remove': {
    // The id is the one the test adds through the API first (REMOVED below).
    args: ['webhooks', 'remove', 'REMOVED'],
    through: async (run, api) => expect((await api.webhooks()).map((w) => w.url)).not.toContain('http://127.0.0.1:9/to-remove'),
  },
};

function apiOf(server: ServerProcess): Api {
  const headers = { authorization: basicAuth(KEY), 'content-type': 'application/json' };
  return {
    async webhooks() {
      return ((await (await fetch(`${server.url}/api/v1/webhooks?per_page=100`, { headers })).json()) as { data: Awaited<ReturnType<Api['webhooks']>> }).data;
    },
    async addWebhook(url) {
      return ((await (await fetch(`${server.url}/api/v1/webhooks`, { method: 'POST', headers, body: JSON.stringify({ url }) })).json()) as { id: string }).id;
    },
  };
}

async function pay(server: ServerProcess): Promise<number> {
  const response = await fetch(`${server.url}/api/v1/payments`, {
    method: 'POST',
    headers: { authorization: basicAuth(KEY), 'content-type': 'application/json' },
    body: JSON.stringify({ amount: 1000, currency: 'JPY', payment_details: testCard() }),
  });
  return response.status;
}

/** An embedded directory of its own, whichever database the rest of the suite uses. */
const embedded = (): NodeJS.ProcessEnv => ({ ...processes.environment(), DATABASE_URL: '', KESSAI_SECRET_KEY: KEY });
const lockOf = (env: NodeJS.ProcessEnv) => JSON.parse(readFileSync(join(env.KESSAI_DATA_DIR!, LOCK_FILE), 'utf8')) as { pid: number; url: string };

describe('CLI safety with a server on an embedded data directory', () => {
  it('the table covers every command of the program that opens the database', () => {
    const leaves = allCommands(buildProgram()).filter((command) => command.commands.length === 0);
    const names = leaves.map((command) => [command.parent?.parent ? command.parent.name() : null, command.name()].filter(Boolean).join(' '));
    expect(names.filter((name) => !NO_DATABASE.includes(name)).sort()).toEqual(Object.keys(COMMANDS).sort());
  });

  it('every command goes through the server (visible at once and after a restart) or refuses in one line; a second serve refuses', async () => {
    const env = embedded();
    let server = await processes.server(env);
    const lock = lockOf(env);
    expect(lock).toMatchObject({ pid: server.child.pid, url: server.url });
    const api = apiOf(server);
    const removed = await api.addWebhook('http://127.0.0.1:9/to-remove');
    const simulated = await api.addWebhook('http://127.0.0.1:9/simulated');
    const refusal = `kessai: kessai serve (pid ${lock.pid}, ${server.url}) is using ${env.KESSAI_DATA_DIR} — stop it and run this command again, or use PostgreSQL (DATABASE_URL), which processes can share\n`;

    for (const [name, { args, through }] of Object.entries(COMMANDS)) {
      const run = await runKessai(args.map((arg) => (arg === 'REMOVED' ? removed : arg === 'SIMULATED' ? simulated : arg)), env);
      if (through) {
        expect(run.code, `${name}: ${run.stderr}`).toBe(0);
        await through(run, api);
      } else {
        expect(run.code, name).not.toBe(0);
        expect(run.stderr, name).toBe(refusal);
      }
    }

    // The server was given its key (as --secret-key would): a webhooks command that does not know it
    // cannot go through the server, and says how it could.
    const { KESSAI_SECRET_KEY: _key, ...keyless } = env;
    const unknownKey = await runKessai(['webhooks', 'list'], keyless);
    expect(unknownKey.code).not.toBe(0);
    expect(unknownKey.stderr).toBe(refusal.replace(' or use PostgreSQL', " set KESSAI_SECRET_KEY to the server's secret key (this command then goes through it), or use PostgreSQL"));

    const second = await runKessai(['serve', '--port', String(await freePort())], env);
    expect(second.code).toBe(1);
    expect(second.stderr).toBe(
      `kessai: kessai serve (pid ${lock.pid}, ${server.url}) is using ${env.KESSAI_DATA_DIR} — stop it, or start this one with another --data-dir (or --memory)\n`,
    );
    expect(await pay(server)).toBe(200);

    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(existsSync(join(env.KESSAI_DATA_DIR!, LOCK_FILE))).toBe(false);
    server = await processes.server(env);
    const after = apiOf(server);
    const webhooksList = await runKessai(['webhooks', 'list'], env);
    for (const [, { through }] of Object.entries(COMMANDS)) if (through) await through(webhooksList, after);
    expect(await pay(server)).toBe(200);
  });

  it("a killed server's stale lock is taken over by the next serve, and by a CLI command", async () => {
    const env = embedded();
    let server = await processes.server(env);
    server.child.kill('SIGKILL');
    await server.exited;
    expect(lockOf(env).pid).toBe(server.child.pid);

    server = await processes.server(env);
    expect(lockOf(env)).toMatchObject({ pid: server.child.pid, url: server.url });
    expect(await pay(server)).toBe(200);
    server.child.kill('SIGKILL');
    await server.exited;

    const listed = await runKessai(['merchants', 'list'], env);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toMatch(/^[a-z0-9]{25} {2}test {2}\S+ {2}Default merchant {2}\(default\)\n$/);
    expect(existsSync(join(env.KESSAI_DATA_DIR!, LOCK_FILE))).toBe(false);
  });
});
