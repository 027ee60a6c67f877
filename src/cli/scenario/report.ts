import { describeMismatch } from './expect';
import type { RunReport, StepReport } from './runner';

const MARK = { passed: '✓', failed: '✗', 'not run': '-' } as const;

function stepName(step: StepReport): string {
  return step.id ?? `#${step.number}`;
}

function stepLine(step: StepReport, nameWidth: number): string {
  const name = stepName(step).padEnd(nameWidth);
  if (step.result === 'not run') return `${MARK[step.result]} ${String(step.number).padStart(2)} ${name}  not run`;
  return `${MARK[step.result]} ${String(step.number).padStart(2)} ${name}  ${step.did}  (${step.ms} ms)`;
}

/**
 * The report a person reads: one line per step (✓/✗, number, id, what it did, its status, ms),
 * then, when a step failed, which one and why, each differing field as expected vs actual.
 */
export function formatReport(report: RunReport): string {
  const width = Math.max(...report.steps.map((step) => stepName(step).length));
  const lines = [`Scenario: ${report.scenario} on ${report.server}${report.seed === null ? '' : ` (seed ${report.seed})`}`];
  lines.push(...report.steps.map((step) => stepLine(step, width)));
  const failed = report.steps.find((step) => step.result === 'failed');
  const passed = report.steps.filter((step) => step.result === 'passed').length;
  if (failed?.failure) {
    lines.push('', `FAILED at step ${failed.number} (${stepName(failed)}): ${failed.failure.reason}`);
    for (const mismatch of failed.failure.mismatches ?? []) lines.push(`  ${describeMismatch(mismatch)}`);
  }
  lines.push('', `${passed} of ${report.steps.length} steps passed`);
  return `${lines.join('\n')}\n`;
}

/**
 * After `--seed N` the merchant stays seeded (its ids and clock keep following N, for the shop's
 * own calls too): the report says so, and how to undo it. Null without a seed.
 */
export function seededNote(seed: number | null): string | null {
  if (seed === null) return null;
  return `The merchant stays seeded with ${seed} (its test data was deleted first); unseed it with POST /api/v1/test_helpers/seed {"seed": null}`;
}
