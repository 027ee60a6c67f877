import { withArticle } from '../lib/words';
import { methodFor } from '../methods';
import type { Db } from '../store/db';
import * as paymentsRepo from '../store/payments.repo';
import type { Actor } from './context';
import { ApiError, isErrorCode } from '../kernel/errors';
import { recordPaymentEvent } from './events';
import { transition } from './payment-state';
import { completeSessionOf, lockPaymentAndSession } from './session-completion';
import type { Payment } from '../model/payment';

/**
 * What the customer does outside the API: pays a konbini slip or bank transfer, approves or
 * declines at an offsite provider. Driven by the test helpers, the instructions pages' "Simulate
 * payment" button and the offsite simulator.
 */

async function lockCustomerPayable(trx: Db, actor: Actor, id: string): Promise<Payment> {
  const payment = await lockPaymentAndSession(trx, actor.merchant.id, id);
  if (!payment) throw new ApiError('not_found', { param: 'id' });
  const flow = methodFor(payment.payment_type)?.flow;
  if (flow !== 'async' && flow !== 'offsite') {
    throw new ApiError('unprocessable_entity', { message: `${withArticle(payment.payment_type, { capital: true })} payment is not paid by the customer outside the API` });
  }
  return payment;
}

/**
 * The customer paid: `authorized` → `captured`, `payment.captured`; an offsite payment approved at
 * the provider completes the session it pays (see paysSession).
 */
export async function completePayment(trx: Db, actor: Actor, id: string): Promise<Payment> {
  const now = actor.clock.now();
  const payment = await lockCustomerPayable(trx, actor, id);
  const step = transition(payment.status, 'complete');
  if (!step.ok) throw new ApiError(step.error, { message: `${withArticle(payment.status, { capital: true })} payment cannot be paid` });
  // Past its deadline the slip is void even if the expiry sweep has not run yet.
  if (payment.payment_deadline && payment.payment_deadline < now) {
    throw new ApiError('unprocessable_entity', { message: 'The payment is past its deadline and can no longer be paid' });
  }
  const row = await paymentsRepo.updatePayment(trx, id, { status: step.next, captured_at: now, updated_at: now });
  const captured = { ...row, refunds: payment.refunds, refund_requests: payment.refund_requests };
  await recordPaymentEvent(trx, 'payment.captured', captured, now);
  await completeSessionOf(trx, captured, now);
  return captured;
}

/**
 * The payment failed at the provider (declined offsite, or a test helper): → `failed`,
 * `payment.failed`. Its session, if any, stays pending: the customer may pay another way.
 */
export async function failPayment(trx: Db, actor: Actor, id: string, code = 'card_declined'): Promise<Payment> {
  if (!isErrorCode(code)) throw new ApiError('invalid_parameter', { param: 'code' });
  const now = actor.clock.now();
  const payment = await lockCustomerPayable(trx, actor, id);
  const step = transition(payment.status, 'fail');
  if (!step.ok) throw new ApiError(step.error, { message: `${withArticle(payment.status, { capital: true })} payment cannot fail` });
  const row = await paymentsRepo.updatePayment(trx, id, { status: step.next, failure_code: code, updated_at: now });
  const failed = { ...row, refunds: payment.refunds, refund_requests: payment.refund_requests };
  await recordPaymentEvent(trx, 'payment.failed', failed, now);
  return failed;
}
