import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { dropSchemas, testSchemaName } from './harness';

const BIN = new URL('../../bin/kessai.js', import.meta.url).pathname;

/**
 * The environment for a `kessai` process with a database of its own: a fresh PGlite directory,
 * or, when DATABASE_URL is set, a fresh schema of that PostgreSQL (dropped by `cleanup`).
 */
export function isolatedEnv(): { env: NodeJS.ProcessEnv; cleanup: () => Promise<void> } {
  const dataDir = mkdtempSync(join(tmpdir(), 'kessai-test-'));
  const schema = process.env.DATABASE_URL ? testSchemaName() : undefined;
  const env: NodeJS.ProcessEnv = { ...process.env, KESSAI_DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
  if (schema) env.KESSAI_DATABASE_SCHEMA = schema;
  return {
    env,
    async cleanup() {
      if (schema) await dropSchemas([schema]);
    },
  };
}

export function runKessai(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  output: () => string;
  exited: Promise<number | null>;
}

/** Starts `kessai serve` and resolves once its banner is printed. */
export async function startServer(env: NodeJS.ProcessEnv): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [BIN, 'serve'], { env: { ...env, PORT: String(port), HOST: '127.0.0.1' } });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`kessai serve did not start:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk;
      if (output.includes('publishable key')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk) => (output += chunk));
    child.on('exit', () => reject(new Error(`kessai serve exited:\n${output}`)));
  });
  return { child, url: `http://127.0.0.1:${port}`, output: () => output, exited };
}

/**
 * A server whose default merchant is in live mode (`kessai merchants create --mode live` on the
 * fresh database before the server's first start), with that merchant's secret key: for the
 * refusals of the commands that work in test mode only.
 */
export async function startLiveServer(env: NodeJS.ProcessEnv): Promise<{ server: ServerProcess; key: string }> {
  const created = await runKessai(['merchants', 'create', '--name', 'Live shop', '--mode', 'live', '--json'], env);
  if (created.code !== 0) throw new Error(`kessai merchants create --mode live failed:\n${created.stderr}`);
  return { server: await startServer(env), key: JSON.parse(created.stdout).secret_key };
}

/**
 * For a test file that runs `kessai` processes: environments with databases of their own, and
 * servers, all undone after each test (a server still running is killed first, then its database
 * dropped); `defer` adds anything else to undo (receivers, other processes), undone in reverse.
 */
export function useProcesses() {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  return {
    environment(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
      const isolated = isolatedEnv();
      cleanups.push(isolated.cleanup);
      return { ...isolated.env, ...extra };
    },
    async server(env: NodeJS.ProcessEnv): Promise<ServerProcess> {
      const started = await startServer(env);
      cleanups.push(async () => {
        if (started.child.exitCode === null && started.child.signalCode === null) {
          started.child.kill('SIGKILL');
          await started.exited;
        }
      });
      return started;
    },
    defer(cleanup: () => Promise<void> | void): void {
      cleanups.push(cleanup);
    },
  };
}
