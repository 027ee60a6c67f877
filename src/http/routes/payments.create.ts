import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { runCommand } from '../../domain/commands';
import type { Services } from '../../domain/context';
import { ApiError } from '../../kernel/errors';
import { createPayment } from '../../domain/payments';
import { DECLINE, type Operation } from '../openapi/operation';
import type { Payment } from '../../model/payment';
import { logPayment } from '../payment-log';
import { declineResponse, paymentResponse, sendStored } from '../reply';
import { Amount, Locale, Mcc, Metadata, StatementDescriptor, Tax, WebUrl } from '../schemas';
import { scenarioHeader } from '../test-mode';

const FraudDetails = Type.Object(
  {
    customer_ip: Type.String({ maxLength: 64 }),
    customer_email: Type.Optional(Type.String({ format: 'email', maxLength: 255 })),
    customer_id: Type.Optional(Type.String({ maxLength: 255 })),
    browser_language: Type.Optional(Type.String({ maxLength: 255 })),
    browser_user_agent: Type.Optional(Type.String({ maxLength: 2000 })),
    browser_session_id: Type.Optional(Type.String({ maxLength: 255 })),
    phone: Type.Optional(Type.String({ maxLength: 64 })),
  },
  { additionalProperties: false },
);

export const CreatePaymentBody = Type.Object({
  amount: Amount,
  currency: Type.String({ minLength: 1, maxLength: 8 }),
  payment_details: Type.Optional(
    Type.Union([Type.String({ minLength: 1, maxLength: 64 }), Type.Object({ type: Type.Optional(Type.String()) })]),
  ),
  customer: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  tax: Type.Optional(Tax),
  capture: Type.Optional(Type.Boolean()),
  external_order_num: Type.Optional(Type.String({ maxLength: 255 })),
  metadata: Type.Optional(Metadata),
  description: Type.Optional(Type.String({ maxLength: 2000 })),
  locale: Type.Optional(Locale),
  email: Type.Optional(Type.String({ format: 'email', maxLength: 255 })),
  return_url: Type.Optional(WebUrl),
  cancel_url: Type.Optional(WebUrl),
  fraud_details: Type.Optional(FraudDetails),
  mcc: Type.Optional(Mcc),
  statement_descriptor: Type.Optional(StatementDescriptor),
  webhooks: Type.Optional(Type.Unknown()),
  /** Appears in a seed example (BitCash); accepted and ignored (docs/decisions.md #19). */
  debug: Type.Optional(Type.Unknown()),
});

/**
 * Ajv's coerceTypes (which form strings like "1000" need) also turns JSON true/false/null into
 * 1/0/0, so `{"amount": true}` charged 1 yen. Before validation: a boolean amount or tax is
 * invalid, and null means "not given" (as parseAmount/resolveTax in kernel/money.ts read it).
 */
async function rejectCoercedMoney(request: FastifyRequest): Promise<void> {
  const body = request.body as Record<string, unknown>;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return;
  for (const param of ['amount', 'tax']) {
    if (typeof body[param] === 'boolean') throw new ApiError('invalid_parameter', { param });
    if (body[param] === null) delete body[param];
  }
}

const operation: Operation = {
  summary: 'Create a payment',
  description:
    'Pays with `payment_details` (a hash of a method\'s fields, a token `tok_…`, or a verified secure token) or with a stored `customer`. Tax defaults to 10 % of `amount` when omitted. A prepaid card short of the total answers 202 with a `pending` payment; continue it with `PATCH /payments/:id`.',
  tag: 'Payments',
  responses: { 200: 'Payment', 202: 'Payment' },
  errors: { 502: DECLINE },
  scenario: true,
};

/** POST /api/v1/payments */
export default function route(app: FastifyInstance, services: Services): void {
  app.post<{ Body: Static<typeof CreatePaymentBody> }>(
    '/api/v1/payments',
    { schema: { body: CreatePaymentBody }, preValidation: rejectCoercedMoney, config: { operation } },
    async (request, reply) => {
      const scenario = scenarioHeader(request);
      let created: Payment | undefined;
      const response = await runCommand(
        services.db,
        request.actor,
        request.idempotency,
        (trx) =>
          createPayment(trx, services, request.actor, request.body, {
            scenario,
          }),
        ({ payment, decline }) => {
          created = payment;
          return decline ? declineResponse(decline) : paymentResponse(payment, request.apiVersion);
        },
        // Details in the body: one INSERT, no transaction needed. A token must be claimed in the
        // same transaction as the payment that uses it, and a customer's details read in it.
        { singleStatement: typeof request.body.payment_details !== 'string' && request.body.customer === undefined },
      );
      if (created) logPayment(request.log, 'created', created);
      return sendStored(reply, response);
    },
  );
}
