import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { ApiResponse, Harness } from './harness';

/**
 * The request/response pairs of the v1 reference (seeds/002), extracted to
 * `shared/fixtures/seed-examples.json` beside the repository, and the comparisons seed tests make
 * with them, shared by every seed test. Read from the repository's verbatim copy (the OpenAPI
 * document's examples), so that a clone without `shared/` beside it runs every test;
 * test/http/openapi.test.ts holds the copy against `shared/` wherever that is present.
 */

export interface SeedExample {
  section: string;
  method: string;
  path: string;
  /** The cURL -d pairs, in bracket notation. */
  form: [string, string][];
  response: Record<string, unknown>;
  /** Where the request and the response are printed in seeds/002. */
  source_line: number;
  response_source_line: number;
}

const FIXTURE = new URL('../../src/http/openapi/seed-examples.json', import.meta.url);

export const seedExamples = (JSON.parse(readFileSync(FIXTURE, 'utf8')) as { examples: SeedExample[] }).examples;

/** The POST /api/v1/payments examples whose payment_details[type] is `type`. */
export function paymentExamples(type: string): SeedExample[] {
  return seedExamples.filter(
    (example) =>
      example.method === 'POST' &&
      example.path === '/api/v1/payments' &&
      example.form.some(([key, value]) => key === 'payment_details[type]' && value === type),
  );
}

/** The value of one form field of an example, or undefined. */
export function formValue(example: SeedExample, key: string): string | undefined {
  return example.form.find(([k]) => k === key)?.[1];
}

/** `a[b][c]=v` pairs → `{a:{b:{c:v}}}`, values left as the strings curl sends (like the Ruby example). */
export function nestForm(pairs: [string, string][]): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, value] of pairs) {
    const path = key.replace(/\]/g, '').split('[');
    let node = root;
    for (const part of path.slice(0, -1)) node = (node[part] ??= {}) as Record<string, unknown>;
    node[path[path.length - 1]] = value;
  }
  return root;
}

export function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/**
 * Every difference in keys or JSON types between `ours` and `seed`, as readable paths. `extra`
 * lists keys allowed only in ours at the top level.
 */
export function shapeDifferences(ours: unknown, seed: unknown, path = '$', extra: readonly string[] = []): string[] {
  const differences: string[] = [];
  if (jsonType(ours) !== jsonType(seed)) return [`${path}: ${jsonType(ours)} where the seed has ${jsonType(seed)}`];
  if (Array.isArray(ours) && Array.isArray(seed)) {
    if (seed.length > 0) for (const item of ours) differences.push(...shapeDifferences(item, seed[0], `${path}[]`));
    return differences;
  }
  if (jsonType(seed) !== 'object') return differences;
  const o = ours as Record<string, unknown>;
  const s = seed as Record<string, unknown>;
  for (const key of Object.keys(s)) {
    if (!(key in o)) differences.push(`${path}.${key}: missing`);
    else differences.push(...shapeDifferences(o[key], s[key], `${path}.${key}`));
  }
  for (const key of Object.keys(o)) if (!(key in s) && !extra.includes(key)) differences.push(`${path}.${key}: not in the seed`);
  return differences;
}

/**
 * Sends an example's request with `key`: as the cURL form it prints, or as the same fields in
 * JSON. `form` replaces the example's pairs (a card year that has passed, say).
 */
export function replayExample(h: Harness, key: string, example: SeedExample, encoding: 'form' | 'json', form = example.form): Promise<ApiResponse> {
  const body = encoding === 'form' ? { form } : { json: nestForm(form) };
  return h.request({ method: 'POST', url: example.path, key, ...body });
}

/**
 * Replays an example as a form with the system clock moved to the example's `created_at`, and
 * checks it answered 200 at that time; answers the response and how many milliseconds after the
 * example's creation ours was made (the clock keeps running between the move and the insert).
 */
export async function replayAtSeedTime(
  h: Harness,
  key: string,
  example: SeedExample,
  form = example.form,
): Promise<{ res: ApiResponse; late: number }> {
  const seedCreated = Date.parse(example.response.created_at as string);
  const shift = seedCreated - h.clock.now().getTime();
  h.clock.advance(shift);
  let res: ApiResponse;
  try {
    res = await replayExample(h, key, example, 'form', form);
  } finally {
    h.clock.advance(-shift);
  }
  expect(res.status, res.text).toBe(200);
  const late = Date.parse(res.body.created_at) - seedCreated;
  expect(late).toBeGreaterThanOrEqual(0);
  expect(late).toBeLessThan(5_000);
  return { res, late };
}

/**
 * 23:59:59 Asia/Tokyo (UTC+9, no DST) on the Tokyo calendar day `days` after `created`'s — written
 * out here rather than imported, so tests do not check src against itself.
 */
export function tokyoEndOfDay(created: string, days: number): string {
  const tokyo = new Date(Date.parse(created) + 9 * 3600_000);
  const end = Date.UTC(tokyo.getUTCFullYear(), tokyo.getUTCMonth(), tokyo.getUTCDate() + days, 23, 59, 59) - 9 * 3600_000;
  return new Date(end).toISOString().replace('.000Z', 'Z');
}

/** Keys our payment has that the 2020 examples lack — and only these. */
export const KEYS_NEWER_THAN_SEED = ['session'];

/**
 * A payment answer has the seed example's keys and JSON types at every level, plus only the keys
 * newer than the seed, and `session` is null (not a session payment).
 */
export function expectSeedPaymentShape(body: Record<string, unknown>, seed: Record<string, unknown>): void {
  expect(shapeDifferences(body, seed, '$', KEYS_NEWER_THAN_SEED)).toEqual([]);
  expect(Object.keys(body).sort()).toEqual([...Object.keys(seed), ...KEYS_NEWER_THAN_SEED].sort());
  expect(body.session).toBeNull();
}

/** Payment fields whose value an example fixes (the rest come from the clock or the id generator). */
export const DETERMINISTIC_PAYMENT_FIELDS = [
  'status',
  'amount',
  'tax',
  'total',
  'currency',
  'metadata',
  'external_order_num',
  'locale',
  'refunds',
  'refund_requests',
  'amount_refunded',
  'description',
  'customer',
  'payment_method_fee',
  'captured_at',
] as const;

export const ISO_SECONDS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
