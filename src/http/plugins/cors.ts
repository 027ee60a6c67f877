import cors, { type FastifyCorsOptions } from '@fastify/cors';
import type { FastifyContextConfig, FastifyInstance } from 'fastify';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Set on the OPTIONS route that answers browsers' preflights for a publishable-key route. */
    corsPreflight?: boolean;
    /** Read by @fastify/cors: `false` sends no CORS headers for the route. */
    cors?: false;
  }
}

/**
 * What a page on any origin may send to a publishable-key route: the key in `Authorization`
 * (Basic), a JSON or form body, and KOMOJU's idempotency and version headers. No cookies are
 * involved, so `*` is safe: the key is the only credential, and it is a publishable one.
 */
const BROWSER_CORS: FastifyCorsOptions = {
  origin: '*',
  methods: ['GET', 'POST'],
  allowedHeaders: ['Authorization', 'Content-Type', 'X-KOMOJU-IDEMPOTENCY', 'X-KOMOJU-API-VERSION'],
  maxAge: 600,
  // An OPTIONS without Origin is no preflight, but no error either: it gets the same 204 (strict,
  // @fastify/cors answered it with a plain-text 400, outside KOMOJU's envelope).
  strictPreflight: false,
};

/**
 * CORS (@fastify/cors) on the publishable-key routes only — POST /tokens, POST|GET
 * /secure_tokens, GET /payment_methods, and whatever else a route declares `access:
 * 'publishable'` — so that a checkout page on the merchant's site can call them with the
 * publishable key. Secret-key routes send no CORS header at all: a browser page can never read
 * them, even holding a key. A preflight carries no credentials, so every publishable route gets
 * a public OPTIONS twin that @fastify/cors answers (204) before authentication runs; a preflight
 * for any other route is refused like any unauthenticated request, without CORS headers.
 *
 * Must be registered before the auth plugin's hook and before any route.
 */
export async function registerCors(app: FastifyInstance): Promise<void> {
  const twinned = new Set<string>();
  app.addHook('onRoute', (route) => {
    // Static options plus a per-route opt-out, rather than a delegator: @fastify/cors re-normalises
    // a delegator's options on every request, a measurable cost on the hottest secret-key routes.
    if (!forBrowsers(route.config)) route.config = { ...route.config, cors: false };
    if (route.config?.access !== 'publishable' || twinned.has(route.url)) return;
    twinned.add(route.url);
    // Never reached: @fastify/cors answers every preflight in its onRequest hook.
    app.options(route.url, { config: { access: 'public', corsPreflight: true } }, async (_request, reply) => reply.code(204).send());
  });
  await app.register(cors, BROWSER_CORS);
}

function forBrowsers(config: FastifyContextConfig | undefined): boolean {
  return config?.access === 'publishable' || config?.corsPreflight === true;
}
