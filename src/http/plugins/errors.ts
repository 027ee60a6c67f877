import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../../domain/errors';
import { errorFromAjv } from '../../domain/validate';

/** The KOMOJU error envelope. */
export function errorBody(error: ApiError): string {
  return JSON.stringify({ error: { message: error.message, code: error.code, param: error.param } });
}

/**
 * Turns every failure into KOMOJU's envelope: ApiErrors as they are, schema failures as
 * missing/invalid_parameter naming the param, malformed bodies as bad_request, and anything
 * unexpected as a logged 500 that reveals nothing.
 */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((raw: FastifyError, request, reply) => {
    sendError(raw, request, reply, errorBody);
  });

  app.setNotFoundHandler((request, reply) => {
    reply.code(404).type('application/json; charset=utf-8').send(errorBody(new ApiError('not_found')));
  });
}

/**
 * Answers `raw` as an ApiError with the body `render` makes of it: the envelope, or a route's
 * variant of it (sessions' pay adds `"status": "error"`, also to auth and schema failures).
 */
export function sendError(raw: FastifyError, request: FastifyRequest, reply: FastifyReply, render: (error: ApiError) => string): void {
  const error = toApiError(raw);
  if (error.status >= 500 && !(raw instanceof ApiError)) request.log.error({ err: raw }, 'unhandled error');
  if (error.code === 'service_unavailable' || error.code === 'conflict') reply.header('Retry-After', '1');
  reply.code(error.status).type('application/json; charset=utf-8').send(render(error));
}

function toApiError(error: FastifyError): ApiError {
  if (error instanceof ApiError) return error;
  if (error.validation) {
    const prefix = error.validationContext === 'body' || error.validationContext === 'querystring' ? '' : error.validationContext;
    return errorFromAjv(error.validation, prefix === 'params' ? '' : prefix ?? '');
  }
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return new ApiError('bad_request', { message: 'The request body is too large.' });
  }
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    // Malformed JSON, unsupported content type, bad form encoding …
    return new ApiError('bad_request', { message: error.message });
  }
  return new ApiError('internal_server_error');
}
