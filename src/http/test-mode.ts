import type { FastifyRequest } from 'fastify';
import { ApiError } from '../kernel/errors';

/** Test helpers act only on test-mode merchants (and, like every secret route, need the secret key). */
export async function requireTestMode(request: FastifyRequest): Promise<void> {
  if (request.actor.merchant.mode !== 'test') {
    throw new ApiError('forbidden', { message: 'Test helpers are available in test mode only.' });
  }
}

/**
 * The `Komoju-Scenario` header (forcing a test failure), first value if repeated; refused with
 * 400 outside test mode.
 */
export function scenarioHeader(request: FastifyRequest): string | undefined {
  const scenario = request.headers['komoju-scenario'];
  if (scenario !== undefined && request.actor.merchant.mode !== 'test') {
    throw new ApiError('bad_request', { param: 'Komoju-Scenario', message: 'Komoju-Scenario works in test mode only' });
  }
  return Array.isArray(scenario) ? scenario[0] : scenario;
}
