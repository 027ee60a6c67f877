import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Services } from '../../domain/context';
import { advanceClock, clockState } from '../../domain/test-clock';
import { serializeClock } from '../../wire/test-data';
import type { Operation } from '../openapi/operation';
import { requireTestMode } from '../test-mode';

/** At most ten years per call: enough for any deadline, small enough to stay a valid date. */
const AdvanceBody = Type.Object({ seconds: Type.Integer({ minimum: 1, maximum: 10 * 366 * 86400 }) });

const advanceOperation: Operation = {
  summary: "Advance the merchant's clock",
  description: 'Every payment whose deadline passes expires at once (`expired_payments` counts them).',
  tag: 'Test helpers',
  responses: { 200: 'TestClock' },
};

const readOperation: Operation = { summary: "Read the merchant's clock", tag: 'Test helpers', responses: { 200: 'TestClock' } };

/**
 * GET /api/v1/test_helpers/clock — this merchant's time. POST …/clock/advance {seconds} — moves it
 * forward and runs every expiry that fell due (`expired_payments` says how many).
 */
export default function route(app: FastifyInstance, services: Services): void {
  app.get('/api/v1/test_helpers/clock', { preHandler: requireTestMode, config: { operation: readOperation } }, async (request) =>
    serializeClock(clockState(request.actor)),
  );

  app.post<{ Body: Static<typeof AdvanceBody> }>(
    '/api/v1/test_helpers/clock/advance',
    { schema: { body: AdvanceBody }, preHandler: requireTestMode, config: { operation: advanceOperation } },
    async (request) => {
      const state = await advanceClock(services, request.actor, request.body.seconds);
      return { ...serializeClock(state), expired_payments: state.expired };
    },
  );
}
