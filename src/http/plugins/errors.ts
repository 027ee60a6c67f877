import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../../kernel/errors';
import { seededIdTaken } from '../../domain/seeding';
import { errorFromAjv } from '../../domain/validate';

/** The KOMOJU error envelope; `details` only on the errors that have them (a request's validation). */
export function errorBody(error: ApiError): string {
  const details = error.details && { details: error.details };
  return JSON.stringify({ error: { message: error.message, code: error.code, param: error.param, ...details } });
}

/**
 * How a path outside the API answers a failure that no page plugin's own handler sees (an unknown
 * path, a URL the router cannot decode, bad input to the API documentation's pages): the pages'
 * HTML error page for that status. Given by app.ts, from web/.
 */
export type PageErrorSender = (request: FastifyRequest, reply: FastifyReply, status: number) => void;

/**
 * The paths that answer KOMOJU's envelope: everything under /api/v1 (the only API there is), and
 * the JSON probes (/health, /ready). Any other path is a page, `/api` and `/api/v2/…` included, as on
 * komoju.com: a browser sent there by a wrong link gets the 404 page that leads home.
 */
export function isApiPath(url: string): boolean {
  return /^\/(?:api\/v1|health|ready)(?:[/?]|$)/.test(url);
}

/**
 * Turns every failure into KOMOJU's envelope: ApiErrors as they are, schema failures as
 * missing/invalid_parameter naming the param, malformed bodies as bad_request, and anything
 * unexpected as a logged 500 that reveals nothing. An unknown route under /api/v1 is a 404 that says
 * so (an unknown id says the resource was not found); any other unknown path is a 404 page.
 */
export function registerErrorHandling(app: FastifyInstance, sendPageError: PageErrorSender): void {
  app.setErrorHandler((raw: FastifyError, request, reply) => {
    if (isApiPath(request.url)) return sendError(raw, request, reply, errorBody);
    const error = toApiError(raw);
    if (error.status >= 500 && !(raw instanceof ApiError)) request.log.error({ err: raw }, 'unhandled error');
    sendPageError(request, reply, error.status);
  });

  app.setNotFoundHandler((request, reply) => {
    if (!isApiPath(request.url)) return sendPageError(request, reply, 404);
    const path = request.url.split('?', 1)[0];
    const error = new ApiError('not_found', { message: `Unrecognized request URL (${request.method} ${path})` });
    reply.code(404).type('application/json; charset=utf-8').send(errorBody(error));
  });
}

/**
 * Fastify's `frameworkErrors`: what the router refuses before any route or hook runs, which Fastify
 * would otherwise answer with its own JSON and codes. A path it cannot percent-decode is a bad
 * request; a path parameter longer than the router keeps (maxParamLength) names nothing that
 * exists.
 */
export function frameworkErrorHandler(sendPageError: PageErrorSender) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply): void => {
    const status = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 404 : 400;
    if (!isApiPath(request.url)) return sendPageError(request, reply, status);
    const apiError =
      status === 404 ? new ApiError('not_found') : new ApiError('bad_request', { message: 'The request URL is not valid: it holds a malformed percent-encoding.' });
    reply.code(apiError.status).type('application/json; charset=utf-8').send(errorBody(apiError));
  };
}

/**
 * Fastify's `clientErrorHandler`: what Node's HTTP parser refuses before Fastify sees a request
 * (headers over `maxHeaderSize`, a malformed request line or header, a request too slow to
 * arrive), answered in the envelope on the raw socket, then closed.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const apiError =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? new ApiError('request_header_fields_too_large')
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? new ApiError('request_timeout')
        : new ApiError('bad_request', { message: 'The request is not valid HTTP.' });
  const body = errorBody(apiError);
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${apiError.status} ${REASONS[apiError.status] ?? 'Bad Request'}\r\n` +
        `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}

const REASONS: Record<number, string> = { 400: 'Bad Request', 408: 'Request Timeout', 431: 'Request Header Fields Too Large' };

/**
 * Answers `raw` as an ApiError with the body `render` makes of it: the envelope, or a route's
 * variant of it (sessions' pay adds `"status": "error"`, also to auth and schema failures).
 */
export function sendError(raw: FastifyError, request: FastifyRequest, reply: FastifyReply, render: (error: ApiError) => string): void {
  const error = seededIdTaken(raw, request.actor?.merchant) ?? toApiError(raw);
  if (error.status >= 500 && !(raw instanceof ApiError)) request.log.error({ err: raw }, 'unhandled error');
  if (error.code === 'service_unavailable' || error.code === 'conflict') reply.header('Retry-After', '1');
  reply.code(error.status).type('application/json; charset=utf-8').send(render(error));
}

function toApiError(error: FastifyError): ApiError {
  if (error instanceof ApiError) return error;
  if (error.validation) {
    // A malformed id (too long, wrong characters) names no resource, as an unknown one does.
    if (error.validationContext === 'params') return new ApiError('not_found');
    const prefix = error.validationContext === 'body' || error.validationContext === 'querystring' ? '' : error.validationContext;
    return errorFromAjv(error.validation, prefix ?? '');
  }
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return new ApiError('request_entity_too_large');
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    // Malformed JSON, unsupported content type, bad form encoding … Fastify's own message would
    // do, but some name the framework's internals; one that names none is safe to show.
    return new ApiError('bad_request', { message: CLIENT_ERRORS[error.code] ?? 'The request could not be read.' });
  }
  return new ApiError('internal_server_error');
}

/** Fastify's 4xx errors that a client can cause, in words that name nothing internal. */
const CLIENT_ERRORS: Record<string, string> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'The Content-Type is not supported: send JSON or form fields.',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'The body is not as long as its Content-Length says.',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'The JSON body is empty.',
  FST_ERR_CTP_INVALID_JSON_BODY: 'The request body is not valid JSON.',
  FST_ERR_CTP_INVALID_TYPE: 'The Content-Type header is not valid.',
};
