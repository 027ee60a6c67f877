import { withArticle } from '../lib/words';
import { methodFor } from '../methods';
import type { Db } from '../store/db';
import type { Actor } from './context';
import { ApiError, isErrorCode } from '../kernel/errors';
import { applyAction } from './payment-lifecycle';
import type { Payment } from '../model/payment';

/**
 * What the customer does outside the API: pays a konbini slip or bank transfer, approves or
 * declines at an offsite provider. Driven by the test helpers, the instructions pages' "Simulate
 * payment" button and the offsite simulator.
 */

/** The customer's part is done outside the API only for these flows; any other payment is refused. */
function refuseUnlessCustomerPays(payment: Payment): void {
  const flow = methodFor(payment.payment_type)?.flow;
  if (flow !== 'async' && flow !== 'offsite') {
    throw new ApiError('unprocessable_entity', { message: `${withArticle(payment.payment_type, { capital: true })} payment is not paid by the customer outside the API` });
  }
}

/**
 * The customer paid: `authorized` → `captured`, `payment.captured`; an offsite payment approved at
 * the provider completes the session it pays (see paysSession), so the session is locked first.
 */
export async function completePayment(trx: Db, actor: Actor, id: string): Promise<Payment> {
  return applyAction(trx, actor, id, {
    action: 'complete',
    lock: 'payment-and-session',
    refuse: refuseUnlessCustomerPays,
    refusalMessage: (payment) => `${withArticle(payment.status, { capital: true })} payment cannot be paid`,
    change: (payment, now) => {
      // Past its deadline the slip is void even if the expiry sweep has not run yet.
      if (payment.payment_deadline && payment.payment_deadline < now) {
        throw new ApiError('unprocessable_entity', { message: 'The payment is past its deadline and can no longer be paid' });
      }
      return { set: { captured_at: now } };
    },
  });
}

/**
 * The payment failed at the provider (declined offsite, or a test helper): → `failed`,
 * `payment.failed`. Its session, if any, stays pending: the customer may pay another way. The
 * session is locked all the same, as for completePayment: one lock order for a customer's payment.
 */
export async function failPayment(trx: Db, actor: Actor, id: string, code = 'card_declined'): Promise<Payment> {
  if (!isErrorCode(code)) throw new ApiError('invalid_parameter', { param: 'code' });
  return applyAction(trx, actor, id, {
    action: 'fail',
    lock: 'payment-and-session',
    refuse: refuseUnlessCustomerPays,
    refusalMessage: (payment) => `${withArticle(payment.status, { capital: true })} payment cannot fail`,
    change: () => ({ set: { failure_code: code } }),
  });
}
