import type { FastifyInstance } from 'fastify';
import type { Services } from '../../domain/context';
import { logoFile } from '../../domain/merchant-brand';
import { ApiError } from '../../kernel/errors';

const DIGEST = /^[0-9a-f]{64}$/;

/**
 * GET /logos/<sha256> — a merchant's logo, as its customers' pages show it (settings → Brand). The
 * address is the digest of the bytes, so a new logo has a new one and this one never changes:
 * cached for a year, immutable. The bytes were checked to be a PNG, JPEG or WebP image when they
 * were stored, and the type sent is the one found then, with nosniff (helmet), never the upload's.
 */
export default function route(web: FastifyInstance, services: Services): void {
  web.get<{ Params: { digest: string } }>('/logos/:digest', { config: { access: 'public' } }, async (request, reply) => {
    const { digest } = request.params;
    const file = DIGEST.test(digest) ? await logoFile(services.db, digest) : undefined;
    if (!file) throw new ApiError('not_found');
    return reply.header('cache-control', 'public, max-age=31536000, immutable').type(file.content_type).send(file.bytes);
  });
}
