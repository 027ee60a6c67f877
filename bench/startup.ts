/**
 * How long `kessai serve` takes until it answers GET /health, and its memory then (issue 15's
 * targets, on the 2-core dev machine, idle): a new data directory and an in-memory database
 * ≤ 1.5 s, a restart on an existing directory ≤ 1.0 s, RSS after start ≤ 150 MB. Each figure is the
 * median of BENCH_RUNS starts (5), each a new process.
 *
 *   npm run bench:startup               # from the packed package (npm pack, installed in a temp project)
 *   npm run bench:startup -- --repo     # from this checkout (node bin/kessai.js)
 *   npm run bench:startup -- --bin F    # node F (a built entry point, say)
 *
 * The packed install is what a user runs; when packing or installing fails (offline, say) it says
 * so and measures the checkout instead. Time runs from spawning the process to the first 200
 * answer of /health, polled every 10 ms; RSS is the process's VmRSS at that moment.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BENCH_HOST, BENCH_PUBLISHABLE_KEY, BENCH_SECRET_KEY, freePort, freshDir, main, onCleanup, ROOT, sleep } from './lib';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const FIXED_KEYS = { KESSAI_SECRET_KEY: BENCH_SECRET_KEY, KESSAI_PUBLISHABLE_KEY: BENCH_PUBLISHABLE_KEY };
const TARGETS = { fresh: 1500, memory: 1500, restart: 1000, rssMb: 150 };

interface Start {
  ms: number;
  rssMb: number;
}

interface Kessai {
  /** The command and its first arguments (before `serve`). */
  command: string[];
  what: string;
  /** Whether `serve --memory` exists; else KESSAI_DATA_DIR=memory:// (the PGlite driver's own). */
  memoryFlag: boolean;
}

/** Starts `serve` once, waits for /health, reads its RSS, stops it (SIGTERM, then waits). */
async function startOnce(kessai: Kessai, cwd: string, env: Record<string, string>, extra: string[] = []): Promise<Start> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(kessai.command[0], [...kessai.command.slice(1), 'serve', ...extra], {
    cwd,
    env: { ...process.env, PORT: String(port), HOST: BENCH_HOST, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const stop = onCleanup(`stop kessai ${child.pid}`, () => void child.kill('SIGKILL'));
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`kessai exited (${child.exitCode}) before answering:\n${stderr}`);
      if (performance.now() - started > 120_000) throw new Error('kessai did not answer /health within 120 s');
      const ok = await fetch(`http://${BENCH_HOST}:${port}/health`).then((r) => r.ok, () => false);
      if (ok) break;
      await sleep(10);
    }
    const ms = performance.now() - started;
    const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
    return { ms, rssMb: rssKb / 1024 };
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    if (child.exitCode === null) child.kill('SIGTERM');
    await Promise.race([exited, sleep(15_000).then(() => child.kill('SIGKILL'))]);
    await stop();
  }
}

/** The packed package installed in a temporary project, or null (with the reason) when that fails. */
function packedKessai(): Kessai | null {
  const { dir } = freshDir('kessai-startup-pack-');
  try {
    const out = execFileSync('npm', ['pack', '--silent', '--pack-destination', dir], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const tarball = join(dir, out.trim().split('\n').at(-1)!);
    const project = join(dir, 'project');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), '{"name":"startup-bench","private":true}\n');
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--silent', tarball], { cwd: project, stdio: ['ignore', 'ignore', 'pipe'] });
    const bin = join(project, 'node_modules', '.bin', 'kessai');
    return { command: [bin], what: `the packed package (${tarball.split('/').at(-1)}) installed in ${project}`, memoryFlag: hasMemoryFlag([bin]) };
  } catch (error) {
    process.stderr.write(`bench: could not pack and install the package, measuring the checkout instead: ${(error as Error).message.split('\n')[0]}\n`);
    return null;
  }
}

/** `node FILE`: this checkout's bin/kessai.js unless --bin names another entry point. */
function nodeKessai(): Kessai {
  const flag = process.argv.indexOf('--bin');
  const file = flag === -1 ? join(ROOT, 'bin', 'kessai.js') : process.argv[flag + 1];
  const command = [process.execPath, file];
  return { command, what: `node ${flag === -1 ? 'bin/kessai.js (this checkout)' : file}`, memoryFlag: hasMemoryFlag(command) };
}

function hasMemoryFlag(command: string[]): boolean {
  try {
    return execFileSync(command[0], [...command.slice(1), 'serve', '--help'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).includes('--memory');
  } catch {
    return false;
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function row(label: string, values: number[], unit: string, target: number): string {
  const value = median(values);
  const verdict = value <= target ? 'within' : 'OVER';
  const all = values.map((v) => v.toFixed(0)).join(', ');
  return `  ${label.padEnd(34)} ${`${value.toFixed(0)} ${unit}`.padStart(9)}   target ≤ ${target} ${unit} (${verdict})   runs: ${all}`;
}

await main(async () => {
  const packed = process.argv.includes('--repo') || process.argv.includes('--bin') ? null : packedKessai();
  const kessai = packed ?? nodeKessai();
  process.stdout.write(`kessai start-up, median of ${RUNS}: ${kessai.what}\n`);
  const fresh: Start[] = [];
  const memory: Start[] = [];
  const restart: Start[] = [];
  for (let i = 0; i < RUNS; i++) {
    const { dir } = freshDir('kessai-startup-');
    fresh.push(await startOnce(kessai, dir, { KESSAI_DATA_DIR: join(dir, 'data') }));
    // The same directory again, now existing: a restart.
    restart.push(await startOnce(kessai, dir, { KESSAI_DATA_DIR: join(dir, 'data') }));
    memory.push(
      // Fixed keys, as CI gives them: generated ones would be kept in a file of the data directory.
      kessai.memoryFlag
        ? await startOnce(kessai, dir, FIXED_KEYS, ['--memory'])
        : await startOnce(kessai, dir, { ...FIXED_KEYS, KESSAI_DATA_DIR: 'memory://' }),
    );
  }
  const memoryHow = kessai.memoryFlag ? '--memory' : 'KESSAI_DATA_DIR=memory://';
  process.stdout.write(
    [
      row('new data directory → /health', fresh.map((s) => s.ms), 'ms', TARGETS.fresh),
      row(`in memory (${memoryHow}) → /health`, memory.map((s) => s.ms), 'ms', TARGETS.memory),
      row('restart on its directory → /health', restart.map((s) => s.ms), 'ms', TARGETS.restart),
      row('RSS after a restart', restart.map((s) => s.rssMb), 'MB', TARGETS.rssMb),
      row('RSS after a new-directory start', fresh.map((s) => s.rssMb), 'MB', TARGETS.rssMb),
      row('RSS after an in-memory start', memory.map((s) => s.rssMb), 'MB', TARGETS.rssMb),
    ].join('\n') + '\n',
  );
});
