import { describe, expect, it } from 'vitest';
import type { TestCase, TestModule } from 'vitest/node';
import WatchdogReporter from '../helpers/watchdog-reporter';

// The reporter only reads moduleId, and a test's module and fullName.
const file = (moduleId: string) => ({ moduleId }) as TestModule;
const test = (moduleId: string, fullName: string) => ({ module: file(moduleId), fullName }) as TestCase;

function watchdog() {
  const lines: string[] = [];
  const exits: number[] = [];
  const reporter = new WatchdogReporter({ warnMs: 1_000, limitMs: 5_000, exitMs: 50, write: (line) => lines.push(line), fail: (code = 1) => exits.push(code) });
  return { reporter, lines, exits, failures: () => exits.length };
}

describe('the watchdog reporter', () => {
  it('says nothing of files within the warning time, or of files that ended', () => {
    const { reporter, lines, failures } = watchdog();
    reporter.onTestModuleStart(file('/t/quick.test.ts'));
    reporter.onTestModuleStart(file('/t/done.test.ts'));
    reporter.onTestModuleEnd(file('/t/done.test.ts'));
    reporter.check(Date.now() + 500);
    expect(lines).toEqual([]);
    reporter.onTestModuleEnd(file('/t/quick.test.ts'));
    reporter.check(Date.now() + 60_000);
    expect(lines).toEqual([]);
    expect(failures()).toBe(0);
  });

  it('times a file from when it is queued, so one stuck loading its imports is named too', () => {
    const { reporter, lines } = watchdog();
    reporter.onTestModuleQueued(file('/t/imports.test.ts'));
    reporter.onTestModuleStart(file('/t/imports.test.ts'));
    reporter.check(Date.now() + 2_000);
    expect(lines[0]).toMatch(/^\[watchdog\] \/t\/imports\.test\.ts has run for 2 s; last test started: \(loading\)$/);
  });

  it('names a file past the warning time with the test it is at, and fails the run past the limit', () => {
    const { reporter, lines, failures } = watchdog();
    reporter.onTestModuleStart(file('/t/slow.test.ts'));
    reporter.onTestCaseReady(test('/t/slow.test.ts', 'a suite > waits on something'));
    reporter.check(Date.now() + 2_000);
    expect(lines[0]).toMatch(/^\[watchdog\] \/t\/slow\.test\.ts has run for 2 s; last test started: a suite > waits on something$/);
    expect(lines[1]).toMatch(/^\[watchdog\] processes under Vitest:/);
    expect(failures()).toBe(0);

    reporter.check(Date.now() + 6_000);
    expect(lines.at(-1)).toBe('[watchdog] /t/slow.test.ts ran past 5 s: ending the run as failed');
    expect(failures()).toBe(1);
  });

  it('ends a run that does not exit after its last file with the run’s own result', async () => {
    for (const [reason, errors, code] of [['passed', [], 0], ['failed', [], 1], ['passed', [new Error('unhandled')], 1]] as const) {
      const { reporter, lines, exits } = watchdog();
      reporter.onTestRunEnd([], errors, reason);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(lines[0]).toMatch(new RegExp(`^\\[watchdog\\] Vitest has not exited 0.05 s after the run ended \\(${reason}\\)`));
      expect(exits).toEqual([code]);
    }
  });
});
