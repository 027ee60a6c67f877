import { methodFor } from '../methods';
import type { Db } from '../store/db';
import * as paymentsRepo from '../store/payments.repo';
import * as sessionsRepo from '../store/sessions.repo';
import type { Payment } from '../model/payment';
import { isAwaitingPayment, isPaid } from './payment-state';
import { sessionState, sessionStep } from './sessions/state';

/**
 * When a session is paid (KOMOJU: "completed — the customer inputted their info successfully; the
 * session contains a payment that is either authorized or captured"): once the customer has done
 * their part. A captured payment, or an authorized one that waits only for money to arrive (a
 * konbini slip, a bank transfer) or for the merchant's capture (a card, capture=manual), pays it.
 * An offsite payment is `authorized` the moment it is created, before the customer has even seen
 * the provider: it pays the session only once the provider approves (captured); a decline or
 * cancel there leaves the session pending, to be paid another way.
 */
export function paysSession(payment: Payment): boolean {
  if (isPaid(payment.status)) return true;
  return isAwaitingPayment(payment.status) && methodFor(payment.payment_type)?.flow !== 'offsite';
}

/**
 * Locks a payment for a command that may complete its session, taking the session's lock first:
 * paying a session locks the session and then its earlier attempt, so every path takes them in
 * that order (the other order deadlocks against a pay of the same session).
 */
export async function lockPaymentAndSession(trx: Db, merchantId: string, id: string): Promise<Payment | undefined> {
  const seen = await paymentsRepo.findPayment(trx, merchantId, id);
  if (!seen) return undefined;
  if (seen.session_id) await sessionsRepo.lockSession(trx, merchantId, seen.session_id);
  return paymentsRepo.lockPayment(trx, merchantId, id);
}

/**
 * The payment has just changed; if it now pays its pending session (and is that session's current
 * attempt), the session completes, in the caller's transaction.
 */
export async function completeSessionOf(trx: Db, payment: Payment, now: Date): Promise<void> {
  if (!payment.session_id || !paysSession(payment)) return;
  const session = await sessionsRepo.lockSession(trx, payment.merchant_id, payment.session_id);
  if (!session || session.payment_id !== payment.id || !('to' in sessionStep(sessionState(session, now), 'complete'))) return;
  await sessionsRepo.updateSession(trx, session.id, { status: 'completed', completed_at: now, updated_at: now });
}
