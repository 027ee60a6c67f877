import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness, type TestMerchant } from '../helpers/harness';
import { openApiPath } from '../helpers/response-check';
import { API_VERSIONS } from '../../src/wire/api-version';
import { ACCEPTED_DEPARTURES } from './differences';
import { answerDepartures, OPERATIONS, type OfficialOperation } from './model-check';
import { SAMPLES, type SampleContext } from './samples';

/**
 * kessai against KOMOJU's official operations and models (komoju-official.json, from the official
 * Node SDK's docs): every KOMOJU operation kessai serves is an official one, routed and documented
 * in /api/v1/openapi.json, and its real answer (made through the API by samples.ts) has every
 * required field of the model with the model's type, null-ness and enum. The Platform Model
 * operations answer KOMOJU's "Unrecognized request URL" 404 until kessai has them. Prints
 * "N of 73 official operations".
 */

/** kessai's own routes under /api/v1, which KOMOJU has not (docs/compatibility.md, DESIGN.md). */
const EXTENSIONS = [/^\/api\/v1\/webhooks/, /^\/api\/v1\/test_helpers\//, /^\/api\/v1\/events\/stream$/, /^\/api\/v1\/events\/\{\}\/redeliver$/, /^\/api\/v1\/openapi\.json$/];

/** `METHOD /api/v1/path` with every path parameter written `{}`. */
const shape = (method: string, path: string) => `${method.toUpperCase()} ${path.replace(/\{[^}]+\}|:[A-Za-z_]+/g, '{}')}`;
const officialShape = (operation: OfficialOperation) => shape(operation.method, `/api/v1${operation.path}`);

let h: Harness;
let merchant: TestMerchant;
let document: any;
const routes = new Set<string>();
let ctx: SampleContext;

beforeAll(async () => {
  h = await startHarness({
    onRoute: (route) => {
      for (const method of [route.method].flat()) if (method !== 'HEAD' && method !== 'OPTIONS' && route.url.startsWith('/api/v1/')) routes.add(shape(method, route.url));
    },
  });
  merchant = await h.merchant();
  document = (await h.request({ url: '/api/v1/openapi.json' })).body;
  // The SDK's models describe the current API: ask for the newest published version.
  const headers = { 'x-komoju-api-version': API_VERSIONS[API_VERSIONS.length - 1] };
  const call: SampleContext['call'] = (method, url, json, key) => h.request({ method, url, key: key ?? merchant.secretKey, json, headers });
  ctx = {
    h,
    merchant,
    call,
    make: async (method, url, json, key) => {
      const res = await call(method, url, json, key);
      expect(res.status, `${method} ${url}: ${res.text}`).toBeLessThan(300);
      return res.body;
    },
  };
});
afterAll(() => h.close());

const served = () => OPERATIONS.filter((operation) => routes.has(officialShape(operation)));

describe('the official list', () => {
  it('has KOMOJU\'s 73 operations, 26 of them the Platform Model, each once', () => {
    expect(OPERATIONS).toHaveLength(73);
    expect(OPERATIONS.filter((operation) => operation.platform_model)).toHaveLength(26);
    expect(new Set(OPERATIONS.map(officialShape)).size).toBe(73);
    expect(new Set(OPERATIONS.map((operation) => operation.name)).size).toBe(73);
  });
});

describe('conformance', () => {
  it('every KOMOJU operation kessai serves is an official one (or a listed kessai extension)', () => {
    const official = new Set(OPERATIONS.map(officialShape));
    const documented = Object.entries(document.paths as Record<string, Record<string, unknown>>).flatMap(([path, methods]) =>
      Object.keys(methods).filter((method) => method !== 'options' && method !== 'head' && path.startsWith('/api/v1/')).map((method) => shape(method, path)),
    );
    const unknown = [...new Set([...routes, ...documented])].filter((route) => !official.has(route) && !EXTENSIONS.some((pattern) => pattern.test(route.split(' ')[1])));
    expect(unknown, 'routes and documented operations under /api/v1 that are neither an official operation nor a kessai extension').toEqual([]);
  });

  it('every served official operation is documented in /api/v1/openapi.json', () => {
    for (const operation of served()) {
      const documented = document.paths[openApiPath(`/api/v1${operation.path.replace(/\{([^}]+)\}/g, ':$1')}`)]?.[operation.method.toLowerCase()];
      const byShape = Object.entries(document.paths as Record<string, Record<string, unknown>>).find(([path]) => shape(operation.method, path) === officialShape(operation));
      expect(documented ?? byShape?.[1]?.[operation.method.toLowerCase()], `${operation.name} (${officialShape(operation)}) in openapi.json`).toBeDefined();
    }
  });

  it('every served official operation has a sample, and its answer has the official model\'s fields', async () => {
    const failures: string[] = [];
    const accepted = new Set(Object.keys(ACCEPTED_DEPARTURES));
    for (const operation of served()) {
      const sample = SAMPLES[operation.name];
      if (!sample) {
        failures.push(`${operation.name} (${officialShape(operation)}) is served but has no sample: add one to test/conformance/samples.ts`);
        continue;
      }
      for (const res of [await sample(ctx)].flat()) {
        if (res.status >= 300) failures.push(`${operation.name}: the sample answered ${res.status} ${res.text}`);
        else if (operation.returns) failures.push(...answerDepartures(res.body, operation.returns, accepted).map((found) => `${operation.name}: ${found}`));
      }
    }
    const outside = OPERATIONS.filter((operation) => !operation.platform_model);
    console.log(`conformance: ${served().length} of ${OPERATIONS.length} official operations (${served().filter((o) => !o.platform_model).length} of ${outside.length} outside the Platform Model)`);
    expect(failures).toEqual([]);
  });

  it('samples name only official operations', () => {
    const names = new Set(OPERATIONS.map((operation) => operation.name));
    expect(Object.keys(SAMPLES).filter((name) => !names.has(name))).toEqual([]);
  });

  it('a Platform Model operation kessai does not serve answers KOMOJU\'s "Unrecognized request URL" 404', async () => {
    for (const operation of OPERATIONS.filter((o) => o.platform_model && !routes.has(officialShape(o)))) {
      const path = `/api/v1${operation.path}`.replace(/\{currency\}/g, 'JPY').replace(/\{[^}]+\}/g, 'x1');
      const res = await h.request({ method: operation.method as 'GET', url: path, key: merchant.secretKey, json: operation.method === 'GET' ? undefined : {} });
      expect(res.status, `${operation.name}: ${res.text}`).toBe(404);
      expect(res.body.error, operation.name).toMatchObject({ code: 'not_found', message: `Unrecognized request URL (${operation.method} ${path})` });
    }
  });

  it('each departure kept on purpose is explained in docs/compatibility.md', () => {
    const text = readFileSync('docs/compatibility.md', 'utf8');
    expect(Object.keys(ACCEPTED_DEPARTURES).filter((field) => !text.includes(`\`${field}\``))).toEqual([]);
  });
});
