import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { inMemory, loadConfig, withFlags } from '../../src/config';
import { basicAuth, testCard } from '../helpers/harness';
import { freePort, runKessai } from '../helpers/processes';
import { useServers } from './serve-process';

// Real `kessai` processes: seconds each to start on a busy 2-core machine.
vi.setConfig({ testTimeout: 240_000 });

const start = useServers();
const version = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
const emptyDirectory = () => mkdtempSync(join(tmpdir(), 'kessai-flags-'));
/** The environment without any of kessai's own variables, so that only what a test sets counts. */
function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(PORT|HOST|DATABASE_URL|KESSAI_.*)$/.test(name)));
  return { ...env, LOG_LEVEL: 'warn', ...extra };
}

describe('kessai flags', () => {
  it("serve's flags win over the variables they stand for, and --memory sets DATABASE_URL aside", () => {
    const env = { PORT: '1', HOST: '0.0.0.0', KESSAI_DATA_DIR: '/env', DATABASE_URL: 'postgres://env/db', KESSAI_WEBHOOK_URL: 'http://env/hooks' };
    const flagged = loadConfig(
      withFlags(env, { port: 4242, host: '127.0.0.2', dataDir: '/flag', databaseUrl: 'postgres://flag/db', secretKey: 'sk', publishableKey: 'pk', webhookUrl: 'http://flag/hooks' }),
    );
    expect(flagged).toMatchObject({
      port: 4242,
      host: '127.0.0.2',
      dataDir: '/flag',
      databaseUrl: 'postgres://flag/db',
      secretKey: 'sk',
      publishableKey: 'pk',
      webhookUrl: 'http://flag/hooks',
      publicUrl: 'http://127.0.0.2:4242',
    });
    const unflagged = loadConfig(withFlags(env, {}));
    expect(unflagged).toMatchObject({ port: 1, dataDir: '/env', databaseUrl: 'postgres://env/db', publicUrl: 'http://127.0.0.1:1' });
    const memory = loadConfig(withFlags(env, { memory: true }));
    expect(memory.databaseUrl).toBeNull();
    expect(inMemory(memory)).toBe(true);
  });

  it('--version prints the version of package.json, on the program and on a command', async () => {
    for (const args of [['--version'], ['serve', '--version'], ['merchants', 'list', '--version']]) {
      const result = await runKessai(args, cleanEnv());
      expect(result.code, args.join(' ')).toBe(0);
      expect(result.stdout).toBe(`${version}\n`);
    }
  });

  it('an unknown command is refused as one, with the list of commands, and exit 1', async () => {
    const result = await runKessai(['trigerr'], cleanEnv());
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^kessai: unknown command 'trigerr'\. Commands: serve, migrate, health, merchants, .*\n$/);
    expect(result.stderr).not.toContain('too many arguments');
  });

  it('serve --memory --port answers with the flags’ keys over the environment’s, writes nothing to disk, and health waits for it', async () => {
    const cwd = emptyDirectory();
    const dataDir = emptyDirectory();
    const port = await freePort();
    // Flags win: the environment's keys, port and data directory are all overridden.
    // LOG_FORMAT=pretty: readable request lines although stderr is a pipe here, not a terminal.
    const env = cleanEnv({ KESSAI_SECRET_KEY: 'sk_test_from_env', PORT: '1', KESSAI_DATA_DIR: dataDir, LOG_LEVEL: 'info', LOG_FORMAT: 'pretty', KESSAI_MERCHANT_NAME: 'Tea House 茶屋' });
    const waiting = runKessai(['health', '--wait', '120', '--url', `http://127.0.0.1:${port}`], env);
    const server = await start(['serve', '--memory', '--port', String(port), '--secret-key', 'sk_test_from_flag', '--publishable-key', 'pk_test_from_flag'], env, { cwd });
    expect(server.output()).toContain('PGlite in memory');
    // KESSAI_MERCHANT_NAME names the default merchant, which customers see on its pages.
    expect(server.output()).toMatch(/merchant +Tea House 茶屋 \(/);
    const waited = await waiting;
    expect(waited.code, waited.stderr).toBe(0);
    expect(waited.stdout).toBe(`ok http://127.0.0.1:${port}/health\n`);

    const pay = (key: string) =>
      fetch(`http://127.0.0.1:${port}/api/v1/payments`, {
        method: 'POST',
        headers: { authorization: basicAuth(key), 'content-type': 'application/json' },
        body: JSON.stringify({ amount: 1000, currency: 'JPY', payment_details: testCard() }),
      });
    expect((await pay('sk_test_from_flag')).status).toBe(200);
    expect((await pay('sk_test_from_env')).status).toBe(401);
    await vi.waitFor(() => expect(server.output()).toMatch(/POST \/api\/v1\/payments 200 \d+ms sk_test/));
    // Without --url, health finds the server from PORT (and HOST).
    const once = await runKessai(['health'], cleanEnv({ PORT: String(port) }));
    expect(once.code, once.stderr).toBe(0);
    // Nothing on disk: no data directory in the working directory, no keyring or keys file in KESSAI_DATA_DIR.
    expect(readdirSync(cwd)).toEqual([]);
    expect(readdirSync(dataDir)).toEqual([]);
  });

  it('health --wait gives up after its timeout with one line and exit 1', async () => {
    const port = await freePort();
    const result = await runKessai(['health', '--wait', '1', '--url', `http://127.0.0.1:${port}`], cleanEnv());
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`kessai: http://127.0.0.1:${port}/health did not answer 200 within 1 s (last: ECONNREFUSED)\n`);
  });
});
