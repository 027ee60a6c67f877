import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAjv } from '../../src/domain/validate';
import { startHarness, type Harness } from '../helpers/harness';

/**
 * Route schemas are compiled on each route's first request, not at start
 * (src/http/lazy-validators.ts). Here every one of them is compiled, so a schema Ajv cannot
 * compile fails this test instead of a user's first request to its route.
 */
const schemas: { route: string; part: string; schema: object }[] = [];
let h: Harness;

beforeAll(async () => {
  h = await startHarness({
    onRoute: (route) => {
      for (const part of ['body', 'querystring', 'params', 'headers'] as const) {
        const schema = route.schema?.[part];
        if (schema) schemas.push({ route: `${route.method} ${route.url}`, part, schema: schema as object });
      }
    },
  });
});

afterAll(() => h?.close());

describe('route schemas', () => {
  it('are many (the collection saw the routes)', () => {
    expect(schemas.length).toBeGreaterThan(10);
  });

  it('each compiles with the options routes validate with', () => {
    const ajv = createAjv();
    const broken = schemas.flatMap(({ route, part, schema }) => {
      try {
        ajv.compile(schema);
        return [];
      } catch (error) {
        return [`${route} ${part}: ${(error as Error).message}`];
      }
    });
    expect(broken).toEqual([]);
  });

  it('a broken schema is caught by this compilation', () => {
    expect(() => createAjv().compile({ type: 'object', properties: { amount: { type: 'integr' } } })).toThrow();
  });
});
