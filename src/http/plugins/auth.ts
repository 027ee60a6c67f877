import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Actor, Services } from '../../domain/context';
import { authenticateKey } from '../../domain/merchants';
import { ApiError } from '../../kernel/errors';
import { actorFor } from '../../domain/seeding';
import { isApiPath } from './errors';

export type Access = 'secret' | 'publishable' | 'public';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Which key a route needs: `secret` (default), `publishable` (either key), or `public`. */
    access?: Access;
  }
  interface FastifyRequest {
    actor: Actor;
    keyKind: 'secret' | 'publishable';
  }
}

/** The API key from `Authorization: Basic base64("<key>:")`; the password part is ignored. */
export function keyFromHeader(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!match) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const key = colon === -1 ? decoded : decoded.slice(0, colon);
  return key === '' ? null : key;
}

/**
 * Authenticates every API request by its key (authenticateKey: by SHA-256 digest, compared in
 * constant time). A publishable key on a route that needs the secret key answers 403.
 */
/** A request that only reads: it takes no number in a seeded merchant's id sequence (actorFor). */
export function isReading(method: string): boolean {
  return method === 'GET' || method === 'HEAD';
}

export function registerAuth(app: FastifyInstance, services: Services): void {
  app.decorateRequest('actor', null as unknown as Actor);
  app.decorateRequest('keyKind', 'secret');
  app.addHook('onRequest', async (request: FastifyRequest) => {
    const access = request.routeOptions.config.access ?? 'secret';
    if (access === 'public') return;
    // An unknown path outside the API is a 404 page: there is no key to ask for. Under /api/v1, the
    // key comes first, so that an unauthenticated caller learns nothing of which routes exist.
    if (request.is404 && !isApiPath(request.url)) return;
    const key = keyFromHeader(request.headers.authorization);
    if (!key) throw new ApiError('unauthorized');
    const found = await authenticateKey(services.db, key);
    if (!found) throw new ApiError('unauthorized');
    // A secret key rolled in the dashboard works until its grace period ends (system time).
    if (found.expiresAt && found.expiresAt.getTime() <= services.clock.now().getTime()) throw new ApiError('unauthorized');
    if (access === 'secret' && found.kind !== 'secret') throw new ApiError('forbidden');
    request.keyKind = found.kind;
    // A seeded merchant's writing request takes its number in the merchant's id sequence here (one
    // UPDATE; a GET reads the seed instead); an unseeded one's costs nothing more.
    request.actor = await actorFor(services.db, services.clock, found.merchant, { reading: isReading(request.method) });
  });
}
