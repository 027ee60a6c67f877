import { readFileSync } from 'node:fs';
import type { OpenApiDocument, OpenApiOperation } from './types';

/**
 * Examples of the document, taken from the seeds: the 38 request/response pairs of the v1
 * reference (seeds/002, as extracted to shared/fixtures/seed-examples.json and copied verbatim to
 * ./seed-examples.json — test/http/openapi.test.ts checks the copy) for `POST /payments` and
 * `POST /tokens`, and the two session requests of the Hosted Page guide (seeds/000).
 *
 * Two changes to the seed's text, both so that the examples work as printed: card expiry years
 * (2025, now past) become 2035, and each payment gets `session: null`, a field newer than the seed.
 */

interface SeedExample {
  section: string;
  method: string;
  path: string;
  form: [string, string][];
  response: Record<string, unknown>;
  source_line: number;
}

export const SEED_EXAMPLES = (
  JSON.parse(readFileSync(new URL('./seed-examples.json', import.meta.url), 'utf8')) as { examples: SeedExample[] }
).examples;

/** Form fields whose values JSON clients send as numbers (the API takes both). */
const NUMERIC = new Set(['amount', 'tax', 'month', 'year', 'expiry_days']);

/** `a[b]=v` pairs → `{a: {b: v}}`; `json` turns the numeric fields into numbers. */
export function nestForm(pairs: readonly [string, string][], json: boolean): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, raw] of pairs) {
    const path = key.replace(/\]/g, '').split('[');
    const leaf = path[path.length - 1];
    const value = leaf === 'year' && raw === '2025' ? '2035' : raw;
    let node = root;
    for (const part of path.slice(0, -1)) node = (node[part] ??= {}) as Record<string, unknown>;
    node[leaf] = json && NUMERIC.has(leaf) && /^\d+$/.test(value) ? Number(value) : value;
  }
  return root;
}

function typeOf(example: SeedExample): string {
  return example.form.find(([key]) => key === 'payment_details[type]')?.[1] ?? 'example';
}

interface Example {
  summary: string;
  value: unknown;
}

type Examples = Record<string, Example>;

function requestExamples(examples: readonly SeedExample[], json: boolean): Examples {
  return Object.fromEntries(
    examples.map((example) => [typeOf(example), { summary: `${typeOf(example)} (seeds/002, line ${example.source_line})`, value: nestForm(example.form, json) }]),
  );
}

function responseExamples(examples: readonly SeedExample[], patch: (response: Record<string, unknown>) => Record<string, unknown>): Examples {
  return Object.fromEntries(examples.map((example) => [typeOf(example), { summary: typeOf(example), value: patch(example.response) }]));
}

const SESSION_FORMS: Record<string, [string, string][]> = {
  minimal: [
    ['return_url', 'https://example.com/return'],
    ['amount', '1000'],
    ['currency', 'JPY'],
    ['payment_data[external_order_num]', 'my_order_number'],
  ],
  one_click: [
    ['default_locale', 'ja'],
    ['email', 'john@example.com'],
    ['metadata[test]', 'value'],
    ['amount', '8888'],
    ['currency', 'JPY'],
    ['payment_data[external_order_num]', 'my_custom_order'],
    ['payment_data[name]', 'John'],
    ['payment_data[name_kana]', 'ジョン'],
    ['payment_types[]', 'credit_card'],
    ['payment_types[]', 'konbini'],
    ['return_url', 'https://example.com/return?order=1'],
  ],
};

const KONBINI_STORES = ['seven-eleven', 'lawson', 'family-mart', 'ministop', 'daily-yamazaki', 'seicomart'];
const CARD_BRANDS = ['visa', 'master', 'american_express', 'diners_club', 'jcb', 'discover', 'unionpay'];
const BASE = 'http://127.0.0.1:3000';

/** The seed's one-click response (seeds/000), with kessai's URLs and the fields it adds after the seed's. */
const SESSION_RESPONSE = {
  id: 'e9x5mvx3jkpkofzcg7umfael6',
  resource: 'session',
  mode: 'payment',
  amount: 8888,
  currency: 'JPY',
  payment: null,
  session_url: `${BASE}/sessions/e9x5mvx3jkpkofzcg7umfael6`,
  return_url: 'https://example.com/return?order=1',
  default_locale: 'ja',
  payment_methods: [
    { type: 'credit_card', brands: CARD_BRANDS, amount: 8888, currency: 'JPY', exchange_rate: 1, customer_fee: 0, offsite: false, additional_fields: [] },
    {
      type: 'konbini',
      brands: Object.fromEntries(KONBINI_STORES.map((store) => [store, { icon: `/assets/konbini/${store}.svg` }])),
      amount: 8888,
      currency: 'JPY',
      exchange_rate: 1,
      customer_fee: 0,
      offsite: false,
      additional_fields: [],
    },
  ],
  created_at: '2020-08-17T09:03:53Z',
  cancelled_at: null,
  completed_at: null,
  status: 'pending',
  expired: false,
  expires_at: '2020-08-18T09:03:53Z',
  metadata: { test: 'value' },
  payment_data: { external_order_num: 'my_custom_order', name: 'John', name_kana: 'ジョン' },
  email: 'john@example.com',
  external_customer_id: null,
  secure_token: null,
};

/** `transformObject` of @fastify/swagger: puts the examples on their operations. */
export function addExamples(document: OpenApiDocument): OpenApiDocument {
  const payments = SEED_EXAMPLES.filter((example) => example.path === '/api/v1/payments');
  const tokens = SEED_EXAMPLES.filter((example) => example.path === '/api/v1/tokens');
  const paths = document.paths;

  setExamples(paths['/api/v1/payments']?.post, {
    request: [requestExamples(payments, true), requestExamples(payments, false)],
    responses: { 200: responseExamples(payments, (response) => ({ ...response, session: null })) },
  });
  setExamples(paths['/api/v1/tokens']?.post, {
    request: [requestExamples(tokens, true), requestExamples(tokens, false)],
    responses: { 200: responseExamples(tokens, (response) => response) },
  });
  const sessionRequests = (json: boolean): Examples =>
    Object.fromEntries(Object.entries(SESSION_FORMS).map(([name, form]) => [name, { summary: `${name} (seeds/000)`, value: nestForm(form, json) }]));
  setExamples(paths['/api/v1/sessions']?.post, {
    request: [sessionRequests(true), sessionRequests(false)],
    responses: { 200: { one_click: { summary: 'one_click (seeds/000, with the fields kessai adds)', value: SESSION_RESPONSE } } },
  });
  return document;
}

function setExamples(
  operation: OpenApiOperation | undefined,
  { request, responses }: { request: [Examples, Examples]; responses: Record<number, Examples> },
): void {
  if (!operation) return;
  const content = operation.requestBody?.content;
  if (content) {
    // @fastify/swagger shares one media object between the content types: replace, never mutate.
    if (content['application/json']) content['application/json'] = { ...content['application/json'], examples: request[0] };
    const form = 'application/x-www-form-urlencoded';
    if (content[form]) content[form] = { ...content[form], examples: request[1] };
  }
  for (const [status, examples] of Object.entries(responses)) {
    const media = operation.responses[status]?.content;
    if (media?.['application/json']) media['application/json'] = { ...media['application/json'], examples };
  }
}
