import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../domain/context';
import { PageError } from './errors';
import type { Html } from './html';
import { isOwnOriginPost } from './security';

export function sendPage(reply: FastifyReply, page: Html, status = 200): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').send(page.toString());
}

/** 403 page for a form post from another site; see isOwnOriginPost for why. */
export function refuseCrossSite(request: FastifyRequest, services: Services): void {
  if (isOwnOriginPost(request, services.publicUrl)) return;
  request.log.warn({ origin: request.headers.origin, referer: request.headers.referer }, 'cross-site form post refused');
  throw new PageError('crossSite', 403);
}
