import { existsSync, readFileSync } from 'node:fs';
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Operation } from '../../src/http/openapi/operation';
import { startHarness, testCard, type Harness, type TestMerchant } from '../helpers/harness';
import { createResponseChecker, openApiPath, type RecordedResponse } from '../helpers/response-check';

const SHARED_FIXTURE = new URL('../../../shared/fixtures/seed-examples.json', import.meta.url);

/**
 * The API reference: GET /api/v1/openapi.json (OpenAPI 3.1, generated from the routes) and the
 * page at /docs. Besides the checks here, every /api/v1 response of every test file that uses the
 * harness is held against this document when the file ends (test/helpers/response-check.ts); the
 * last describe block shows that check failing on a response that does not match.
 */

let h: Harness;
let merchant: TestMerchant;
let document: any;
/** `METHOD /path` → the `config.operation` it was registered with, for every route but HEAD. */
const operations = new Map<string, Operation | undefined>();

/**
 * `METHOD /path` of every route the app serves, from its route tree. A node may continue its
 * parent's segment without a slash (`/refund` → `_request`).
 */
function servedRoutes(app: Harness['app']): string[] {
  const routes: string[] = [];
  const stack: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /── (\S+) \(([A-Z, ]+)\)/.exec(line);
    if (!match) continue;
    const depth = Math.floor(line.indexOf(match[1]) / 4);
    stack.length = depth;
    stack.push(match[1]);
    for (const method of match[2].split(', ')) if (method !== 'HEAD') routes.push(`${method} ${stack.join('')}`);
  }
  return routes;
}

beforeAll(async () => {
  h = await startHarness({
    onRoute: (route) => {
      for (const method of [route.method].flat()) if (method !== 'HEAD') operations.set(`${method} ${route.url}`, route.config?.operation);
    },
  });
  merchant = await h.merchant();
  const res = await h.request({ url: '/api/v1/openapi.json' });
  document = res.body;
});
afterAll(() => h.close());

describe('GET /api/v1/openapi.json', () => {
  it('answers the OpenAPI 3.1 document without a key', async () => {
    const res = await h.request({ url: '/api/v1/openapi.json' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body.openapi).toBe('3.1.0');
    expect(res.body.info.title).toContain('KOMOJU');
  });

  it('passes the OpenAPI 3.1 schema validator', async () => {
    const result = await new Validator().validate(structuredClone(document));
    expect(result.errors ?? [], JSON.stringify(result.errors, null, 2)).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('documents every /api/v1 route: summary, tag, security, a success response and the error envelope', () => {
    const api = servedRoutes(h.app).filter((route) => route.split(' ')[1].startsWith('/api/v1/') || route === 'GET /health');
    expect(api.length).toBeGreaterThan(40);
    for (const route of api) {
      const [method, url] = route.split(' ');
      const operation = document.paths[openApiPath(url)]?.[method.toLowerCase()];
      expect(operation, route).toBeDefined();
      expect(operation.summary, route).toBeTruthy();
      expect(operation.tags, route).toHaveLength(1);
      expect(Array.isArray(operation.security), route).toBe(true);
      if (method === 'OPTIONS') {
        expect(Object.keys(operation.responses), route).toEqual(['204']);
        continue;
      }
      expect(operations.get(route), `${route} has no config.operation`).toBeDefined();
      const success = Object.keys(operation.responses).filter((status) => status.startsWith('2'));
      expect(success.length, route).toBeGreaterThan(0);
      if (route !== 'GET /health' && route !== 'GET /api/v1/openapi.json') {
        for (const status of ['400', '401', '500', '503']) {
          expect(JSON.stringify(operation.responses[status]?.content?.['application/json']?.schema), `${route} ${status}`).toMatch(/Error/);
        }
      }
    }
    // And nothing documented that is not served.
    const documented = [...operations].filter(([, operation]) => operation).map(([route]) => route);
    for (const route of documented) expect(api, `${route} is documented but not served`).toContain(route);
  });

  it('says which key each route takes: secret, publishable (either) or none', () => {
    const security = (method: string, path: string) => document.paths[path][method].security;
    expect(security('post', '/api/v1/payments')).toEqual([{ secretKey: [] }]);
    expect(security('post', '/api/v1/tokens')).toEqual([{ secretKey: [] }, { publishableKey: [] }]);
    expect(security('get', '/api/v1/sessions/{id}')).toEqual([{ secretKey: [] }, { publishableKey: [] }]);
    expect(security('get', '/health')).toEqual([]);
    expect(security('options', '/api/v1/tokens')).toEqual([]);
    expect(document.components.securitySchemes.secretKey).toMatchObject({ type: 'http', scheme: 'basic' });
    expect(document.components.securitySchemes.publishableKey).toMatchObject({ type: 'http', scheme: 'basic' });
  });

  it('documents request bodies in JSON and bracket-notation forms, with each method\'s payment_details', () => {
    const body = document.paths['/api/v1/payments'].post.requestBody;
    expect(Object.keys(body.content)).toEqual(['application/json', 'application/x-www-form-urlencoded']);
    const schema = body.content['application/json'].schema;
    expect(schema.required).toEqual(expect.arrayContaining(['amount', 'currency']));
    expect(JSON.stringify(schema.properties.payment_details)).toContain('#/components/schemas/KonbiniDetails');
    expect(document.components.schemas.KonbiniDetails.properties.store).toBeDefined();
    expect(document.paths['/api/v1/payments'].post.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(['X-KOMOJU-IDEMPOTENCY', 'X-KOMOJU-API-VERSION', 'Komoju-Scenario']),
    );
  });

  it('carries the seed examples on payments, tokens and sessions, and each matches its schema', () => {
    const checker = createResponseChecker(document);
    const cases: [string, string, number][] = [
      ['post', '/api/v1/payments', 15],
      ['post', '/api/v1/tokens', 23],
      ['post', '/api/v1/sessions', 1],
    ];
    for (const [method, path, count] of cases) {
      const operation = document.paths[path][method];
      expect(Object.keys(operation.requestBody.content['application/json'].examples).length, path).toBeGreaterThanOrEqual(count === 1 ? 2 : count);
      expect(Object.keys(operation.requestBody.content['application/x-www-form-urlencoded'].examples).length, path).toBeGreaterThanOrEqual(count === 1 ? 2 : count);
      const examples = operation.responses['200'].content['application/json'].examples;
      expect(Object.keys(examples), path).toHaveLength(count);
      for (const [name, example] of Object.entries<{ value: unknown }>(examples)) {
        const problems = checker.check({ method: method.toUpperCase(), route: path, status: 200, contentType: 'application/json', body: JSON.stringify(example.value) });
        expect(problems, `${path} example ${name}`).toEqual([]);
      }
    }
  });

  // The source documents sit beside the repository on the team's machines and in CI; a clone
  // alone has only the copy, which every seed test reads.
  it.runIf(existsSync(SHARED_FIXTURE))('keeps a verbatim copy of shared/fixtures/seed-examples.json', () => {
    const copy = readFileSync(new URL('../../src/http/openapi/seed-examples.json', import.meta.url), 'utf8');
    expect(JSON.parse(copy)).toEqual(JSON.parse(readFileSync(SHARED_FIXTURE, 'utf8')));
  });

  it('the seed examples, replayed, answer what the document says', async () => {
    // Each request as the seed prints it (a card year in the future); the harness check holds the
    // responses against the document when this file closes, the shape check here right away.
    const checker = createResponseChecker(document);
    const { SEED_EXAMPLES, nestForm } = await import('../../src/http/openapi/examples');
    for (const example of SEED_EXAMPLES) {
      const res = await h.request({ method: 'POST', url: example.path, key: merchant.secretKey, json: nestForm(example.form, true) });
      expect(res.status, `${example.path} ${example.source_line}: ${res.text}`).toBeLessThan(300);
      const problems = checker.check({ method: 'POST', route: example.path, status: res.status, contentType: String(res.headers['content-type']), body: res.text });
      expect(problems, `line ${example.source_line}`).toEqual([]);
    }
  });
});

describe('POST /api/v1/sessions/:id/pay errors', () => {
  it('answers every failure with the envelope and "status": "error", also a refused body or key, as documented', async () => {
    const session = await h.request({ method: 'POST', url: '/api/v1/sessions', key: merchant.secretKey, json: { amount: 1000, currency: 'JPY', return_url: 'https://example.com/back' } });
    expect(session.status, session.text).toBe(200);
    const url = `/api/v1/sessions/${session.body.id}/pay`;
    const declined = await h.request({ method: 'POST', url, key: merchant.publishableKey, json: { payment_details: testCard({ number: '4123111111111059' }) } });
    expect(declined.status).toBe(502);
    expect(declined.body).toMatchObject({ status: 'error', error: { code: 'card_declined' } });
    // Refused before the handler runs: by the body schema, and by authentication (docs/decisions.md #8).
    const invalid = await h.request({ method: 'POST', url, key: merchant.publishableKey, json: {} });
    expect(invalid.status).toBe(422);
    expect(invalid.body).toEqual({
      status: 'error',
      error: { code: 'missing_parameter', message: expect.any(String), param: 'payment_details', details: { errors: [expect.objectContaining({ param: 'payment_details' })] } },
    });
    const unauthorized = await h.request({ method: 'POST', url, key: 'pk_nobody', json: {} });
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.body).toMatchObject({ status: 'error', error: { code: 'unauthorized' } });
    const checker = createResponseChecker(document);
    for (const res of [declined, invalid, unauthorized]) {
      expect(checker.check({ method: 'POST', route: '/api/v1/sessions/:id/pay', status: res.status, contentType: 'application/json', body: res.text })).toEqual([]);
    }
  });
});

describe('GET /docs', () => {
  it('answers an HTML page whose scripts and stylesheets this server serves, under a strict CSP', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/docs' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:/);
    // No inline script or style: the CSP would refuse them.
    expect(res.body).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
    expect(res.body).not.toMatch(/<style/);

    const assets = [...res.body.matchAll(/<(?:script[^>]*\ssrc|link[^>]*\shref)="([^"]+)"/g)].map((m) => m[1]);
    expect(assets.length).toBeGreaterThanOrEqual(4);
    for (const asset of assets) {
      expect(asset, 'served from here, not a CDN').not.toMatch(/^(https?:)?\/\//);
      const url = new URL(asset, 'http://kessai.test/docs').pathname;
      const served = await h.app.inject({ method: 'GET', url });
      expect(served.statusCode, url).toBe(200);
      expect(served.headers['content-type'], url).toMatch(/javascript|css|image/);
      expect(served.body.length, url).toBeGreaterThan(100);
    }
  });

  it('renders the same document as /api/v1/openapi.json', async () => {
    const initializer = await h.app.inject({ method: 'GET', url: '/docs/static/swagger-initializer.js' });
    expect(initializer.body).toContain("resolveUrl('./json')");
    const json = await h.app.inject({ method: 'GET', url: '/docs/json' });
    expect(json.statusCode).toBe(200);
    expect(json.json()).toEqual(document);
  });
});

describe('the response check', () => {
  let payment: RecordedResponse;

  beforeAll(async () => {
    const res = await h.request({ method: 'POST', url: '/api/v1/payments', key: merchant.secretKey, json: { amount: 1000, currency: 'JPY', payment_details: testCard() } });
    expect(res.status).toBe(200);
    payment = { method: 'POST', route: '/api/v1/payments', status: 200, contentType: 'application/json; charset=utf-8', body: res.text };
  });

  it('passes a real response', () => {
    expect(createResponseChecker(document).check(payment)).toEqual([]);
  });

  it('fails on a field the document does not declare', () => {
    const body = JSON.stringify({ ...JSON.parse(payment.body), surprise: 1 });
    expect(createResponseChecker(document).check({ ...payment, body })).toEqual([
      'POST /api/v1/payments → 200: (body) must NOT have additional properties (surprise)',
    ]);
  });

  it('fails on a missing required field, a wrong type, and an undocumented status', () => {
    const { total: _total, ...rest } = JSON.parse(payment.body);
    const checker = createResponseChecker(document);
    expect(checker.check({ ...payment, body: JSON.stringify(rest) })).toEqual([
      "POST /api/v1/payments → 200: (body) must have required property 'total'",
    ]);
    expect(checker.check({ ...payment, body: JSON.stringify({ ...rest, total: '1100' }) }).join()).toContain('/total must be integer');
    expect(checker.check({ ...payment, status: 418 })[0]).toContain('status 418 is not documented');
  });

  it('fails when a schema is broken: the real response against a Payment without `total`', () => {
    const broken = structuredClone(document);
    delete broken.components.schemas.Payment.properties.total;
    broken.components.schemas.Payment.required = broken.components.schemas.Payment.required.filter((name: string) => name !== 'total');
    expect(createResponseChecker(broken).check(payment)).toEqual(['POST /api/v1/payments → 200: (body) must NOT have additional properties (total)']);
  });

  it('holds error answers to the envelope', async () => {
    const res = await h.request({ url: '/api/v1/payments/nope', key: merchant.secretKey });
    expect(res.status).toBe(404);
    const checker = createResponseChecker(document);
    const recorded = { method: 'GET', route: '/api/v1/payments/:id', status: 404, contentType: 'application/json', body: res.text };
    expect(checker.check(recorded)).toEqual([]);
    expect(checker.check({ ...recorded, body: JSON.stringify({ error: { code: 'not_found', message: 'x' } }) })[0]).toContain("must have required property 'param'");
  });
});
