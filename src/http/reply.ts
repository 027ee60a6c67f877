import type { FastifyReply } from 'fastify';
import type { StoredResponse } from '../domain/commands';
import { awaitsMoreDetails } from '../domain/payment-state';
import { ApiError, type ErrorCode } from '../kernel/errors';
import type { Payment } from '../model/payment';
import type { ApiVersion } from '../wire/api-version';
import { serializePayment } from '../wire/payment';
import { errorBody } from './plugins/errors';

/** A command's answer without a body (KOMOJU's chargeback accept and defend). */
export const NO_CONTENT: StoredResponse = { status: 204, body: '' };

export function jsonResponse(status: number, value: unknown): StoredResponse {
  return { status, body: JSON.stringify(value) };
}

/** A payment as the response to a command: 202 while it waits for more of the customer's input (a prepaid card fell short). */
export function paymentResponse(payment: Payment, version: ApiVersion): StoredResponse {
  return jsonResponse(awaitsMoreDetails(payment.status) ? 202 : 200, serializePayment(payment, version));
}

declare module 'fastify' {
  interface FastifyReply {
    /**
     * Set by sendStored when the answer is an idempotent replay (decorated in plugins/faults.ts,
     * which reads it: `timeout_after_commit` lets a replay through). Never sent: KOMOJU marks no
     * replay, so a replay's answer is the first one's, headers and body.
     */
    idempotentReplay: boolean;
  }
}

/**
 * Sends a rendered response exactly as stored, so idempotent replays are byte for byte the same.
 * A 204 (stored with an empty body) goes without a body or a Content-Type.
 */
export function sendStored(reply: FastifyReply, response: StoredResponse): FastifyReply {
  if (response.replayed) reply.idempotentReplay = true;
  if (response.status === 204) return reply.code(204).send();
  return reply.code(response.status).type('application/json; charset=utf-8').send(response.body);
}

/** The error a processor's decline answers with (502 for card and prepaid declines). */
export function declineResponse(code: ErrorCode): StoredResponse {
  const error = new ApiError(code);
  return { status: error.status, body: errorBody(error) };
}
