import { execFileSync } from 'node:child_process';
import type { Reporter, TestCase, TestModule, TestRunEndReason, Vitest } from 'vitest/node';

/**
 * A test file that never ends would hold CI until its overall limit, with nothing in the log to
 * say which. Vitest's own timeouts run inside the file's worker, so a worker whose event loop is
 * blocked (or that waits on something outside any test, hook or timeout) is stuck for good.
 *
 * This reporter runs in Vitest's main process, where a stuck worker cannot stop it: every half
 * minute it names each file running longer than warnMs (with the test it was last at, and the
 * processes running under Vitest), and when one passes limitMs it ends the run as failed; and
 * when Vitest does not exit after the run, it ends it with the run's result. The
 * slowest file takes about 80 s on an idle 2-core machine, so the limits leave a wide margin.
 */
export interface WatchdogLimits {
  warnMs: number;
  limitMs: number;
  checkEveryMs: number;
  /** After the run: how long Vitest may take to exit before the watchdog ends it with the run's result. */
  exitMs: number;
  /** Where it writes (console.error) and how it ends the run (process.exit(1)); tests replace them. */
  write: (line: string) => void;
  fail: (code?: number) => void;
}

const LIMITS: WatchdogLimits = {
  warnMs: 5 * 60_000,
  limitMs: 15 * 60_000,
  checkEveryMs: 30_000,
  exitMs: 60_000,
  write: (line) => console.error(line),
  fail: (code = 1) => {
    // A stuck worker (and what it started) outlives Vitest's exit, holding CI's output open.
    try {
      for (const { pid } of descendants()) process.kill(pid, 'SIGKILL');
    } catch {
      // ps failed, or a process is gone already: exit all the same
    }
    process.exit(code);
  },
};

interface Running {
  since: number;
  test: string;
}

export default class WatchdogReporter implements Reporter {
  private readonly running = new Map<string, Running>();
  private timer: NodeJS.Timeout | undefined;
  private readonly limits: WatchdogLimits;

  constructor(limits: Partial<WatchdogLimits> = {}) {
    this.limits = { ...LIMITS, ...limits };
  }

  private watching = false;

  onInit(vitest: Vitest): void {
    // In watch mode Vitest never exits; the interval lasts as long as it does (unref'd).
    this.watching = Boolean(vitest.config.watch);
    this.timer = setInterval(() => this.check(), this.limits.checkEveryMs);
    this.timer.unref();
  }

  /** From when a worker takes the file: a file stuck loading its imports is named too. */
  onTestModuleQueued(module: TestModule): void {
    this.running.set(module.moduleId, { since: Date.now(), test: '(loading)' });
  }

  onTestModuleStart(module: TestModule): void {
    if (!this.running.has(module.moduleId)) this.running.set(module.moduleId, { since: Date.now(), test: '(collecting)' });
  }

  onTestCaseReady(test: TestCase): void {
    const running = this.running.get(test.module.moduleId);
    if (running) running.test = test.fullName;
  }

  onTestModuleEnd(module: TestModule): void {
    this.running.delete(module.moduleId);
  }

  /**
   * Every file ended; should Vitest then not exit (a worker that does not close, a handle left
   * open), the run's result is known: say what is still running and end with that result.
   */
  onTestRunEnd(_modules: ReadonlyArray<TestModule>, errors: ReadonlyArray<unknown>, reason: TestRunEndReason): void {
    if (this.watching) return;
    clearInterval(this.timer);
    const { exitMs, write, fail } = this.limits;
    const late = setTimeout(() => {
      write(`[watchdog] Vitest has not exited ${exitMs / 1000} s after the run ended (${reason}); processes under it:\n${processTree()}`);
      // An unhandled error fails a run whose files passed: Vitest sets the exit code for it.
      const passed = reason === 'passed' && errors.length === 0 && !process.exitCode;
      fail(passed ? 0 : 1);
    }, exitMs);
    late.unref();
  }

  /** Public for its test; the timer calls it. */
  check(now = Date.now()): void {
    const { warnMs, limitMs, write, fail } = this.limits;
    const late = [...this.running].filter(([, running]) => now - running.since > warnMs);
    if (late.length === 0) return;
    for (const [file, running] of late) {
      write(`[watchdog] ${file} has run for ${Math.round((now - running.since) / 1000)} s; last test started: ${running.test}`);
    }
    write(`[watchdog] processes under Vitest:\n${processTree()}`);
    const stuck = late.filter(([, running]) => now - running.since > limitMs);
    if (stuck.length > 0) {
      write(`[watchdog] ${stuck.map(([file]) => file).join(', ')} ran past ${limitMs / 1000} s: ending the run as failed`);
      fail();
    }
  }
}

interface ProcessRow {
  pid: number;
  ppid: number;
  line: string;
}

/** This process's descendants (Vitest's workers and what they started), from `ps`. */
function descendants(): ProcessRow[] {
  const table = execFileSync('ps', ['-eo', 'pid=,ppid=,etime=,args='], { encoding: 'utf8', timeout: 5_000 });
  const rows = table.split('\n').filter(Boolean).map((line) => {
    const [pid, ppid] = line.trim().split(/\s+/, 2).map(Number);
    return { pid, ppid, line: line.trim().slice(0, 200) };
  });
  const mine = new Set([process.pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const row of rows) if (mine.has(row.ppid) && !mine.has(row.pid)) (mine.add(row.pid), (grew = true));
  }
  return rows.filter((row) => row.pid !== process.pid && mine.has(row.pid));
}

/** The descendants as `ps` lines, for a log that shows what a stuck file was waiting on. */
function processTree(): string {
  try {
    return descendants().map((row) => `  ${row.line}`).join('\n');
  } catch (error) {
    return `  (ps failed: ${(error as Error).message})`;
  }
}
