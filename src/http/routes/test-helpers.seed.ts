import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Services } from '../../domain/context';
import { parseSeed, seedMerchant, type SeedState } from '../../domain/seeding';
import { isoSeconds } from '../../lib/clock';
import type { Operation } from '../openapi/operation';
import { requireTestMode } from '../test-mode';

/**
 * A seed is a whole number from 0 to 2^53 − 1 (stored as bigint, read as a number); null unseeds.
 * Checked by parseSeed rather than the schema: the body's coercion (form fields are text) would
 * take null for 0.
 */
const SeedBody = Type.Object({
  seed: Type.Unknown({ description: 'A whole number from 0 to 9007199254740991, or null to unseed.' }),
});

const operation: Operation = {
  summary: 'Seed the merchant (repeatable ids and times)',
  description:
    "With a seed, this merchant's ids, konbini / bank-transfer / Pay-easy codes, generated webhook secrets and timestamps " +
    'are the same on every run of the same requests: ids come from HMAC-SHA256 of the seed and a per-merchant sequence, ' +
    'time from a frozen clock at 2030-01-01T00:00:00+09:00 that moves only with clock advances. Seeding starts the ' +
    'sequence and the test clock over; `{"seed": null}` unseeds. See docs/testing.md, "Determinism".',
  tag: 'Test helpers',
  responses: { 200: 'TestSeed' },
};

function serializeSeed(state: SeedState): Record<string, unknown> {
  return { resource: 'test_seed', seed: state.seed, now: isoSeconds(state.now) };
}

/** POST /api/v1/test_helpers/seed {seed} — seeds (or, with null, unseeds) the merchant; test mode only. */
export default function route(app: FastifyInstance, services: Services): void {
  app.post<{ Body: Static<typeof SeedBody> }>(
    '/api/v1/test_helpers/seed',
    { schema: { body: SeedBody }, preHandler: requireTestMode, config: { operation } },
    async (request) => serializeSeed(await seedMerchant(services.db, services.clock, request.actor, parseSeed(request.body.seed))),
  );
}
