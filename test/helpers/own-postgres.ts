import { execFile } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './processes';

const BIN = '/usr/lib/postgresql/15/bin';
const run = promisify(execFile);

/**
 * A PostgreSQL server of a test's own (initdb in a temporary directory, a free port), for tests
 * that stop and start the database under a running kessai: the shared one at DATABASE_URL must
 * never be restarted. As root (CI), it runs as the `postgres` user, since PostgreSQL refuses root.
 */
export interface OwnPostgres {
  /** postgres://… of its `postgres` database, trust authentication. */
  url: string;
  /** 127.0.0.1:port, for a connection string listing several hosts. */
  address: string;
  /**
   * `fast` (the default): sessions are ended (57P01), then the server exits; `immediate`: it exits
   * at once, as in a crash, and replays its WAL at the next start. Connecting is refused until start().
   */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  start(): Promise<void>;
  /** Stops it and removes its directory. */
  close(): Promise<void>;
}

/** A standby of another OwnPostgres, streaming its WAL, read-only until promoted. */
export interface OwnReplica extends OwnPostgres {
  /** `pg_ctl promote`: it leaves recovery and takes writes; resolves once it does. */
  promote(): Promise<void>;
}

/** Runs one of PostgreSQL's programs, as `postgres` when this process is root. */
async function pgProgram(command: string, args: string[]): Promise<void> {
  if (process.getuid?.() === 0) await run('runuser', ['-u', 'postgres', '--', join(BIN, command), ...args]);
  else await run(join(BIN, command), args);
}

/** A temporary directory the server's user owns. */
async function ownedDirectory(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'kessai-pg-'));
  if (process.getuid?.() === 0) {
    const uid = Number((await run('id', ['-u', 'postgres'])).stdout.trim());
    const gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim());
    chownSync(dir, uid, gid);
  }
  return dir;
}

/** pg_ctl over a data directory in `dir`, listening on `port` of 127.0.0.1 only. */
function controlled(dir: string, port: number): OwnReplica {
  const data = join(dir, 'data');
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
  let running = false;
  const server: OwnReplica = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    address: `127.0.0.1:${port}`,
    async start() {
      await pgProgram('pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'log'), '-w', '-t', '60', 'start']);
      running = true;
    },
    async stop(mode = 'fast') {
      await pgProgram('pg_ctl', ['-D', data, '-m', mode, '-w', '-t', '60', 'stop']);
      running = false;
    },
    async promote() {
      await pgProgram('pg_ctl', ['-D', data, '-w', '-t', '60', 'promote']);
    },
    async close() {
      if (running) await server.stop('immediate');
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return server;
}

export async function startOwnPostgres(): Promise<OwnPostgres> {
  const dir = await ownedDirectory();
  await pgProgram('initdb', ['-D', join(dir, 'data'), '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  const server = controlled(dir, await freePort());
  await server.start();
  return server;
}

/**
 * A streaming replica of `primary` on a port of its own (`pg_basebackup -R`: it connects to the
 * primary through initdb's default trust line for replication on 127.0.0.1), started.
 */
export async function startOwnReplica(primary: OwnPostgres): Promise<OwnReplica> {
  const dir = await ownedDirectory();
  const [host, port] = primary.address.split(':');
  await pgProgram('pg_basebackup', ['-D', join(dir, 'data'), '-R', '-X', 'stream', '-h', host, '-p', port, '-U', 'postgres', '--no-sync']);
  const replica = controlled(dir, await freePort());
  await replica.start();
  return replica;
}
