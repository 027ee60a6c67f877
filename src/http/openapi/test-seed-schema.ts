import { Type } from '@sinclair/typebox';

/**
 * The answer of POST /api/v1/test_helpers/seed, for the OpenAPI document (see ./schemas.ts, which
 * lists it among the components; kept here so that file stays under 400 lines).
 */
export const TestSeed = Type.Object(
  {
    resource: Type.Literal('test_seed'),
    seed: Type.Union([Type.Integer(), Type.Null()], { description: 'The seed the merchant now has; null: unseeded (random ids, real time).' }),
    now: Type.String({ format: 'date-time', description: "The merchant's time right after seeding: 2029-12-31T15:00:00Z (2030-01-01T00:00:00+09:00) when seeded." }),
  },
  { $id: 'TestSeed', description: "The merchant's seed and its clock (docs/testing.md, \"Determinism\")." },
);
