import type { FastifyInstance } from 'fastify';
import type { Services } from '../../domain/context';

/**
 * A year, with subdomains: helmet's default value. Browsers ignore the header on plain http
 * (RFC 6797 §8.1), so it is sent only when the public URL says the server is reached over https;
 * on `http://localhost:3000` it would be noise, and pinning a developer's localhost to https
 * would break every other local server on it.
 */
export const HSTS = 'max-age=31536000; includeSubDomains';

/**
 * `Strict-Transport-Security` on every answer (API, pages, dashboard, errors) when
 * `KESSAI_PUBLIC_URL` is https. The public URL is read per request: it is what customers' links
 * point at, and tests change it once a server listens. In onSend, so that answers to requests
 * refused by earlier hooks (auth, bad version header, rate limit) carry it too.
 *
 *   registerTransportSecurity(app, services); // in buildApp
 */
export function registerTransportSecurity(app: FastifyInstance, services: Pick<Services, 'publicUrl'>): void {
  app.addHook('onSend', async (_request, reply, payload) => {
    if (services.publicUrl.startsWith('https:')) reply.header('strict-transport-security', HSTS);
    return payload;
  });
}
