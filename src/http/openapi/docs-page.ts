import helmet from '@fastify/helmet';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';

/**
 * GET /docs — the API reference, rendered by Swagger UI (@fastify/swagger-ui) from the document
 * that GET /api/v1/openapi.json serves. Everything comes from this server: the UI's scripts and
 * stylesheets from the swagger-ui-dist copy inside node_modules (`/docs/static/*`), the document
 * from `/docs/json`; no CDN, no validator badge (its `validatorUrl` is null), no web fonts.
 *
 * Its own CSP, as strict as the customer pages' (src/web/security.ts) plus `img-src data:` for the
 * UI's inline SVG icons: the page has no inline script or style, and the UI's scripts only set
 * styles through the DOM, which CSP allows. Public (no API key), like /health; never framed.
 *
 *   await registerDocsPage(app);
 */
export async function registerDocsPage(app: FastifyInstance): Promise<void> {
  await app.register(async (docs) => {
    // @fastify/swagger-ui adds its routes itself: they are made public here.
    docs.addHook('onRoute', (route) => {
      route.config = { ...route.config, access: 'public' };
    });
    await docs.register(helmet, {
      global: true,
      contentSecurityPolicy: { useDefaults: false, directives: DOCS_CSP },
      strictTransportSecurity: false,
      referrerPolicy: { policy: 'same-origin' },
      frameguard: { action: 'deny' },
    });
    await docs.register(swaggerUi, {
      routePrefix: '/docs',
      // BaseLayout: no top bar, whose "Explore" box would load any URL and whose logo is an SVG
      // with an inline <style> (which the CSP refuses).
      uiConfig: { layout: 'BaseLayout', deepLinking: true, docExpansion: 'list', defaultModelsExpandDepth: 0, displayOperationId: false, tryItOutEnabled: false },
      theme: { title: 'kessai — API reference' },
    });
  });
}

export const DOCS_CSP: Record<string, string[]> = {
  'default-src': ["'self'"],
  'img-src': ["'self'", 'data:'],
  'base-uri': ["'none'"],
  'object-src': ["'none'"],
  'frame-ancestors': ["'none'"],
  'form-action': ["'self'"],
};
