import { Ajv, type ErrorObject } from 'ajv';
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ACTIONS, ScenarioSchema, type Scenario, type Step } from './schema';

/** A scenario file that cannot be run as written: the message names the file and the bad field. */
export class BadScenario extends Error {}

const validate = new Ajv({ allErrors: true, strict: false }).compile<Scenario>(ScenarioSchema);

/**
 * Reads, parses (JSON for `.json`, YAML otherwise: YAML is a superset of JSON) and validates a
 * scenario file, or throws BadScenario naming the field (`steps[2].pay.payment`).
 */
export function loadScenario(file: string): Scenario {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new BadScenario(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  let parsed: unknown;
  try {
    parsed = extname(file).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new BadScenario(`${file} is not valid ${extname(file).toLowerCase() === '.json' ? 'JSON' : 'YAML'}: ${(error as Error).message.split('\n')[0]}`);
  }
  if (!validate(parsed)) throw new BadScenario(`${file}: ${describeError(validate.errors ?? [])}`);
  const problem = checkSteps(parsed.steps);
  if (problem) throw new BadScenario(`${file}: ${problem}`);
  return parsed;
}

/** `/steps/2/pay` → `steps[2].pay`. */
function fieldPath(pointer: string, child?: string): string {
  const parts = pointer.split('/').slice(1).map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (child !== undefined) parts.push(child);
  return parts.reduce((path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : path ? `${path}.${part}` : part), '') || '(the file)';
}

/**
 * One problem of those Ajv found, as `path: what is wrong`: an unknown field first (`paymnt:` is
 * why `payment` is missing), then the rest in the file's order.
 */
function describeError(errors: ErrorObject[]): string {
  const first = errors.find((error) => error.keyword === 'additionalProperties') ?? errors[0];
  // A union (request.method, authenticate.result) fails once per branch, then as a whole.
  if (first?.keyword === 'const' || first?.keyword === 'anyOf') {
    const union = errors.find((error) => error.keyword === 'anyOf' && first.instancePath === error.instancePath);
    const branches = errors.filter((error) => error.keyword === 'const' && error.instancePath === first.instancePath);
    const allowed = branches.map((error) => JSON.stringify(error.params.allowedValue));
    if (union) return `${fieldPath(union.instancePath)}: must be one of ${allowed.join(', ')}`;
  }
  if (!first) return 'invalid';
  if (first.keyword === 'additionalProperties') {
    return `${fieldPath(first.instancePath, String(first.params.additionalProperty))}: unknown field`;
  }
  if (first.keyword === 'required') return `${fieldPath(first.instancePath, String(first.params.missingProperty))}: required`;
  return `${fieldPath(first.instancePath)}: ${first.message ?? 'invalid'}`;
}

/** What the schema cannot say: one action per step, a clock advance of some time, unique ids. */
function checkSteps(steps: Step[]): string | null {
  const seen = new Set<string>();
  for (const [index, step] of steps.entries()) {
    const actions = ACTIONS.filter((action) => step[action] !== undefined);
    if (actions.length > 1) return `steps[${index}]: one action per step, found ${actions.join(' and ')}`;
    if (actions.length === 0 && !step.expect_event) {
      return `steps[${index}]: no action: give one of ${ACTIONS.join(', ')} (or only expect_event, to wait for an event)`;
    }
    if (actions.length === 0 && step.expect) return `steps[${index}].expect: a step without an action has no answer to expect from`;
    const clock = step.advance_clock;
    if (clock && !(clock.seconds || clock.minutes || clock.hours || clock.days)) {
      return `steps[${index}].advance_clock: give seconds, minutes, hours or days (more than 0)`;
    }
    if (step.id !== undefined) {
      if (seen.has(step.id)) return `steps[${index}].id: "${step.id}" is already the id of an earlier step`;
      seen.add(step.id);
    }
  }
  return null;
}
