import fc from 'fast-check';
import { request as httpRequest } from 'node:http';
import type { InjectOptions } from 'fastify';
import qs from 'qs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLoginLink } from '../../src/domain/dashboard/auth';
import { ERROR_CATALOGUE } from '../../src/kernel/errors';
import { basicAuth, startHarness, testCard, type Harness, type TestMerchant } from '../helpers/harness';

// Malformed input to every route: each operation of GET /api/v1/openapi.json, the customer pages
// and the dashboard (the routes as Fastify adds them) — NUL characters, broken percent-encodings,
// huge values, deep nesting, wrong types, arrays for scalars, very long ids — with valid keys, a
// signed-in dashboard and real ids, so that the input gets past authentication and reaches the
// code behind. No answer may be a 5xx (but a card decline's 502) or name an internal (Fastify's
// codes, exception class names, SQL). fast-check draws the requests from fixed seeds, a bounded
// number per route, so a run is the same every time; every problem is listed at the end.

const SEED = 20_261_213;
/** Requests drawn per route, beyond the sweep every route and field gets. */
const PER_ROUTE = 80;

/** What an answer must never show: the framework's codes, exception classes, SQL, stack frames. */
const INTERNAL = /FST_[A-Z_]+|\b[A-Z][A-Za-z]*(?:Error|Exception)\b|syntax error|\brelation "|\bcolumn "|violates|invalid input syntax|duplicate key|unterminated|node_modules|\n\s+at \S+ \(|\.ts:\d+/;

/** Path segments as sent (already percent-encoded where they are), none of them a real id. */
const BAD_SEGMENTS = [
  '%00',
  'abc%00def',
  '%ZZ',
  '%',
  '%E0%A4%A',
  '%C0%80',
  '%FF%FE',
  '%ED%A0%80',
  '%F0%9F%98',
  '%2e%2e',
  '%2F',
  '%27%3B%20DROP%20TABLE%20payments%3B--',
  '%E6%97%A5%E6%9C%AC',
  'a'.repeat(65),
  'a'.repeat(101),
  'a'.repeat(5000),
  'tok_' + 'a'.repeat(25),
  '0',
  '-1',
  '%20',
];

/** Query and form values as sent (raw, percent-encoded where they are). */
const BAD_VALUES = [
  '%00',
  'x%00',
  '%ZZ',
  '%',
  '%E0%A4%A',
  '%ED%A0%80',
  '',
  'x'.repeat(10_000),
  '-1',
  '0',
  '1e309',
  '99999999999999999999999',
  'NaN',
  'true',
  'null',
  '[]',
  '%7B%7D',
  '2026-13-45',
  '2026-12-01',
  '%2B275760-09-13T00%3A00%3A00.001Z',
  '0000-00-00T00%3A00%3A00Z',
  '9999-12-31T23%3A59%3A59Z',
  '%27%20OR%201%3D1--',
  '%E6%97%A5%E6%9C%AC',
  '%F0%9F%98%80',
];

/** JSON values put where a body field goes. */
const BAD_JSON: unknown[] = [
  null,
  true,
  false,
  -1,
  0,
  1.5,
  1e308,
  2 ** 53 + 1,
  -(2 ** 31),
  '',
  'x\u0000y',
  '\u0000',
  'x\ud800',
  '\udc00y',
  'x'.repeat(100_000),
  '1000',
  ' ',
  '日本語',
  'tok_' + 'z'.repeat(25),
  [],
  [1, 2],
  ['a', null],
  {},
  { a: 1 },
  { type: 'credit_card' },
  { type: '\u0000' },
  nested(20),
  Array.from({ length: 1000 }, (_, i) => i),
];

/** Field names the pages and the dashboard read, and a few no route has. */
const PAGE_FIELDS = [
  'locale',
  'type',
  'store',
  'email',
  'name',
  'number',
  'month',
  'year',
  'verification_value',
  'expiry',
  'family_name',
  'given_name',
  'phone',
  'prepaid_number',
  'action',
  'token',
  'password',
  'save_card',
  'uuid',
  'amount',
  'description',
  'back',
  'webhook',
  'grace',
  'url',
  'secret_token',
  'events',
  'active',
  'seconds',
  'status',
  'method',
  'external_order_num',
  'from',
  'to',
  'page',
  'per_page',
  'q',
  'payment_types',
  'methods',
  'session_id',
  '%00',
  'x%5By%5D%5Bz%5D',
];

function nested(depth: number): unknown {
  let value: unknown = 'deep';
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

interface Target {
  method: string;
  /** Fastify's form: `/api/v1/payments/:id`. */
  route: string;
  kind: 'api' | 'page' | 'dashboard';
  query: string[];
  body: BodySpec | null;
}

interface BodySpec {
  bases: Record<string, unknown>[];
  /** Dotted paths worth breaking: the schema's properties and the examples' fields. */
  paths: string[];
}

interface Sent {
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string;
}

let h: Harness;
let m: TestMerchant;
let shop: TestMerchant;
let targets: Target[] = [];
const added: { method: string; url: string }[] = [];
/** Real ids by the route's path parameter context, so that input reaches the code behind the lookup. */
const ids: Record<string, string[]> = {};
let dashboardCookie = '';
let dashboardCsrf = '';
const problems = new Set<string>();
let sent = 0;

beforeAll(async () => {
  h = await startHarness({
    onRoute: (route) => {
      for (const method of [route.method].flat()) added.push({ method, url: route.url });
    },
  });
  m = await h.merchant();
  shop = await h.merchant();
  await makeFixtures();
  const document = JSON.parse((await h.app.inject({ url: '/api/v1/openapi.json' })).body) as OpenApi;
  targets = [...apiTargets(document), ...pageTargets()];
}, 120_000);

afterAll(() => h.close());

describe('fuzzing every route', () => {
  it('reads every operation of the OpenAPI document and every page', () => {
    expect(targets.filter((t) => t.kind === 'api').length).toBeGreaterThan(40);
    expect(targets.filter((t) => t.kind === 'page').length).toBeGreaterThan(8);
    expect(targets.filter((t) => t.kind === 'dashboard').length).toBeGreaterThan(15);
  });

  it('answers no 5xx and names nothing internal, whatever the input', { timeout: 600_000 }, async () => {
    for (const [index, target] of targets.entries()) {
      for (const request of sweep(target)) await send(target, request);
      for (const request of fc.sample(requestArbitrary(target), { seed: SEED + index, numRuns: PER_ROUTE })) await send(target, request);
    }
    await fuzzEventStream();
    expect(sent).toBeGreaterThan(8000);
    expect([...problems].slice(0, 40), `${problems.size} problems in ${sent} requests`).toEqual([]);
  });
});

// ── What is sent ────────────────────────────────────────────────────────────────────────────────

/** Every route gets NUL, a broken encoding and a long id in each path parameter, query parameter and body field. */
function* sweep(target: Target): Generator<Sent> {
  const params = paramNames(target.route);
  for (const param of params) {
    for (const bad of ['%00', '%ZZ', 'a'.repeat(200), '%ED%A0%80']) yield build(target, { ...realParams(target), [param]: bad }, '', target.body?.bases[0]);
  }
  const fields = target.kind === 'api' ? target.query : PAGE_FIELDS.slice(0, 8);
  for (const name of fields) for (const bad of ['%00', '%ZZ', 'x'.repeat(5000), '2026-12-01']) yield build(target, realParams(target), `${name}=${bad}`, target.body?.bases[0]);
  yield build(target, realParams(target), fields.map((name) => `${name}[]=1&${name}[a]=2`).join('&'), target.body?.bases[0]);
  if (target.method !== 'POST' && target.method !== 'PATCH') return;
  if (target.body) {
    for (const path of target.body.paths) {
      for (const bad of ['x\u0000', { a: [1] }, 'x'.repeat(100_000)]) {
        yield build(target, realParams(target), '', setPath(target.body.bases[0], path, bad));
      }
    }
  } else {
    for (const name of PAGE_FIELDS) yield build(target, realParams(target), '', undefined, [[name, '%00'], ['_csrf', dashboardCsrf]]);
  }
  for (const [type, payload] of RAW_BODIES) yield { ...build(target, realParams(target), ''), payload, headers: { ...headersFor(target), 'content-type': type } };
}

const RAW_BODIES: [string, string][] = [
  ['application/json', '{"amount":'],
  ['application/json', '[1,2]'],
  ['application/json', '"text"'],
  ['application/json', 'null'],
  ['application/json', '{"a":"\\u0000"}'],
  ['application/json', '{"a":"\\ud800"}'],
  ['application/json', `{"metadata":${'['.repeat(50_000)}${']'.repeat(50_000)}}`],
  ['application/json; charset=latin1', '{"amount":1}'],
  ['application/x-www-form-urlencoded', 'a=%ZZ&b=%00&c[d][e][f][g][h][i]=1&' + 'x[]=1&'.repeat(200)],
  ['application/x-www-form-urlencoded', '%'],
  ['text/plain', 'amount=1'],
  ['multipart/form-data', '--x\r\n'],
  ['application/xml', '<a/>'],
];

function requestArbitrary(target: Target): fc.Arbitrary<Sent> {
  const params = paramNames(target.route);
  const paramArb = fc.record(
    Object.fromEntries(
      params.map((param) => [
        param,
        fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...realIds(target, param)) }, { weight: 2, arbitrary: fc.constantFrom(...BAD_SEGMENTS) }),
      ]),
    ) as Record<string, fc.Arbitrary<string>>,
  );
  const names = target.kind === 'api' && target.query.length > 0 ? target.query : PAGE_FIELDS;
  const pairArb = fc.tuple(
    fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...names) }, { weight: 1, arbitrary: fc.constantFrom(...names).map((n) => `${n}[]`) }, { weight: 1, arbitrary: fc.constantFrom(...names).map((n) => `${n}[x][y]`) }),
    fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...BAD_VALUES) }, { weight: 1, arbitrary: fc.string({ maxLength: 20 }).map(encodeURIComponentSafe) }),
  );
  const queryArb = fc.array(pairArb, { maxLength: 4 }).map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join('&'));
  const bodyArb: fc.Arbitrary<{ json?: unknown; form?: [string, string][] }> = target.body
    ? fc
        .tuple(
          fc.constantFrom(...target.body.bases),
          fc.array(fc.tuple(fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...target.body.paths) }, { weight: 1, arbitrary: fc.constantFrom('x', 'payment_details.x', 'metadata.k') }), fc.constantFrom(...BAD_JSON)), {
            minLength: 1,
            maxLength: 3,
          }),
        )
        .map(([base, mutations]) => ({ json: mutations.reduce<unknown>((body, [path, value]) => setPath(body, path, value), base) }))
    : fc.array(pairArb, { maxLength: 6 }).map((form) => ({ form: [...form, ['_csrf', dashboardCsrf]] as [string, string][] }));
  const asForm = fc.boolean();
  const versionArb = fc.constantFrom(undefined, '2024-07-15', '2025-01-28', 'x', '9999-99-99');
  const idempotencyArb = fc.constantFrom(undefined, 'k1', 'k2', 'x'.repeat(101), ' ');
  return fc.tuple(paramArb, queryArb, bodyArb, asForm, versionArb, idempotencyArb).map(([p, query, body, form, version, idempotency]) => {
    const request = build(target, p, query, body.json, body.form, form);
    if (target.kind === 'api') {
      if (version) request.headers['x-komoju-api-version'] = version;
      if (idempotency) request.headers['x-komoju-idempotency'] = idempotency;
    }
    return request;
  });
}

function build(target: Target, params: Record<string, string>, query: string, json?: unknown, form?: [string, string][], asForm = false): Sent {
  const path = target.route.replace(/:([A-Za-z_]+)|\*/g, (match, name: string | undefined) => params[name ?? '*'] ?? match);
  const request: Sent = { method: target.method, url: query ? `${path}?${query}` : path, headers: headersFor(target) };
  if (target.method === 'GET' || target.method === 'HEAD') return request;
  if (form) {
    request.headers['content-type'] = 'application/x-www-form-urlencoded';
    request.payload = form.map(([k, v]) => `${k}=${v}`).join('&');
  } else if (json !== undefined) {
    const encoded = asForm ? formOf(json) : null;
    request.headers['content-type'] = encoded === null ? 'application/json' : 'application/x-www-form-urlencoded';
    request.payload = encoded ?? JSON.stringify(json);
  }
  return request;
}

function headersFor(target: Target): Record<string, string> {
  if (target.kind === 'api') return { authorization: basicAuth(m.secretKey) };
  if (target.kind === 'dashboard') return { cookie: dashboardCookie };
  return {};
}

function formOf(value: unknown): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  try {
    return qs.stringify(value, { arrayFormat: 'brackets' });
  } catch {
    return null;
  }
}

function encodeURIComponentSafe(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return '%ED%A0%80';
  }
}

async function send(target: Target, request: Sent): Promise<void> {
  sent++;
  const res = await h.app.inject({ method: request.method as InjectOptions['method'], url: request.url, headers: request.headers, payload: request.payload });
  const where = `${request.method} ${target.route} → ${res.statusCode} (${request.url.slice(0, 120)}${request.payload ? ` ${request.payload.slice(0, 160)}` : ''})`;
  let body: { error?: { code?: string } } | undefined;
  try {
    body = JSON.parse(res.body);
  } catch {
    body = undefined;
  }
  const decline = res.statusCode === 502 && body?.error?.code !== undefined && ERROR_CATALOGUE[body.error.code as keyof typeof ERROR_CATALOGUE]?.[0] === 502 && body.error.code !== 'bad_gateway';
  if (res.statusCode >= 500 && !decline) problems.add(`${where}: ${res.body.slice(0, 200)}`);
  // The API's documentation names its schemas (`PaySessionError` …) by design.
  const documentation = res.statusCode < 300 && (target.route === '/api/v1/openapi.json' || target.route.startsWith('/docs'));
  const internal = INTERNAL.exec(res.body);
  if (!documentation && internal) problems.add(`${where}: names "${internal[0]}": ${res.body.slice(0, 200)}`);
  if (target.kind === 'api' && res.statusCode >= 400) {
    const envelope = body?.error !== undefined && String(res.headers['content-type']).startsWith('application/json');
    if (!envelope) problems.add(`${where}: not KOMOJU's envelope: ${res.body.slice(0, 200)}`);
  }
  if (target.kind !== 'api' && res.statusCode >= 400 && !String(res.headers['content-type']).startsWith('text/html')) {
    problems.add(`${where}: a page answered ${res.headers['content-type']}: ${res.body.slice(0, 200)}`);
  }
}

/**
 * The event stream never ends when the request is good: over real HTTP, read the status, and
 * leave by closing the socket (fetch's abort can leave it open, and the server waits for it).
 */
async function fuzzEventStream(): Promise<void> {
  const port = Number(new URL(await h.listen()).port);
  const requests = fc.sample(fc.tuple(fc.constantFrom(...BAD_VALUES), fc.constantFrom(undefined, '', 'x'.repeat(5000), 'evt', '%00', '日本')), { seed: SEED, numRuns: 20 });
  for (const [value, lastEventId] of requests) {
    sent++;
    const headers: Record<string, string> = { authorization: basicAuth(m.secretKey) };
    if (lastEventId !== undefined) headers['last-event-id'] = encodeURIComponentSafe(lastEventId);
    const { status, text } = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, path: `/api/v1/events/stream?after=${value}&type=${value}`, headers, agent: false }, (res) => {
        if (res.statusCode === 200) {
          req.destroy();
          return resolve({ status: 200, text: '' });
        }
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, text: body }));
      });
      req.on('error', reject);
      req.end();
    });
    if (status >= 500 || INTERNAL.test(text)) problems.add(`GET /api/v1/events/stream → ${status}: ${text.slice(0, 200)}`);
  }
}

// ── The routes ──────────────────────────────────────────────────────────────────────────────────

interface OpenApi {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: { schemas: Record<string, Schema> };
}
interface OpenApiOperation {
  parameters?: { in: string; name: string }[];
  requestBody?: { content: Record<string, { schema?: Schema; examples?: Record<string, { value: unknown }> }> };
}
type Schema = Record<string, any>;

function apiTargets(document: OpenApi): Target[] {
  const found: Target[] = [];
  for (const [path, operations] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      const route = path.replace(/\{([^}]+)\}/g, ':$1');
      // A good request never ends (server-sent events): fuzzed over real HTTP instead.
      if (route === '/api/v1/events/stream') continue;
      const query = (operation.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
      const content = operation.requestBody?.content['application/json'];
      let body: BodySpec | null = null;
      if (content?.schema) {
        const schema = resolve(content.schema, document);
        const examples = Object.values(content.examples ?? {}).map((e) => e.value).filter((v): v is Record<string, unknown> => typeof v === 'object' && v !== null);
        const bases = examples.length > 0 ? examples : [sample(schema, document, 0) as Record<string, unknown>];
        const paths = new Set<string>(Object.keys(schema.properties ?? {}));
        for (const base of bases) for (const leaf of leaves(base)) paths.add(leaf);
        body = { bases, paths: [...paths] };
      }
      found.push({ method: method.toUpperCase(), route, kind: 'api', query, body });
    }
  }
  return found;
}

function pageTargets(): Target[] {
  const seen = new Set<string>();
  const found: Target[] = [];
  for (const { method, url } of added) {
    // The probes answer JSON or Prometheus text, as their callers (balancers, scrapers) want, not pages.
    if (url.startsWith('/api/') || ['/health', '/ready', '/metrics'].includes(url) || (method !== 'GET' && method !== 'POST')) continue;
    // Signing out would end the session the rest of the dashboard is fuzzed with.
    if (url === '/dashboard/logout') continue;
    const key = `${method} ${url}`;
    if (seen.has(key)) continue;
    seen.add(key);
    found.push({ method, route: url, kind: url.startsWith('/dashboard') ? 'dashboard' : 'page', query: [], body: null });
  }
  return found;
}

function resolve(schema: Schema, document: OpenApi): Schema {
  const ref = schema.$ref as string | undefined;
  if (!ref) return schema;
  const name = ref.split('/').pop()!;
  return document.components.schemas[name] ?? {};
}

/** A plausible value of `schema`: the first choice of every union, the required properties. */
function sample(raw: Schema, document: OpenApi, depth: number): unknown {
  const schema = resolve(raw, document);
  if (depth > 4) return null;
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return schema.enum[0];
  if (schema.anyOf || schema.oneOf) return sample((schema.anyOf ?? schema.oneOf)[0], document, depth + 1);
  switch (schema.type) {
    case 'integer':
    case 'number':
      return Math.max(schema.minimum ?? 0, Math.min(schema.maximum ?? 1000, 1000));
    case 'boolean':
      return false;
    case 'string':
      if (schema.format === 'uri' || /url/i.test(schema.description ?? '')) return 'https://shop.example/return';
      if (schema.format === 'email') return 'a@example.com';
      if (schema.format === 'date-time') return new Date().toISOString();
      return 'x'.repeat(Math.max(1, schema.minLength ?? 1));
    case 'array':
      return [sample(schema.items ?? {}, document, depth + 1)];
    case 'object': {
      const value: Record<string, unknown> = {};
      for (const name of schema.required ?? []) value[name] = sample(schema.properties?.[name] ?? {}, document, depth + 1);
      return value;
    }
    default:
      return 'x';
  }
}

function leaves(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return prefix ? [prefix] : [];
  return Object.entries(value).flatMap(([key, child]) => leaves(child, prefix ? `${prefix}.${key}` : key));
}

function setPath(base: unknown, path: string, value: unknown): unknown {
  const copy = structuredClone(typeof base === 'object' && base !== null ? base : {}) as Record<string, unknown>;
  const parts = path.split('.');
  let node = copy;
  for (const part of parts.slice(0, -1)) {
    if (typeof node[part] !== 'object' || node[part] === null) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts[parts.length - 1]] = value;
  return copy;
}

function paramNames(route: string): string[] {
  return [...route.matchAll(/:([A-Za-z_]+)|\*/g)].map((match) => match[1] ?? '*');
}

function realParams(target: Target): Record<string, string> {
  return Object.fromEntries(paramNames(target.route).map((param) => [param, realIds(target, param)[0]]));
}

/** Real ids for a path parameter, by where it sits: a payment's id for /payments/:id … */
function realIds(target: Target, param: string): string[] {
  const route = target.route;
  if (param === 'locale') return ['ja', 'en', 'ko'];
  if (param === 'outcome') return ['complete', 'reject', 'x'];
  if (param === '*') return ['kessai.css', 'konbini/lawson.svg', 'cards/visa.svg', 'x.svg'];
  if (param === 'token') return ['a'.repeat(40)];
  const scope = target.kind === 'dashboard' ? 'dashboard:' : '';
  for (const [prefix, key] of [
    ['/api/v1/test_helpers/payments', 'pending'],
    ['/api/v1/test_helpers/refund_requests', 'refund_request'],
    ['/api/v1/payments', 'payment'],
    ['/api/v1/sessions', 'session'],
    ['/api/v1/customers', 'customer'],
    ['/api/v1/webhooks', 'webhook'],
    ['/api/v1/events', 'event'],
    ['/api/v1/secure_tokens', 'secure_token'],
    ['/api/v1/external_customers', 'external_customer'],
    ['/sessions', 'session'],
    ['/offsite', 'offsite'],
    ['/dashboard/payments', 'payment'],
    ['/dashboard/developers/events', 'event'],
    ['/dashboard/developers/webhooks', 'webhook'],
    ['/', 'pending'],
  ] as const) {
    if (route.startsWith(prefix) && ids[scope + key]?.length) return ids[scope + key];
  }
  return ['a'.repeat(25)];
}

// ── Fixtures ────────────────────────────────────────────────────────────────────────────────────

async function api(key: string, method: 'GET' | 'POST', url: string, json?: unknown): Promise<any> {
  const res = await h.request({ method, url, key, json });
  if (res.status >= 300) throw new Error(`${method} ${url} → ${res.status} ${res.text}`);
  return res.body;
}

async function makeFixtures(): Promise<void> {
  const card = await api(m.secretKey, 'POST', '/api/v1/payments', { amount: 1000, currency: 'JPY', payment_details: testCard() });
  const authorized = await api(m.secretKey, 'POST', '/api/v1/payments', { amount: 1000, currency: 'JPY', capture: false, payment_details: testCard() });
  const konbini = await api(m.secretKey, 'POST', '/api/v1/payments', { amount: 1000, currency: 'JPY', payment_details: { type: 'konbini', store: 'lawson', email: 'a@example.com' } });
  const paypay = await api(m.secretKey, 'POST', '/api/v1/payments', { amount: 1000, currency: 'JPY', return_url: 'https://shop.example/back', payment_details: { type: 'paypay' } });
  const session = await api(m.secretKey, 'POST', '/api/v1/sessions', { amount: 1000, currency: 'JPY', return_url: 'https://shop.example/back' });
  const customer = await api(m.secretKey, 'POST', '/api/v1/customers', { email: 'c@example.com', payment_details: testCard() });
  const webhook = await api(m.secretKey, 'POST', '/api/v1/webhooks', { url: 'https://example.com/hooks' });
  const secureToken = await api(m.secretKey, 'POST', '/api/v1/secure_tokens', { amount: 1000, currency: 'JPY', return_url: 'https://shop.example/back', payment_details: testCard() });
  const cash = await api(m.secretKey, 'POST', '/api/v1/payments', { amount: 1000, currency: 'JPY', payment_details: { type: 'konbini', store: 'lawson', email: 'a@example.com' } });
  await api(m.secretKey, 'POST', `/api/v1/test_helpers/payments/${cash.id}/pay`, {});
  const refundRequest = await api(m.secretKey, 'POST', `/api/v1/payments/${cash.id}/refund_request`, {
    amount: 100,
    customer_name: 'ヤマダ タロウ',
    bank_name: 'Bank',
    branch_number: '123',
    account_type: 'normal',
    account_number: '1234567',
    include_payment_method_fee: false,
  });
  const events = await api(m.secretKey, 'GET', '/api/v1/events');
  ids.payment = [card.id, authorized.id, konbini.id, cash.id];
  ids.pending = [konbini.id, paypay.id];
  ids.offsite = [paypay.id];
  ids.session = [session.id];
  ids.customer = [customer.id];
  ids.webhook = [webhook.id];
  ids.event = events.data.map((event: { id: string }) => event.id).slice(0, 3);
  ids.secure_token = [secureToken.id];
  ids.external_customer = ['ext-1'];
  ids.refund_request = [refundRequest.refund_requests[0].id];

  // The dashboard is fuzzed signed in as another merchant: its key roll must not cut the API's key.
  const shopPayment = await api(shop.secretKey, 'POST', '/api/v1/payments', { amount: 1000, currency: 'JPY', payment_details: testCard() });
  const shopWebhook = await api(shop.secretKey, 'POST', '/api/v1/webhooks', { url: 'https://example.com/hooks' });
  const shopEvents = await api(shop.secretKey, 'GET', '/api/v1/events');
  ids['dashboard:payment'] = [shopPayment.id];
  ids['dashboard:webhook'] = [shopWebhook.id];
  ids['dashboard:event'] = shopEvents.data.map((event: { id: string }) => event.id).slice(0, 2);
  const token = await createLoginLink(h.store.db, shop.id, h.clock.now());
  const login = await h.app.inject({ url: `/dashboard/login/${token}` });
  const cookie = [login.headers['set-cookie'] ?? []].flat().find((c) => c.startsWith('kessai_dashboard='));
  if (!cookie) throw new Error(`dashboard sign-in failed: ${login.statusCode}`);
  dashboardCookie = cookie.split(';')[0];
  const settings = await h.app.inject({ url: '/dashboard/settings', headers: { cookie: dashboardCookie } });
  dashboardCsrf = /name="_csrf" value="([^"]+)"/.exec(settings.body)?.[1] ?? '';
  if (!dashboardCsrf) throw new Error('no CSRF token on the dashboard');
}
