import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';
import type { Services } from '../domain/context';
import { useMailComposer } from '../domain/mail';
import { registerPageErrors } from './errors';
import assets from './routes/assets';
import instructions from './routes/instructions';
import landing from './routes/landing';
import logos from './routes/logos';
import offsite from './routes/offsite';
import session from './routes/session';
import threeDSecure from './routes/three-d-secure';
import { composeMail } from './mail/compose';
import { HELMET_OPTIONS } from './security';

/**
 * The landing page (`/`) and the pages customers see — instructions (konbini, bank transfer, PayEasy), the offsite
 * simulator and its result page — in one encapsulated plugin: its security headers (helmet:
 * CSP, frame-ancestors, nosniff, Referrer-Policy), `Cache-Control: no-store` and HTML error
 * pages apply to these routes only, never to the JSON API. Every route is `access: 'public'`
 * (no API key: the payment id in the URL is the credential).
 *
 *   registerWebPages(app, services); // in buildApp
 */
export function registerWebPages(app: FastifyInstance, services: Services): void {
  // The customer's e-mails share these pages' texts; the payment commands render them with these
  // templates (domain/mail.ts explains why they are handed over rather than imported). Whether
  // live mails are queued for SMTP is read from `services.sendsMail` as each is written.
  useMailComposer(composeMail, services);
  app.register(async (web) => {
    await web.register(helmet, HELMET_OPTIONS);
    // A payment page shows codes and a status that change: never from a cache. Assets override.
    web.addHook('onRequest', async (_request, reply) => {
      reply.header('cache-control', 'no-store');
    });
    registerPageErrors(web);
    assets(web);
    landing(web, services);
    logos(web, services);
    instructions(web, services);
    offsite(web, services);
    session(web, services);
    threeDSecure(web, services);
  });
}
