import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort, useProcesses } from '../helpers/processes';

/**
 * The deployment examples of docs/deploy.md run as written: every line of examples/Procfile is
 * started as a process manager would (through a shell, with a $PORT of its own) on one PostgreSQL
 * and answers /ready; the systemd units pass `systemd-analyze verify` and start the same commands.
 */
const EXAMPLES = new URL('../../examples/', import.meta.url).pathname;
const BIN = new URL('../../bin/kessai.js', import.meta.url).pathname;
const usingPostgres = Boolean(process.env.DATABASE_URL);
const processes = useProcesses();

/** The Procfile's `name: command` lines, comments and blank lines left out. */
function procfile(): { name: string; command: string }[] {
  return readFileSync(join(EXAMPLES, 'Procfile'), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'))
    .map((line) => {
      const match = /^([A-Za-z0-9_-]+):\s*(.+)$/.exec(line);
      if (!match) throw new Error(`not a Procfile line: ${line}`);
      return { name: match[1], command: match[2].trim() };
    });
}

const units = () => readdirSync(join(EXAMPLES, 'systemd')).filter((name) => name.endsWith('.service')).sort();

/** A unit's ExecStart as the Procfile spells it: `kessai` from PATH, the instance (`%i`) as $PORT. */
function execStart(unit: string): string {
  const line = readFileSync(join(EXAMPLES, 'systemd', unit), 'utf8').split('\n').find((l) => l.startsWith('ExecStart='));
  if (!line) throw new Error(`${unit} has no ExecStart`);
  return line.slice('ExecStart='.length).replace(/^\/usr\/bin\/env kessai /, 'kessai ').replaceAll('%i', '$PORT');
}

/** A directory holding a `kessai` command that runs this checkout, to put first on PATH. */
function kessaiOnPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kessai-bin-'));
  writeFileSync(join(dir, 'kessai'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
  chmodSync(join(dir, 'kessai'), 0o755);
  return dir;
}

/** Runs a Procfile command through sh in a process group of its own, so the group can be killed whole. */
function startLine(command: string, env: NodeJS.ProcessEnv): { child: ChildProcess; output: () => string; stop: () => Promise<void> } {
  const child = spawn('/bin/sh', ['-c', command], { env, detached: true });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      process.kill(-child.pid!, 'SIGKILL');
      await exited;
    }
  };
  return { child, output: () => output, stop };
}

/** Waits until /ready answers 200; a process that exits fails at once, with its output, rather than at the timeout. */
async function waitReady(name: string, port: number, run: ReturnType<typeof startLine>): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (run.child.exitCode !== null || run.child.signalCode !== null) throw new Error(`${name} exited:\n${run.output()}`);
    const status = await fetch(`http://127.0.0.1:${port}/ready`, { signal: AbortSignal.timeout(2000) }).then((r) => r.status, () => 0);
    if (status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${name} not ready within 60 s:\n${run.output()}`);
}

describe('examples/Procfile and examples/systemd', () => {
  it('the Procfile has an api and a worker line, and the systemd units run the same commands', () => {
    const lines = procfile();
    expect(lines.map((line) => line.name).sort()).toEqual(['api', 'worker']);
    for (const line of lines) expect(line.command).toMatch(/^kessai serve --role (api|worker) --port \$PORT$/);
    expect(units()).toEqual(['kessai-api@.service', 'kessai-worker@.service']);
    expect(units().map(execStart).sort()).toEqual(lines.map((line) => line.command).sort());
  });

  const analyze = spawnSync('systemd-analyze', ['--version']);
  it.runIf(analyze.status === 0)('the systemd units pass systemd-analyze verify', () => {
    const verified = spawnSync('systemd-analyze', ['verify', ...units().map((unit) => join(EXAMPLES, 'systemd', unit))], { encoding: 'utf8' });
    expect(verified.stderr).toBe('');
    expect(verified.status).toBe(0);
  });

  it.runIf(usingPostgres)(
    "starts each Procfile line on one PostgreSQL, each on its own $PORT, and each answers /ready (PostgreSQL only)",
    async () => {
      const bin = kessaiOnPath();
      processes.defer(() => rmSync(bin, { recursive: true, force: true }));
      const env = processes.environment({ PATH: `${bin}:${process.env.PATH}`, KESSAI_ENCRYPTION_KEY: 'cd'.repeat(32), HOST: '127.0.0.1' });
      const started = [];
      for (const line of procfile()) {
        const port = await freePort();
        const run = startLine(line.command, { ...env, PORT: String(port) });
        processes.defer(run.stop);
        started.push({ ...line, port, run });
      }
      for (const { name, port, run } of started) {
        await waitReady(name, port, run);
        expect(run.output()).toContain(`role              ${name}`);
      }
    },
    120_000,
  );
});
