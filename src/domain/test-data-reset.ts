import { ApiError } from '../kernel/errors';
import { randomFraction } from '../lib/random';
import type { TestDataCounts, TestDataReset } from '../model/test-data';
import type { Db } from '../store/db';
import * as merchantLocks from '../store/merchant-locks.repo';
import * as merchantsRepo from '../store/merchants.repo';
import * as testDataRepo from '../store/test-data.repo';
import type { Actor, Services } from './context';
import { merchantClock } from './seeding';

/**
 * How long the reset waits for a row another transaction holds, once it holds the merchant. A
 * transaction that is not waiting for the reset holds a row for a statement or two (milliseconds);
 * one that waits for it never lets go, so waiting longer only delays the retry.
 */
const ROW_LOCK_WAIT_MS = 100;
/** How long one try waits for the merchant's row (every transaction writing its data holds it). */
const MERCHANT_LOCK_WAIT_MS = 250;
/** Tries before the caller gets 409; each costs at most ROW_LOCK_WAIT_MS and a pause. */
const ATTEMPTS = 20;

/**
 * Deletes a test-mode merchant's test data — payments with their refunds and refund requests,
 * sessions, tokens and secure tokens, customers and saved cards (external customers), subscriptions, events
 * with their webhook deliveries and attempts, mails, idempotency records — and sets its test clock back
 * to real time. Keys, webhook endpoints, dashboard users and settings (payment methods) stay, as
 * does the API request log. A seeded merchant keeps its seed, and starts over as seeding starts
 * it: id sequence and clock back to where they were right after seeding (FROZEN_EPOCH), so the
 * same run repeats its answers after a reset. Answers what was removed, kind by kind. Live
 * merchants: 403.
 *
 * ## Never half a payment beside the merchant's own traffic
 *
 * One transaction: it first locks the merchant's row FOR UPDATE, then deletes everything in one
 * statement. Every row of test data is inserted with a foreign key to the merchant, and
 * PostgreSQL checks it by taking FOR KEY SHARE on the merchant's row, which FOR UPDATE excludes.
 * So the lock is granted only once every transaction that has written the merchant's rows has
 * committed or rolled back (the deletes, each a new READ COMMITTED snapshot after it, see all of
 * them), and until the reset commits every new payment, event or delivery waits at its first
 * insert, then proceeds in full. A payment create is one INSERT statement (payment, event and
 * deliveries: payments.repo's insertPaymentWithEvent), so it lands wholly before or wholly after.
 * This costs the create path nothing: its foreign-key check was already there; no lock, no round
 * trip is added to it. The test clock's advance locks the same row first, so the two never
 * interleave either.
 *
 * A transaction that locked one of the merchant's rows (a payment it captures, a token it uses)
 * before its first insert would wait for the reset while the reset waits for that row: a deadlock.
 * So such transactions hold the merchant's row first (runCommand's first statement; with an
 * idempotency key, the key's own statement: no round trip added there), and wait for a reset
 * holding nothing. Measured beside 8 clients creating, capturing, refunding and paying with
 * tokens (test/http/test-data-reset-concurrency.test.ts, PostgreSQL): without that, 3 resets of
 * 12 gave up after 20 tries; with it, none needed a second try. Its cost: one round trip in a
 * transaction without a key (3,000 transactions that insert a row took as long with it as
 * without, within noise, on PostgreSQL here: the commit's WAL flush dominates). What still
 * locks rows first (the expiry sweep, the customer pages' payment actions) is rare, and the
 * reset copes: it waits at most ROW_LOCK_WAIT_MS for a row, rolls back (deleting nothing) and
 * tries again after a short random pause, during which the other transaction completes; after
 * ATTEMPTS tries it answers 409 `conflict`. The embedded database runs one transaction at a
 * time: there nothing waits, and the first try succeeds.
 *
 *   const { removed, clock } = await resetTestData(services, actor); // removed.payments …
 */
export async function resetTestData(services: Services, actor: Actor): Promise<TestDataReset> {
  if (actor.merchant.mode !== 'test') throw new ApiError('forbidden', { message: 'Test data can be deleted in test mode only.' });
  const merchantId = actor.merchant.id;
  const { removed, seed } = await retryOnLockContention(() => services.db.transaction().execute((trx) => eraseTestData(trx, merchantId)));
  // The offset changed at the commit: cached key lookups (which carry the merchant) read before it are stale.
  await merchantsRepo.forgetCachedKeys();
  return { removed, clock: { now: merchantClock(services.clock, { seed, clock_offset_ms: 0 }).now(), offsetMs: 0 } };
}

/** How much test data the merchant has, per kind (what a reset would remove now). */
export async function countTestData(db: Db, actor: Actor): Promise<TestDataCounts> {
  return testDataRepo.countMerchantTestData(db, actor.merchant.id);
}

async function eraseTestData(trx: Db, merchantId: string): Promise<{ removed: TestDataCounts; seed: number | null }> {
  // Bounded too: PostgreSQL does not queue new FOR KEY SHARE holders behind a waiting FOR UPDATE,
  // so under a merchant's unbroken traffic the wait could last as long as the traffic does.
  await merchantLocks.boundLockWaits(trx, MERCHANT_LOCK_WAIT_MS);
  if (!(await merchantLocks.lockMerchantAgainstInserts(trx, merchantId))) throw new Error(`No merchant ${merchantId}`);
  await merchantLocks.boundLockWaits(trx, ROW_LOCK_WAIT_MS);
  const removed = await testDataRepo.deleteMerchantTestData(trx, merchantId);
  const { seed } = await merchantsRepo.rewindMerchant(trx, merchantId);
  return { removed, seed };
}

async function retryOnLockContention<T>(attempt: () => Promise<T>): Promise<T> {
  for (let tries = 1; ; tries++) {
    try {
      return await attempt();
    } catch (error) {
      if (!merchantLocks.isLockContention(error)) throw error;
      if (tries >= ATTEMPTS) {
        throw new ApiError('conflict', { message: "The merchant's data kept changing during the reset; nothing was deleted. Retry it." });
      }
      await new Promise((resolve) => setTimeout(resolve, 10 + randomFraction() * 40));
    }
  }
}
