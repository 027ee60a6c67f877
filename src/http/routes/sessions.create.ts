import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { runCommand } from '../../domain/commands';
import type { Services } from '../../domain/context';
import { createSession, MAX_SESSION_SECONDS, showSession } from '../../domain/sessions';
import type { Operation } from '../openapi/operation';
import { jsonResponse, sendStored } from '../reply';
import { Amount, Locale, Mcc, Metadata, StatementDescriptor, WebUrl } from '../schemas';
import { serializeSession } from '../../wire/session';
import { scenarioHeader } from '../test-mode';

const Address = Type.Object({
  name: Type.Optional(Type.String({ maxLength: 255 })),
  street_address1: Type.Optional(Type.String({ maxLength: 255 })),
  street_address2: Type.Optional(Type.String({ maxLength: 255 })),
  city: Type.Optional(Type.String({ maxLength: 255 })),
  state: Type.Optional(Type.String({ maxLength: 255 })),
  zipcode: Type.Optional(Type.String({ maxLength: 32 })),
  country: Type.Optional(Type.String({ maxLength: 64 })),
});

/** One line of the order (SDK LineItem): each field optional, shown back and on the hosted page. */
const LineItem = Type.Object(
  {
    amount: Type.Optional(Amount),
    description: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    quantity: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
    image: Type.Optional(WebUrl),
    external_product_num: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
  },
  { additionalProperties: false },
);

/** payment_data (spec §6.2): what the session's payment will carry. */
const PaymentData = Type.Object({
  external_order_num: Type.Optional(Type.String({ maxLength: 255 })),
  capture: Type.Optional(Type.Union([Type.Literal('auto'), Type.Literal('manual')])),
  name: Type.Optional(Type.String({ maxLength: 255 })),
  name_kana: Type.Optional(Type.String({ maxLength: 255 })),
  // The SDK's object form; a string (the older form) is its `statement_descriptor`.
  statement_descriptor: Type.Optional(Type.Union([StatementDescriptor, Type.String({ minLength: 1, maxLength: 255 })])),
  mcc: Type.Optional(Mcc),
  intent: Type.Optional(Type.String({ maxLength: 64 })),
  platform_details: Type.Optional(Type.Unknown()),
  billing_address: Type.Optional(Address),
  shipping_address: Type.Optional(Address),
});

export const CreateSessionBody = Type.Object({
  mode: Type.Optional(Type.Union([Type.Literal('payment'), Type.Literal('customer'), Type.Literal('customer_payment')])),
  amount: Type.Optional(Amount),
  currency: Type.String({ minLength: 1, maxLength: 8 }),
  return_url: Type.Optional(WebUrl),
  default_locale: Type.Optional(Locale),
  email: Type.Optional(Type.String({ format: 'email', maxLength: 255 })),
  payment_types: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 100 })),
  payment_data: Type.Optional(PaymentData),
  metadata: Type.Optional(Metadata),
  line_items: Type.Optional(Type.Array(LineItem, { maxItems: 100 })),
  expires_in_seconds: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_SESSION_SECONDS })),
  external_customer_id: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
  customer_id: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
});

const operation: Operation = {
  summary: 'Create a session',
  description: 'A Hosted Page checkout: send the customer to `session_url`. They come back to `return_url` with `session_id` added.',
  tag: 'Sessions',
  responses: { 200: 'Session' },
  scenario: true,
};

/** POST /api/v1/sessions; `Komoju-Scenario` (test mode): every payment of the session fails with that code. */
export default function route(app: FastifyInstance, services: Services): void {
  app.post<{ Body: Static<typeof CreateSessionBody> }>(
    '/api/v1/sessions',
    { schema: { body: CreateSessionBody }, config: { operation } },
    async (request, reply) => {
      const response = await runCommand(
        services.db,
        request.actor,
        request.idempotency,
        (trx) => createSession(trx, services, request.actor, request.body, { scenario: scenarioHeader(request) }),
        (view) => jsonResponse(200, serializeSession(showSession(services, view, request.actor.clock.now(), request.actor.merchant.name), request.apiVersion)),
        // Customer modes also create the customer: two statements, one transaction.
        { singleStatement: (request.body.mode ?? 'payment') === 'payment' },
      );
      return sendStored(reply, response);
    },
  );
}
