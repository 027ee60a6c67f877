import type { FastifyReply } from 'fastify';
import type { StoredResponse } from '../domain/commands';
import { awaitsMoreDetails } from '../domain/payment-state';
import { ApiError, type ErrorCode } from '../kernel/errors';
import type { Payment } from '../model/payment';
import type { ApiVersion } from '../wire/api-version';
import { serializePayment } from '../wire/payment';
import { errorBody } from './plugins/errors';

export function jsonResponse(status: number, value: unknown): StoredResponse {
  return { status, body: JSON.stringify(value) };
}

/** A payment as the response to a command: 202 while it waits for more of the customer's input (a prepaid card fell short). */
export function paymentResponse(payment: Payment, version: ApiVersion): StoredResponse {
  return jsonResponse(awaitsMoreDetails(payment.status) ? 202 : 200, serializePayment(payment, version));
}

/** Marks an idempotent replay (as Stripe's `Idempotent-Replayed: true`); its body is the first answer's. */
export const REPLAYED_HEADER = 'idempotent-replayed';

/**
 * Sends a rendered response exactly as stored, so idempotent replays are byte for byte the same;
 * a replay says so in `Idempotent-Replayed: true`.
 */
export function sendStored(reply: FastifyReply, response: StoredResponse): FastifyReply {
  if (response.replayed) reply.header(REPLAYED_HEADER, 'true');
  return reply.code(response.status).type('application/json; charset=utf-8').send(response.body);
}

/** The error a processor's decline answers with (502 for card and prepaid declines). */
export function declineResponse(code: ErrorCode): StoredResponse {
  const error = new ApiError(code);
  return { status: error.status, body: errorBody(error) };
}
