import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { runCommand } from '../../domain/commands';
import type { Services } from '../../domain/context';
import { createSubscription } from '../../domain/subscriptions';
import { ApiError } from '../../kernel/errors';
import { NO_LIVE_PROCESSOR, type Operation } from '../openapi/operation';
import { jsonResponse, sendStored } from '../reply';
import { Amount, Metadata } from '../schemas';
import { serializeSubscription } from '../../wire/subscription';

/** The SDK's CreateSubscriptionRequest: every field but metadata required. */
const Body = Type.Object({
  customer: Type.String({ minLength: 1, maxLength: 64, description: "The customer whose stored card is charged (its `id`)." }),
  amount: Amount,
  currency: Type.String({ minLength: 1, maxLength: 8 }),
  period: Type.Unsafe<string>({ type: 'string', enum: ['weekly', 'monthly', 'yearly'] }),
  metadata: Type.Optional(Metadata),
});

const operation: Operation = {
  summary: 'Create a subscription',
  description:
    "Charges the customer's stored card `amount` (tax 0) now, then every week, month or year on the merchant's clock (`POST /api/v1/test_helpers/clock/advance` makes the renewals at once). A declined charge is retried 3, 5 and 7 days later, then the subscription is `suspended`; a declined first charge still answers 200, with `retry_at` set. Events: `subscription.created`, `.captured`, `.failed`, `.suspended`, `.deleted`. Immutable: to change one, delete it and create another.",
  tag: 'Subscriptions',
  responses: { 200: 'Subscription' },
  errors: { 502: NO_LIVE_PROCESSOR },
};

/** Ajv's coerceTypes turns JSON true into 1: a boolean amount is invalid, not one yen (as payments.create). */
async function rejectCoercedAmount(request: FastifyRequest): Promise<void> {
  const body = request.body as Record<string, unknown> | null;
  if (typeof body === 'object' && body !== null && typeof body.amount === 'boolean') throw new ApiError('invalid_parameter', { param: 'amount' });
}

/** POST /api/v1/subscriptions — the subscription, its first payment and their events in one transaction. */
export default function route(app: FastifyInstance, services: Services): void {
  app.post<{ Body: Static<typeof Body> }>(
    '/api/v1/subscriptions',
    { schema: { body: Body }, preValidation: rejectCoercedAmount, config: { operation } },
    async (request, reply) => {
      const response = await runCommand(
        services.db,
        request.actor,
        request.idempotency,
        (trx) => createSubscription(trx, services, request.actor, request.body),
        (subscription) => jsonResponse(200, serializeSubscription(subscription)),
      );
      return sendStored(reply, response);
    },
  );
}
