import type { FastifyInstance } from 'fastify';
import { ApiError } from '../../kernel/errors';

/**
 * Deeper than any request of the API or the pages nests (`payment_details.…`, `metadata.…`, the
 * dashboard's forms); a 256 KiB JSON body can nest 100,000 levels, which recursive code (schema
 * validation, JSON.stringify of the idempotency fingerprint) would not survive.
 */
export const MAX_DEPTH = 8;

/**
 * Refuses, in one place that every request's input passes through (the path parameters, the query
 * and the parsed body, of the API and of the pages alike), what no field may hold and what the
 * database cannot store: a NUL character (PostgreSQL's text and jsonb refuse U+0000, which was a
 * 500) or a string that is not well-formed Unicode (a lone surrogate, which jsonb refuses), in a
 * value or a key, and values nested deeper than MAX_DEPTH. The answer is 422 `invalid_parameter`
 * naming the param in dotted form, as a schema failure is (pages answer their 400 page).
 *
 * preValidation: the body is parsed by then, and nothing has yet coerced, copied or stored a value.
 * An unknown route is left to answer its 404.
 */
export function registerInputChecks(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    if (request.is404) return;
    const param = badInput(request.params) ?? badInput(request.query) ?? badInput(request.body);
    if (param !== null) throw new ApiError('invalid_parameter', { param });
  });
}

/**
 * The dotted path of the first string (value or key) in `input` that holds a NUL character or is
 * not well-formed Unicode, or of the first value nested deeper than MAX_DEPTH; null when there is
 * none. Iterative, so that no input can exhaust the stack.
 */
export function badInput(input: unknown): string | null {
  const stack: [value: unknown, path: string[]][] = [[input, []]];
  while (stack.length > 0) {
    const [value, path] = stack.pop()!;
    if (typeof value === 'string') {
      if (!acceptable(value)) return paramName(path);
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (path.length >= MAX_DEPTH) return paramName(path);
    const entries = Object.entries(value);
    for (const [key] of entries) if (!acceptable(key)) return paramName(path.length > 0 ? path : [key]);
    // Reversed onto the stack, so that the first field is looked at first.
    for (let i = entries.length - 1; i >= 0; i--) stack.push([entries[i][1], [...path, entries[i][0]]]);
  }
  return null;
}

/** NUL, or a UTF-16 surrogate that is not half of a pair (with /u, a pair is one code point). */
const UNSTORABLE = /[\0\p{Cs}]/u;
const UNSTORABLE_ALL = /[\0\p{Cs}]/gu;

function acceptable(text: string): boolean {
  return !UNSTORABLE.test(text);
}

/** The param as the envelope names it; a key that is itself the bad string is shown made safe. */
function paramName(path: string[]): string {
  return path.map((part) => part.replace(UNSTORABLE_ALL, '\uFFFD')).join('.') || 'body';
}
