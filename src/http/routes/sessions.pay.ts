import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { runCommand, type StoredResponse } from '../../domain/commands';
import type { Services } from '../../domain/context';
import { ApiError } from '../../kernel/errors';
import { paySession, type PaySessionOutcome } from '../../domain/sessions';
import { DECLINE, type Operation } from '../openapi/operation';
import { logSessionPayment } from '../payment-log';
import { errorBody, sendError } from '../plugins/errors';
import { jsonResponse, sendStored } from '../reply';
import { IdParams } from '../schemas';
import { serializeCustomer } from '../../wire/customer';
import { serializePayment } from '../../wire/payment';
import { scenarioHeader } from '../test-mode';

export const PaySessionBody = Type.Object({
  payment_details: Type.Union([Type.String({ minLength: 1, maxLength: 64 }), Type.Object({ type: Type.Optional(Type.String()) })]),
  capture: Type.Optional(Type.Union([Type.Literal('auto'), Type.Literal('manual')])),
  fraud_details: Type.Optional(Type.Record(Type.String(), Type.String({ maxLength: 2000 }))),
  customer_email: Type.Optional(Type.String({ format: 'email', maxLength: 255 })),
});

/** docs/decisions.md #8: the usual error envelope and HTTP status, plus `"status": "error"`. */
function payErrorBody(error: ApiError): string {
  return JSON.stringify({ ...(JSON.parse(errorBody(error)) as Record<string, unknown>), status: 'error' });
}

function errorResponse(error: ApiError): StoredResponse {
  return { status: error.status, body: payErrorBody(error) };
}

const operation: Operation = {
  summary: 'Pay a session',
  description:
    'Pays a pending, unexpired session with details of a method it offers. A failure answers the error envelope with `"status": "error"`; a decline leaves the session payable.',
  tag: 'Sessions',
  responses: { 200: 'SessionPayResult' },
  errors: { 502: DECLINE },
  scenario: true,
};

/**
 * POST /api/v1/sessions/:id/pay (publishable or secret key). Success: 200 `{status, redirect_url,
 * payment}` with the session's status after paying (plus `customer` in customer modes); failure:
 * the error envelope + `status: "error"`. A 3-D Secure test card answers `status: "pending"`,
 * `payment: null` and the authentication page as `redirect_url`.
 */
export default function route(app: FastifyInstance, services: Services): void {
  app.post<{ Params: IdParams; Body: Static<typeof PaySessionBody> }>(
    '/api/v1/sessions/:id/pay',
    {
      schema: { params: IdParams, body: PaySessionBody },
      config: { access: 'publishable', operation },
      // Every failure carries `"status": "error"`, including a refused key or body, which never
      // reach the handler: browser clients (KOMOJU Fields) branch on it.
      errorHandler: (raw, request, reply) => sendError(raw, request, reply, payErrorBody),
    },
    async (request, reply) => {
      const scenario = scenarioHeader(request);
      let paid: PaySessionOutcome | undefined;
      const response = await runCommand(
        services.db,
        request.actor,
        request.idempotency,
        (trx) =>
          paySession(trx, services, request.actor, request.params.id, request.body, {
            scenario,
          }),
        (outcome) => {
          paid = outcome;
          return outcome.decline
            ? errorResponse(new ApiError(outcome.decline))
            : jsonResponse(200, {
                status: outcome.session.status,
                redirect_url: outcome.redirectUrl,
                payment: outcome.payment ? serializePayment(outcome.payment, request.apiVersion) : null,
                ...(outcome.customer ? { customer: serializeCustomer(outcome.customer) } : {}),
              });
        },
      );
      if (paid) logSessionPayment(request.log, paid);
      return sendStored(reply, response);
    },
  );
}
