import { pathSegments, valueAt } from './references';

/** One field of an answer that is not what the scenario expected. */
export interface Mismatch {
  path: string;
  expected: unknown;
  /** Absent when the answer has no such field. */
  actual?: unknown;
  missing?: boolean;
}

const join = (path: string, segment: string) => (/^\d+$/.test(segment) ? `${path}[${segment}]` : path ? `${path}.${segment}` : segment);

/**
 * Where `actual` differs from `expected`, which is partial: an object names only the fields it
 * checks (nested objects too; a key may be a dotted path, `payment_details.type`), an array must
 * have the same length with each element matching, anything else must be equal.
 */
export function mismatches(expected: unknown, actual: unknown, path = ''): Mismatch[] {
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) return [{ path: path || '(answer)', expected, actual }];
    return expected.flatMap((item, index) => mismatches(item, actual[index], join(path, String(index))));
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return [{ path: path || '(answer)', expected, actual }];
    return Object.entries(expected).flatMap(([key, value]) => {
      const segments = pathSegments(key);
      const fieldPath = segments.reduce(join, path);
      const found = valueAt(actual, segments);
      if (!found.found) return [{ path: fieldPath, expected: value, missing: true }];
      return mismatches(value, found.value, fieldPath);
    });
  }
  return Object.is(expected, actual) ? [] : [{ path: path || '(answer)', expected, actual }];
}

/** `status: expected "captured", got "authorized"` — one line per mismatch. */
export function describeMismatch(mismatch: Mismatch): string {
  const got = mismatch.missing ? 'the answer has no such field' : `got ${JSON.stringify(mismatch.actual)}`;
  return `${mismatch.path}: expected ${JSON.stringify(mismatch.expected)}, ${got}`;
}
