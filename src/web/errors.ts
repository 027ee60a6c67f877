import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../kernel/errors';
import { isLocale, preferredLocale, type PageLocale } from './i18n';
import { errorPage, type PageErrorKind } from './pages/error';
import { cspDirectives } from './security';

/** A refusal a page answers with its own HTML (a cross-site form post). */
export class PageError extends Error {
  constructor(readonly kind: PageErrorKind, readonly status: number) {
    super(kind);
  }
}

/**
 * Errors on the customer pages are pages, not KOMOJU's JSON envelope: set inside the pages'
 * encapsulated plugin, so the API's handler is untouched. An unknown payment, one the page does
 * not serve, a malformed id or locale (schema failure) all read as "not found"; anything
 * unexpected is logged and shown as a plain apology.
 */
export function registerPageErrors(web: FastifyInstance): void {
  web.setErrorHandler((error: FastifyError, request, reply) => {
    const { kind, status } = classify(error);
    if (status >= 500 && kind === 'server') request.log.error({ err: error }, 'unhandled error on a customer page');
    if (status === 503) reply.header('Retry-After', '1');
    reply.code(status).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(errorPage(pageLocale(request), kind, status).toString());
  });
}

function classify(error: FastifyError): { kind: PageErrorKind; status: number } {
  if (error instanceof PageError) return { kind: error.kind, status: error.status };
  if (error instanceof ApiError) {
    // Bad input (a NUL character, a malformed value) is a bad request, not a missing page.
    if (error.code === 'invalid_parameter' || error.code === 'missing_parameter') return { kind: 'badRequest', status: 400 };
    if (error.status === 404 || error.status === 422) return { kind: 'notFound', status: 404 };
    if (error.status === 403) return { kind: 'forbidden', status: 403 };
    if (error.status === 503 || error.status === 409) return { kind: 'unavailable', status: 503 };
    // A body that is not JSON or form fields, one over the size limit …
    if (error.status < 500) return { kind: 'badRequest', status: 400 };
    return { kind: 'server', status: 500 };
  }
  // A malformed id or locale in the URL names no page; a malformed form is a bad request.
  if (error.validation) return error.validationContext === 'body' ? { kind: 'badRequest', status: 400 } : { kind: 'notFound', status: 404 };
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) return { kind: 'badRequest', status: 400 };
  return { kind: 'server', status: 500 };
}

/**
 * The error page of a path no page plugin serves (an unknown path, a URL the router cannot
 * decode, the API documentation's pages): answered from the app's root, outside the pages'
 * plugin, so the headers helmet gives every page are set here.
 */
export function sendPathErrorPage(request: FastifyRequest, reply: FastifyReply, status: number): void {
  const kind: PageErrorKind = status === 404 ? 'noPage' : status === 503 ? 'unavailable' : status < 500 ? 'badRequest' : 'server';
  const shown = kind === 'badRequest' ? 400 : kind === 'server' ? 500 : status;
  if (status === 503) reply.header('Retry-After', '1');
  const csp = Object.entries(cspDirectives())
    .map(([directive, sources]) => `${directive} ${sources.join(' ')}`)
    .join(';');
  reply
    .code(shown)
    .headers({
      'cache-control': 'no-store',
      'content-security-policy': csp,
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'same-origin',
    })
    .type('text/html; charset=utf-8')
    .send(errorPage(preferredLocale(request.headers['accept-language'], 'ja'), kind, shown, { home: true }).toString());
}

/** The locale the URL asked for (`/:locale/…`, `?locale=`, a posted `locale`), else the browser's. */
function pageLocale(request: FastifyRequest): PageLocale {
  const params = request.params as Record<string, unknown> | undefined;
  const query = request.query as Record<string, unknown> | undefined;
  const body = request.body as Record<string, unknown> | undefined;
  for (const candidate of [params?.locale, query?.locale, body?.locale]) if (isLocale(candidate)) return candidate;
  return preferredLocale(request.headers['accept-language'], 'ja');
}
