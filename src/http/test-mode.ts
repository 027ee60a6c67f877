import type { FastifyRequest } from 'fastify';
import { ApiError } from '../domain/errors';

/** Test helpers act only on test-mode merchants (and, like every secret route, need the secret key). */
export async function requireTestMode(request: FastifyRequest): Promise<void> {
  if (request.actor.merchant.mode !== 'test') {
    throw new ApiError('forbidden', { message: 'Test helpers are available in test mode only.' });
  }
}
