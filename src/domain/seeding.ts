import { frozenClock, offsetClock, type Clock } from '../lib/clock';
import { randomIds, seededIds } from '../lib/ids';
import type { Db } from '../store/db';
import * as merchantsRepo from '../store/merchants.repo';
import type { Actor } from './context';
import type { Merchant } from '../model/merchant';

/**
 * Seeded merchants (docs/testing.md, "Determinism"): with a seed, a merchant's ids, codes and
 * timestamps repeat from run to run, so a shop's test suite can compare answers and webhook
 * bodies against golden files. Unseeded merchants pay nothing for it: no query, no hashing.
 */

/** The largest seed accepted: a seed is stored as bigint and read back as a JavaScript number. */
export const MAX_SEED = Number.MAX_SAFE_INTEGER;

/**
 * A merchant's clock: the system clock shifted by its test-clock offset, or, once seeded, a
 * frozen clock (FROZEN_EPOCH) shifted by it, so that its time moves only when the merchant
 * advances it. store/merchant-time.ts says the same in SQL.
 *
 *   merchantClock(services.clock, merchant).now();
 */
export function merchantClock(system: Clock, merchant: Pick<Merchant, 'seed' | 'clock_offset_ms'>): Clock {
  return offsetClock(merchant.seed === null ? system : frozenClock, merchant.clock_offset_ms);
}

/**
 * The actor for a request (API call, hosted page, dashboard action) of `merchant`. An unseeded
 * merchant acts at once with random ids. A seeded one first takes its request's number in the
 * merchant's sequence (one UPDATE … RETURNING, which also reads the seed and clock as they
 * stand, fresher than a cached key lookup); a merchant unseeded meanwhile acts as unseeded.
 *
 *   const actor = await actorFor(services.db, services.clock, merchant);
 *   actor.ids.id();
 */
export async function actorFor(db: Db, system: Clock, merchant: Merchant): Promise<Actor> {
  if (merchant.seed === null) return { merchant, clock: offsetClock(system, merchant.clock_offset_ms), ids: randomIds };
  const taken = await merchantsRepo.takeIdSequence(db, merchant.id);
  if (!taken) {
    const unseeded = { ...merchant, seed: null };
    return { merchant: unseeded, clock: offsetClock(system, 0), ids: randomIds };
  }
  const current = { ...merchant, seed: taken.seed, clock_offset_ms: taken.clockOffsetMs };
  return { merchant: current, clock: merchantClock(system, current), ids: seededIds(taken.seed, taken.sequence) };
}

/**
 * Seeds the actor's merchant with `seed` (null: unseeds it) and starts it over: its sequence and
 * its test clock go back to zero, so what is done next repeats what was done after the last
 * seeding with the same seed. Test mode only (the route checks).
 */
export async function seedMerchant(db: Db, system: Clock, actor: Actor, seed: number | null): Promise<SeedState> {
  await merchantsRepo.setSeed(db, actor.merchant.id, seed);
  return { seed, now: merchantClock(system, { seed, clock_offset_ms: 0 }).now() };
}

export interface SeedState {
  seed: number | null;
  /** The merchant's time right after seeding: FROZEN_EPOCH, or real time when unseeded. */
  now: Date;
}
