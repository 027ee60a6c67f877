import type { Clock } from '../lib/clock';
import { randomIds, type IdSource } from '../lib/ids';
import type { Db } from '../store/db';
import * as paymentsRepo from '../store/payments.repo';
import { applyActionToLocked, type PaymentCommand } from './payment-lifecycle';
import { allows } from './payment-state';
import { merchantClock } from './seeding';

const BATCH = 100;

/**
 * Expires every pending or authorized payment whose payment_deadline has passed on its merchant's
 * clock: status `expired` and a `payment.expired` event, one transaction per batch. Runs on a timer
 * in every process (SKIP LOCKED keeps them from doing the same row twice); `merchantId` limits it
 * to one merchant. Returns how many
 * payments expired.
 */
export async function expireDuePayments(db: Db, clock: Clock, merchantId?: string): Promise<number> {
  let expired = 0;
  for (;;) {
    const { locked, count } = await db.transaction().execute(async (trx) => {
      const due = await paymentsRepo.lockDuePayments(trx, clock.now(), BATCH, { merchantId, skipLocked: true });
      // A sweep acts for no request: its events take random ids (a seeded merchant's payments
      // expire when its clock is advanced, in that request, with its ids: advanceClock).
      return { locked: due.length, count: await expire(trx, clock, randomIds, due) };
    });
    expired += count;
    if (locked < BATCH) return expired;
  }
}

/**
 * The same for one merchant whose test clock just moved, inside the caller's transaction (which
 * holds the merchant's row): every due payment, waiting for one another request is changing
 * rather than skipping it, so the advance answers for all of them. Returns how many expired.
 */
export async function expireMerchantPayments(trx: Db, clock: Clock, ids: IdSource, merchantId: string): Promise<number> {
  let expired = 0;
  for (;;) {
    const due = await paymentsRepo.lockDuePayments(trx, clock.now(), BATCH, { merchantId, skipLocked: false });
    expired += await expire(trx, clock, ids, due);
    // Rows this transaction expired are no longer due; those another one changed meanwhile were
    // re-checked when locked.
    if (due.length < BATCH) return expired;
  }
}

async function expire(trx: Db, clock: Clock, ids: IdSource, due: Awaited<ReturnType<typeof paymentsRepo.lockDuePayments>>): Promise<number> {
  let expired = 0;
  for (const payment of due) {
    if (!allows(payment.status, 'expire')) continue;
    // The merchant's own clock: with a moved test clock, the event happens in its time.
    const now = merchantClock(clock, payment).now();
    await applyActionToLocked(trx, payment, now, ids, EXPIRE);
    expired++;
  }
  return expired;
}

const EXPIRE: PaymentCommand = { action: 'expire', change: () => ({ set: {} }) };
