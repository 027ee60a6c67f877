import * as merchantsRepo from '../store/merchants.repo';
import * as outboxRepo from '../store/outbox.repo';
import type { Actor, Services } from './context';
import { expireMerchantChargebacks } from './chargeback-expiry';
import { openMerchantPlannedChargebacks } from './chargeback-plans';
import { expireMerchantPayments } from './expiry';
import { runMerchantLedger } from './ledger-sweep';
import { eraseExpiredTokens } from './tokens';
import { merchantClock } from './seeding';
import { chargeMerchantSubscriptions } from './subscription-billing';

/**
 * A merchant's test clock: the system clock plus an offset the merchant moves forward through
 * the test helpers. Moving it runs, at once, every expiry that fell due, makes the settlements
 * and bank transfers (domain/ledger-sweep.ts) that fell due, and makes webhook retries the new
 * time has passed due.
 */
export interface ClockState {
  now: Date;
  offsetMs: number;
}

export function clockState(actor: Actor): ClockState {
  return { now: actor.clock.now(), offsetMs: actor.merchant.clock_offset_ms };
}

/**
 * One transaction, locking in a fixed order: the merchant's row first (so advances of one
 * merchant run one after another, each seeing the offset the one before left), then its due
 * payments, its tokens and its pending deliveries, each in a set order. Made of separate
 * statements, concurrent advances took the deliveries' rows in whatever order each one's plan met
 * them, and deadlocked on PostgreSQL.
 */
export async function advanceClock(services: Services, actor: Actor, seconds: number): Promise<ClockState & { expired: number }> {
  const merchantId = actor.merchant.id;
  const result = await services.db.transaction().execute(async (trx) => {
    const offsetMs = await merchantsRepo.advanceClock(trx, merchantId, seconds * 1000);
    const expired = await expireMerchantPayments(trx, services.clock, actor.ids, merchantId);
    // Test cards' disputes first, each at its own time: a long advance opens one and may expire it.
    await openMerchantPlannedChargebacks(trx, services, actor.ids, merchantId);
    await expireMerchantChargebacks(trx, services, actor.ids, merchantId);
    // Renewals and retries that fell due, each made at its own time on the merchant's clock.
    await chargeMerchantSubscriptions(trx, services, actor.ids, merchantId);
    // Last, once everything above has written its ledger lines: settlements whose month closed
    // and bank transfers that fell due, on the moved clock.
    const now = merchantClock(services.clock, { seed: actor.merchant.seed, clock_offset_ms: offsetMs }).now();
    await runMerchantLedger(trx, { merchantId, merchantName: actor.merchant.name, publicUrl: services.publicUrl }, now, actor.ids);
    await eraseExpiredTokens(trx, services.clock, merchantId);
    await outboxRepo.bringForward(trx, merchantId, seconds * 1000);
    return { offsetMs, expired };
  });
  // The offset changed at the commit: cached key lookups (which carry the merchant) read before it are stale.
  await merchantsRepo.forgetCachedKeys();
  return { now: merchantClock(services.clock, { seed: actor.merchant.seed, clock_offset_ms: result.offsetMs }).now(), ...result };
}

/**
 * Sets the merchant's clock back to real time (offset 0), as a test-data reset does, but keeps its
 * data and its id sequence. Time then goes backwards for what exists: payments and events may carry
 * dates after "now", and a payment whose expiry has passed stays expired. Pending webhook
 * deliveries keep their due times (they are in system time). A seeded merchant's clock goes back
 * to its frozen epoch.
 */
export async function resetClock(services: Services, actor: Actor): Promise<ClockState> {
  await merchantsRepo.resetClockOffset(services.db, actor.merchant.id);
  return { now: merchantClock(services.clock, { seed: actor.merchant.seed, clock_offset_ms: 0 }).now(), offsetMs: 0 };
}
