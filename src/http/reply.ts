import type { FastifyReply } from 'fastify';
import type { StoredResponse } from '../domain/commands';
import { ApiError, type ErrorCode } from '../kernel/errors';
import { errorBody } from './plugins/errors';

export function jsonResponse(status: number, value: unknown): StoredResponse {
  return { status, body: JSON.stringify(value) };
}

/** Sends a rendered response exactly as stored, so idempotent replays are byte for byte the same. */
export function sendStored(reply: FastifyReply, response: StoredResponse): FastifyReply {
  return reply.code(response.status).type('application/json; charset=utf-8').send(response.body);
}

/** The error a processor's decline answers with (502 for card and prepaid declines). */
export function declineResponse(code: ErrorCode): StoredResponse {
  const error = new ApiError(code);
  return { status: error.status, body: errorBody(error) };
}
