import { ApiError } from '../kernel/errors';
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
 * A request that only reads (`reading`: an API GET, a page view) takes no number: a shop that polls
 * a payment a varying number of times must still draw the same ids afterwards. It sees the seeded
 * clock, and draws random ids should it write anything after all.
 *
 *   const actor = await actorFor(services.db, services.clock, merchant);
 *   actor.ids.id();
 */
export async function actorFor(db: Db, system: Clock, merchant: Merchant, { reading = false } = {}): Promise<Actor> {
  if (merchant.seed === null) return { merchant, clock: offsetClock(system, merchant.clock_offset_ms), ids: randomIds };
  if (reading) return readingActor(db, system, merchant);
  const taken = await merchantsRepo.takeIdSequence(db, merchant.id);
  if (!taken) {
    const unseeded = { ...merchant, seed: null };
    return { merchant: unseeded, clock: offsetClock(system, 0), ids: randomIds };
  }
  const current = { ...merchant, seed: taken.seed, clock_offset_ms: taken.clockOffsetMs };
  return { merchant: current, clock: merchantClock(system, current), ids: seededIds(taken.seed, taken.sequence) };
}

async function readingActor(db: Db, system: Clock, merchant: Merchant): Promise<Actor> {
  const now = await merchantsRepo.peekSeed(db, merchant.id);
  const current = { ...merchant, seed: now?.seed ?? null, clock_offset_ms: now ? now.clockOffsetMs : 0 };
  return { merchant: current, clock: merchantClock(system, current), ids: randomIds };
}

/**
 * Seeds the actor's merchant with `seed` (null: unseeds it) and starts it over: its sequence and
 * its test clock go back to zero, so what is done next repeats what was done after the last
 * seeding with the same seed. Test mode only (the route checks).
 */
export async function seedMerchant(db: Db, system: Clock, actor: Actor, seed: number | null): Promise<SeedState> {
  // Ids are unique across merchants (primary keys): two merchants drawing from one seed would
  // draw the same ones.
  if (seed !== null && (await merchantsRepo.otherMerchantWithSeed(db, seed, actor.merchant.id))) {
    throw new ApiError('unprocessable_entity', { param: 'seed', message: `Another merchant of this server is seeded with ${seed}, and the two would draw the same ids: pick another seed` });
  }
  await merchantsRepo.setSeed(db, actor.merchant.id, seed);
  return { seed, now: merchantClock(system, { seed, clock_offset_ms: 0 }).now() };
}

export interface SeedState {
  seed: number | null;
  /** The merchant's time right after seeding: FROZEN_EPOCH, or real time when unseeded. */
  now: Date;
}

/**
 * The seed in a request: a whole number from 0 to MAX_SEED (a JSON number, or the digits of a
 * form field), or null (unseed). Anything else is invalid_parameter on `seed`.
 */
export function parseSeed(value: unknown): number | null {
  if (value === null) return null;
  const number = typeof value === 'string' && /^\d{1,16}$/.test(value) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isInteger(number) || number < 0 || number > MAX_SEED) {
    throw new ApiError('invalid_parameter', { param: 'seed', message: `seed must be a whole number from 0 to ${MAX_SEED}, or null to unseed` });
  }
  return number;
}

/**
 * What a request of a seeded merchant answers when an id it drew is taken (unique_violation,
 * 23505): the seed was applied again over the rows an earlier run with it made (delete the test
 * data first, or pick another seed). Null: `error` is not that, or the merchant is unseeded.
 */
export function seededIdTaken(error: unknown, merchant: Merchant | undefined): ApiError | null {
  if (!merchant || merchant.seed === null || (error as { code?: unknown })?.code !== '23505') return null;
  return new ApiError('unprocessable_entity', {
    param: 'seed',
    message: `An id drawn from seed ${merchant.seed} is taken by a row an earlier run with this seed made: delete the test data first, or seed with another number`,
  });
}
