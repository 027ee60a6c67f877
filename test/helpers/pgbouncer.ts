import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './processes';

/** Debian's pgbouncer package (1.18 on bookworm: no prepared-statement support). */
export const PGBOUNCER = '/usr/sbin/pgbouncer';
export const hasPgbouncer = existsSync(PGBOUNCER);

export interface Pgbouncer {
  /** postgres://… of the pooled database, as DATABASE_URL names it. */
  url: string;
  output: () => string;
  close(): Promise<void>;
}

/**
 * A PgBouncer of a test's own in transaction pooling mode, on a free port, in front of the
 * PostgreSQL at `databaseUrl` (trust authentication, user postgres). Its server connections
 * start with search_path set to `schema` (connect_query): a transaction pooler cannot pass a
 * search_path per client. As root it runs as `postgres` (-u), since PgBouncer refuses root.
 */
export async function startPgbouncer(databaseUrl: string, schema: string): Promise<Pgbouncer> {
  const target = new URL(databaseUrl);
  const database = target.pathname.slice(1);
  const dir = mkdtempSync(join(tmpdir(), 'kessai-pgbouncer-'));
  chmodSync(dir, 0o755);
  const port = await freePort();
  writeFileSync(join(dir, 'users.txt'), '"postgres" ""\n');
  const ini = [
    '[databases]',
    `${database} = host=${target.hostname} port=${target.port || 5432} dbname=${database} connect_query='SET search_path TO ${schema}'`,
    '[pgbouncer]',
    'listen_addr = 127.0.0.1',
    `listen_port = ${port}`,
    'unix_socket_dir =',
    'auth_type = trust',
    `auth_file = ${join(dir, 'users.txt')}`,
    'pool_mode = transaction',
    // Fewer server connections than kessai's pool: clients take turns on them, as in production.
    'default_pool_size = 4',
    'max_client_conn = 200', 'ignore_startup_parameters = options',
  ].join('\n');
  writeFileSync(join(dir, 'pgbouncer.ini'), `${ini}\n`);
  const asRoot = process.getuid?.() === 0;
  const child = spawn(PGBOUNCER, [...(asRoot ? ['-u', 'postgres'] : []), join(dir, 'pgbouncer.ini')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  await waitForPort(port, () => output);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/${database}`,
    output: () => output,
    async close() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function waitForPort(port: number, output: () => string): Promise<void> {
  for (let tries = 0; tries < 100; tries++) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ port, host: '127.0.0.1' }, () => {
        socket.end();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`pgbouncer did not listen on ${port}:\n${output()}`);
}
