import { Unreachable, type ApiClient } from '../api-client';
import * as customer from '../customer-actions';
import type { ActionResult } from '../customer-actions';
import { EventWatcher } from './events';
import { mismatches, type Mismatch } from './expect';
import { resolveReferences, UnknownReference, type StepRecord } from './references';
import type { AdvanceClockAction, Scenario, Step } from './schema';

/** How one step went, as the report shows it. */
export interface StepReport {
  /** 1-based, as the report numbers steps. */
  number: number;
  id: string | null;
  result: 'passed' | 'failed' | 'not run';
  did: string;
  http_status: number | null;
  ms: number;
  /** Why the step failed: one sentence, plus each field that differed. */
  failure?: { reason: string; mismatches?: Mismatch[] };
}

export interface RunReport {
  scenario: string;
  server: string;
  seed: number | null;
  passed: boolean;
  steps: StepReport[];
}

/** A step ends early: a reference that did not resolve, an action that could not be done. */
class StepFailure extends Error {
  constructor(
    message: string,
    readonly did: string,
    readonly httpStatus: number | null = null,
    readonly differences?: Mismatch[],
  ) {
    super(message);
  }
}

const SECONDS = { seconds: 1, minutes: 60, hours: 3600, days: 86400 } as const;

function advanceSeconds(clock: AdvanceClockAction): number {
  return Object.entries(SECONDS).reduce((total, [unit, seconds]) => total + (clock[unit as keyof AdvanceClockAction] ?? 0) * seconds, 0);
}

/** The step's action, references already resolved. Null for a step that only waits for an event. */
async function act(client: ApiClient, step: Step): Promise<ActionResult | null> {
  if (step.request) {
    const { method, path, body, headers, idempotency_key: idempotencyKey } = step.request;
    const answer = await client.api(method, path, { body, headers, idempotencyKey });
    return { did: `${method} ${path}`, answer };
  }
  if (step.pay) return customer.pay(client, step.pay.payment);
  if (step.deposit) return customer.deposit(client, step.deposit.payment);
  if (step.fail) return customer.fail(client, step.fail.payment, step.fail.code);
  if (step.approve) return customer.offsite(client, step.approve.payment, 'approve');
  if (step.decline) return customer.offsite(client, step.decline.payment, 'decline');
  if (step.abandon) return customer.offsite(client, step.abandon.payment, 'abandon');
  if (step.authenticate) return customer.authenticate(client, step.authenticate.secure_token, step.authenticate.result);
  if (step.advance_clock) {
    const seconds = advanceSeconds(step.advance_clock);
    const answer = await client.api('POST', '/test_helpers/clock/advance', { body: { seconds } });
    return { did: `advanced the clock ${seconds} s`, answer };
  }
  return null;
}

/** An error answer's own words, for a failure line: `422 invalid_parameter: …`. */
function errorSummary(status: number, body: unknown): string {
  const error = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  return error ? `${status} ${String(error.code)}: ${String(error.message)}` : `${status}`;
}

/** Checks `expect` against the answer: `http_status` against its status, the rest against its body. */
function checkAnswer(expect: Step['expect'], result: ActionResult): void {
  const { answer } = result;
  const did = `${result.did} → ${answer.status}`;
  if (result.problem) throw new StepFailure(result.problem, did, answer.status);
  const { http_status: expectedStatus, ...fields } = expect ?? {};
  // `http_status: "422"` (quoted in YAML) means the same as 422.
  if (expectedStatus !== undefined && Number(expectedStatus) !== answer.status) {
    const difference: Mismatch = { path: 'http_status', expected: expectedStatus, actual: answer.status };
    throw new StepFailure(`answered ${errorSummary(answer.status, answer.body)}`, did, answer.status, [difference]);
  }
  // Without an expected status, an error answer fails the step: a scenario says when it wants one.
  if (expectedStatus === undefined && answer.status >= 400) {
    throw new StepFailure(`answered ${errorSummary(answer.status, answer.body)} (add expect: {http_status: ${answer.status}} if that is intended)`, did, answer.status);
  }
  const differences = mismatches(fields, answer.body);
  if (differences.length) throw new StepFailure('the answer is not as expected', did, answer.status, differences);
}

/** `value` with its references resolved, or the step's failure naming the reference. */
function resolved<T>(value: T, records: ReadonlyMap<string, StepRecord>): T {
  try {
    return resolveReferences(value, records);
  } catch (error) {
    if (error instanceof UnknownReference) throw new StepFailure(`unknown reference ${error.message}`, 'resolve references');
    throw error;
  }
}

/**
 * One step: its action (references resolved against earlier steps), then `expect` and
 * `expect_event`, whose references may also read this step's own answer (`${steps.me.id}`).
 */
async function runStep(client: ApiClient, events: EventWatcher, raw: Step, records: Map<string, StepRecord>): Promise<{ did: string; httpStatus: number | null }> {
  const { expect, expect_event: expectEvent, ...action } = raw;
  const result = await act(client, resolved(action, records));
  const record: StepRecord = { http_status: result?.answer.status ?? null, body: result?.answer.body ?? null };
  const own = raw.id === undefined || !result ? records : new Map([...records, [raw.id, record]]);
  if (result) checkAnswer(resolved(expect, own), result);
  let did = result ? `${result.did} → ${result.answer.status}` : '';
  if (expectEvent) {
    const waited = await events.wait(resolved(expectEvent, own));
    if ('problem' in waited) throw new StepFailure(waited.problem, did || `wait for ${expectEvent.type}`, record.http_status);
    record.event = waited.event;
    if (!result) record.body = waited.event;
    did = result ? `${did}, then ${expectEvent.type} ${waited.event.id}` : `got ${expectEvent.type} ${waited.event.id}`;
  }
  if (raw.id !== undefined) records.set(raw.id, record);
  return { did, httpStatus: record.http_status };
}

/** Runs the steps in order; the first failed step stops the run (later ones depend on it). */
export async function runScenario(client: ApiClient, scenario: Scenario, seed: number | null): Promise<RunReport> {
  const events = await EventWatcher.start(client);
  const records = new Map<string, StepRecord>();
  const reports: StepReport[] = [];
  let failed = false;
  for (const [index, step] of scenario.steps.entries()) {
    const base = { number: index + 1, id: step.id ?? null };
    if (failed) {
      reports.push({ ...base, result: 'not run', did: '', http_status: null, ms: 0 });
      continue;
    }
    const started = performance.now();
    try {
      const { did, httpStatus } = await runStep(client, events, step, records);
      reports.push({ ...base, result: 'passed', did, http_status: httpStatus, ms: Math.round(performance.now() - started) });
    } catch (error) {
      if (!(error instanceof StepFailure) && !(error instanceof Unreachable)) throw error;
      failed = true;
      const failure = error instanceof StepFailure ? { reason: error.message, ...(error.differences ? { mismatches: error.differences } : {}) } : { reason: error.message };
      const did = error instanceof StepFailure ? error.did : 'reach the server';
      const httpStatus = error instanceof StepFailure ? error.httpStatus : null;
      reports.push({ ...base, result: 'failed', did, http_status: httpStatus, ms: Math.round(performance.now() - started), failure });
    }
  }
  return { scenario: scenario.name, server: client.baseUrl, seed, passed: !failed, steps: reports };
}
