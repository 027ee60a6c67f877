import { offsetClock } from '../lib/clock';
import * as merchantsRepo from '../store/merchants.repo';
import * as webhooksRepo from '../store/webhooks.repo';
import type { Actor, Services } from './context';
import { expireDuePayments } from './expiry';
import { eraseExpiredTokens } from './tokens';

/**
 * A merchant's test clock: the system clock plus an offset the merchant moves forward through
 * the test helpers. Moving it runs, at once, every expiry that fell due, and makes webhook
 * retries the new time has passed due.
 */
export interface ClockState {
  now: Date;
  offsetMs: number;
}

export function clockState(actor: Actor): ClockState {
  return { now: actor.clock.now(), offsetMs: actor.merchant.clock_offset_ms };
}

export async function advanceClock(services: Services, actor: Actor, seconds: number): Promise<ClockState & { expired: number }> {
  const offsetMs = await merchantsRepo.advanceClock(services.db, actor.merchant.id, seconds * 1000);
  const expired = await expireDuePayments(services.db, services.clock, actor.merchant.id);
  await eraseExpiredTokens(services.db, services.clock, actor.merchant.id);
  await webhooksRepo.bringForward(services.db, actor.merchant.id, seconds * 1000);
  return { now: offsetClock(services.clock, offsetMs).now(), offsetMs, expired };
}
