import type { FastifyInstance } from 'fastify';
import type { Services } from '../../domain/context';
import { resetTestData } from '../../domain/test-data-reset';
import { serializeTestDataReset } from '../../wire/test-data';
import type { Operation } from '../openapi/operation';
import { requireTestMode } from '../test-mode';

const operation: Operation = {
  summary: "Delete the merchant's test data",
  description:
    "Deletes the merchant's payments (with refunds and refund requests), sessions, tokens, secure tokens, customers, saved cards, " +
    'events, webhook deliveries, e-mails (the mail outbox) and idempotency records, and sets its clock back to real time ' +
    "(a seeded merchant's: back to the seed's start, with its id sequence, so a run repeats its answers); keys, webhook endpoints, dashboard " +
    'users and settings stay. One transaction: a payment created meanwhile waits and lands wholly before or after it. ' +
    'Answers how many of each were deleted. Idempotent by nature: no idempotency key is needed.',
  tag: 'Test helpers',
  responses: { 200: 'TestDataReset' },
  errors: { 409: "`conflict`: the merchant's data kept changing during the reset (rows held by other requests); nothing was deleted. Retry it." },
};

/** POST /api/v1/test_helpers/reset — deletes the merchant's test data (resetTestData). */
export default function route(app: FastifyInstance, services: Services): void {
  app.post('/api/v1/test_helpers/reset', { preHandler: requireTestMode, config: { operation } }, async (request) =>
    serializeTestDataReset(await resetTestData(services, request.actor)),
  );
}
