import type { FastifyInstance } from 'fastify';
import type { Services } from '../../domain/context';
import { merchantActor } from '../../domain/merchants';
import { landingPage } from '../pages/landing';
import { sendPage } from '../respond';

/**
 * GET / — the landing page (pages/landing.ts): the browser's first sight of kessai. Its mode is
 * the default (first) merchant's, as serve's banner shows it; before any merchant exists (a
 * database only migrated), test mode, what `kessai serve` would create.
 */
export default function route(web: FastifyInstance, services: Services): void {
  web.get('/', { config: { access: 'public' } }, async (_request, reply) => {
    const actor = await merchantActor(services.db, services.clock, undefined, { reading: true }).catch(() => null);
    const now = (actor?.clock ?? services.clock).now();
    const page = landingPage({ publicUrl: services.publicUrl, mode: actor?.merchant.mode ?? 'test', cardYear: now.getUTCFullYear() + 3 });
    return sendPage(reply, page);
  });
}
