import { readdirSync, readFileSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { ApiError } from '../../kernel/errors';
import { PUBLIC_IMAGE_HELMET } from '../security';

const ASSETS_DIR = fileURLToPath(new URL('../assets/', import.meta.url));

const TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/** Every file under src/web/assets/ with a known type, read once: name → bytes. Nothing else is served. */
function loadAssets(): Map<string, { body: Buffer; type: string }> {
  const assets = new Map<string, { body: Buffer; type: string }>();
  for (const entry of readdirSync(ASSETS_DIR, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    const type = TYPES[extname(path)];
    if (type) assets.set(relative(ASSETS_DIR, path).split(sep).join('/'), { body: readFileSync(path), type });
  }
  return assets;
}

/**
 * GET /assets/* — the pages' stylesheet, script and logos from this server, as the CSP
 * (`default-src 'self'`) requires. An allowlist built at start-up, so no path ever reaches the file
 * system. Cached for an hour: they change only with a release.
 *
 * GET /payment_methods/<type>.svg — each method's icon where KOMOJU serves it: KOMOJU Fields' picker
 * draws `<img src="${komojuApi}/payment_methods/${type}.svg">` (src/komoju-picker-element.ts). One
 * file per method of the registry under assets/payment_methods/ (a test holds them to it); a query
 * (KOMOJU's `credit_card.svg?brands=visa`) is ignored.
 */
export default function route(web: FastifyInstance): void {
  const assets = loadAssets();
  const send = async (reply: FastifyReply, name: string): Promise<FastifyReply> => {
    const asset = assets.get(name);
    if (!asset) throw new ApiError('not_found');
    if (asset.type.startsWith('image/')) await reply.helmet(PUBLIC_IMAGE_HELMET);
    return reply.header('cache-control', 'public, max-age=3600').type(asset.type).send(asset.body);
  };
  web.get<{ Params: { '*': string } }>('/assets/*', { config: { access: 'public' } }, (request, reply) => send(reply, request.params['*']));
  web.get<{ Params: { type: string } }>('/payment_methods/:type.svg', { config: { access: 'public' } }, (request, reply) =>
    send(reply, `payment_methods/${request.params.type}.svg`),
  );
}
