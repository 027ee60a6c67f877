import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CATALOGUE } from '../../src/kernel/errors';
import { startHarness, type Harness } from '../helpers/harness';

// The README is the user's reference: these tests fail when code and README drift apart.
const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const configSource = readFileSync(new URL('../../src/config.ts', import.meta.url), 'utf8');

describe('README', () => {
  it('lists every error code with its HTTP status, and no other', () => {
    const documented = new Map([...readme.matchAll(/^\| `([a-z_]+)` \| (\d{3}) \|$/gm)].map((m) => [m[1], Number(m[2])]));
    const catalogue = new Map(Object.entries(ERROR_CATALOGUE).map(([code, [status]]) => [code, status]));
    expect(Object.fromEntries(documented)).toEqual(Object.fromEntries(catalogue));
  });

  it('documents every environment variable the config reads', () => {
    const variables = [...configSource.matchAll(/\(env, '([A-Z_]+)'/g)].map((m) => m[1]);
    expect(variables.length).toBeGreaterThan(5);
    for (const name of variables) expect(readme, name).toContain(`\`${name}\``);
  });

  describe('endpoints', () => {
    let h: Harness;
    // Every route as Fastify adds it (an onRoute hook from before the first route), so none escapes
    // the check the way a reading of printRoutes()'s tree did: it saw only nodes starting with "/"
    // and so never a split segment such as `_request` of …/refund_request.
    const added: { method: string; url: string }[] = [];
    beforeAll(async () => {
      h = await startHarness({
        onRoute: (route) => {
          for (const method of [route.method].flat()) added.push({ method, url: route.url });
        },
      });
    });
    afterAll(() => h.close());

    /**
     * The routes a reader must find in the README, which is all of them except what the framework
     * adds by itself:
     * - `HEAD` twins of `GET` routes (Fastify's exposeHeadRoutes): same route, no body.
     * - `OPTIONS *` from @fastify/cors, its catch-all preflight. The preflights a browser can use
     *   are kessai's own OPTIONS twins of the publishable routes, which the README lists one by
     *   one; for any other path the catch-all is refused like any unauthenticated request.
     * Swagger UI's assets (`GET /docs/static/*`) are served to readers, so they stay required.
     */
    function documentable(): string[] {
      const gets = new Set(added.filter((route) => route.method === 'GET').map((route) => route.url));
      const routes = added
        .filter(({ method, url }) => !(method === 'HEAD' && gets.has(url)))
        .filter(({ method, url }) => !(method === 'OPTIONS' && url === '*'))
        .map(({ method, url }) => `${method} ${url}`);
      return [...new Set(routes)];
    }

    it('collects the routes from the app itself, split path segments and framework routes too', () => {
      const all = added.map(({ method, url }) => `${method} ${url}`);
      expect(all).toContain('POST /api/v1/payments/:id/refund_request');
      expect(all).toContain('GET /docs/static/*');
      expect(all).toContain('OPTIONS *');
      expect(all).toContain('HEAD /health');
      expect(documentable()).not.toContain('HEAD /health');
      expect(documentable().length).toBeGreaterThan(80);
    });

    it('lists every route the app serves', () => {
      const missing = documentable().filter((route) => !readme.includes(`\`${route}\``));
      expect(missing).toEqual([]);
    });
  });
});
