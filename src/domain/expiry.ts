import { offsetClock, type Clock } from '../lib/clock';
import type { Db } from '../store/db';
import * as paymentsRepo from '../store/payments.repo';
import { recordPaymentEvent } from './events';
import { transition } from './payment-state';

const BATCH = 100;

/**
 * Expires every pending or authorized payment whose payment_deadline has passed on its merchant's
 * clock: status `expired` and a `payment.expired` event, one transaction per batch. Runs on a timer
 * in every process (SKIP LOCKED keeps them from doing the same row twice) and at once when a
 * merchant moves its test clock. Returns how many payments expired.
 */
export async function expireDuePayments(db: Db, clock: Clock, merchantId?: string): Promise<number> {
  let expired = 0;
  for (;;) {
    const count = await db.transaction().execute(async (trx) => {
      const due = await paymentsRepo.lockDuePayments(trx, clock.now(), BATCH, merchantId);
      for (const payment of due) {
        const step = transition(payment.status, 'expire');
        if (!step.ok) continue;
        // The merchant's own clock: with a moved test clock, the event happens in its time.
        const now = offsetClock(clock, payment.clock_offset_ms).now();
        const row = await paymentsRepo.updatePayment(trx, payment.id, { status: step.next, updated_at: now });
        await recordPaymentEvent(trx, 'payment.expired', { ...row, refunds: payment.refunds, refund_requests: payment.refund_requests }, now);
      }
      return due.length;
    });
    expired += count;
    if (count < BATCH) return expired;
  }
}
