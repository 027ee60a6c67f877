/**
 * References between the steps of a scenario: `${steps.pay.id}` in any string of a later step is
 * replaced by what the step `pay` got. A string that is one reference alone takes the value's own
 * type (`amount: ${steps.p.body.amount}` stays a number); inside a longer string it is written as text.
 */

/** What a finished step leaves for later ones to read. */
export interface StepRecord {
  http_status: number | null;
  body: unknown;
  /** The event `expect_event` found, when the step waited for one. */
  event?: unknown;
}

/** A reference that does not resolve: the step fails with this message. */
export class UnknownReference extends Error {}

const REFERENCE = /\$\{([^}]*)\}/g;
const RECORD_FIELDS = new Set(['http_status', 'body', 'event']);

/** `items[0].id`, `items.0.id` → ['items', '0', 'id']. */
export function pathSegments(path: string): string[] {
  return path
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .filter((segment) => segment !== '');
}

/** The value at `segments` inside `value`, or `missing` when a segment is absent. */
export function valueAt(value: unknown, segments: string[]): { found: true; value: unknown } | { found: false } {
  let current = value;
  for (const segment of segments) {
    if (current === null || typeof current !== 'object' || !Object.prototype.hasOwnProperty.call(current, segment)) return { found: false };
    current = (current as Record<string, unknown>)[segment];
  }
  return { found: true, value: current };
}

/**
 * `steps.ID.PATH`: PATH starts with `body`, `http_status` or `event`; anything else is read in the
 * body (`steps.pay.id` is `steps.pay.body.id`).
 */
function lookUp(expression: string, records: ReadonlyMap<string, StepRecord>): unknown {
  const [root, id, ...rest] = pathSegments(expression.trim());
  if (root !== 'steps' || !id) throw new UnknownReference(`\${${expression}}: a reference reads \${steps.<step id>.<field>}`);
  const record = records.get(id);
  if (!record) {
    const known = [...records.keys()];
    throw new UnknownReference(`\${${expression}}: no earlier step has the id "${id}"${known.length ? ` (earlier ids: ${known.join(', ')})` : ''}`);
  }
  const segments = rest.length > 0 && RECORD_FIELDS.has(rest[0]!) ? rest : ['body', ...rest];
  const found = valueAt(record, segments);
  if (!found.found || found.value === undefined) throw new UnknownReference(`\${${expression}}: step "${id}" has no ${segments.join('.')}`);
  return found.value;
}

function resolveString(text: string, records: ReadonlyMap<string, StepRecord>): unknown {
  const whole = /^\$\{([^}]*)\}$/.exec(text);
  if (whole) return lookUp(whole[1]!, records);
  return text.replace(REFERENCE, (_match, expression: string) => {
    const value = lookUp(expression, records);
    return typeof value === 'string' ? value : JSON.stringify(value);
  });
}

/** `value` with every reference in its strings (keys included) resolved; throws UnknownReference. */
export function resolveReferences<T>(value: T, records: ReadonlyMap<string, StepRecord>): T {
  if (typeof value === 'string') return resolveString(value, records) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => resolveReferences(item, records)) as T;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).map(([key, item]) => [String(resolveString(key, records)), resolveReferences(item, records)]);
    return Object.fromEntries(entries) as T;
  }
  return value;
}
