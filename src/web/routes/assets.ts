import { readdirSync, readFileSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../../domain/errors';

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
 * GET /assets/* — the pages' stylesheet (and, later, the hosted page's scripts and logos) from
 * this server, as the CSP (`default-src 'self'`) requires. An allowlist built at start-up, so no
 * path ever reaches the file system. Cached for an hour: they change only with a release.
 */
export default function route(web: FastifyInstance): void {
  const assets = loadAssets();
  web.get<{ Params: { '*': string } }>('/assets/*', { config: { access: 'public' } }, async (request, reply) => {
    const asset = assets.get(request.params['*']);
    if (!asset) throw new ApiError('not_found');
    return reply.header('cache-control', 'public, max-age=3600').type(asset.type).send(asset.body);
  });
}
