import { methodFor } from '../methods';
import type { PaymentMethod } from '../methods/method';
import * as merchantsRepo from '../store/merchants.repo';
import * as paymentsRepo from '../store/payments.repo';
import { actorFor } from './seeding';
import type { Actor, Services } from './context';
import { ApiError } from '../kernel/errors';
import { completePayment, failPayment } from './payment-completion';
import { isAwaitingPayment } from './payment-state';
import { cancelPayment } from './payments';
import type { Payment } from '../model/payment';

/**
 * What the customer's pages (instructions, offsite simulator) need. These pages have no API key:
 * the payment's 25-character random id (≈ 129 bits) in the URL is what lets the customer see and
 * act on it, exactly as KOMOJU's own instructions and redirect URLs work. The merchant is found
 * through the payment, and acts with its own test clock.
 */
export interface CustomerPayment {
  payment: Payment;
  merchant: { name: string; mode: 'test' | 'live' };
  method: PaymentMethod | undefined;
  /** The payment's merchant, with its clock: for the commands the customer's buttons run. */
  actor: Actor;
}

/** Which flows each page serves; any other payment is "not found" on that page. */
export type CustomerPage = 'instructions' | 'offsite';
const PAGE_FLOW: Record<CustomerPage, PaymentMethod['flow']> = { instructions: 'async', offsite: 'offsite' };

/**
 * The payment `id` as the customer's `page` shows it, or 404 `not_found` when there is no such
 * payment or it is not one that page serves (a card payment has no instructions page).
 *
 *   const { payment, merchant } = await findCustomerPayment(services, id, 'instructions', { reading: true });
 *
 * `reading`: the page only shows the payment (see actorFor).
 */
export async function findCustomerPayment(services: Services, id: string, page: CustomerPage, { reading = false } = {}): Promise<CustomerPayment> {
  const payment = await paymentsRepo.findPaymentById(services.db, id);
  const method = payment && methodFor(payment.payment_type);
  if (!payment || method?.flow !== PAGE_FLOW[page]) throw new ApiError('not_found', { param: 'id' });
  const merchant = await merchantsRepo.findMerchant(services.db, payment.merchant_id);
  if (!merchant) throw new ApiError('not_found', { param: 'id' });
  return {
    payment,
    merchant: { name: merchant.name, mode: merchant.mode },
    method,
    actor: await actorFor(services.db, services.clock, merchant, { reading }),
  };
}

export interface CustomerActionResult extends CustomerPayment {
  /** false when the payment was no longer `authorized`: nothing changed, the page shows its state. */
  acted: boolean;
}

/**
 * The instructions page's test-mode "Simulate payment": the customer pays the slip or transfer
 * (`authorized` → `captured`, `payment.captured`). Live merchants get 403 `forbidden`.
 */
export async function simulateInstructionsPayment(services: Services, id: string): Promise<CustomerActionResult> {
  const found = await findCustomerPayment(services, id, 'instructions');
  if (found.merchant.mode !== 'test') throw new ApiError('forbidden', { message: 'Payments can be simulated in test mode only.' });
  return act(services, found, (trx) => completePayment(trx, found.actor, id));
}

export type OffsiteAction = 'approve' | 'decline' | 'cancel';

/**
 * The offsite simulator's buttons: Approve → `captured`, Decline → `failed` (`card_declined`),
 * Cancel → `cancelled`, each with its event, in one transaction.
 */
export async function settleOffsitePayment(services: Services, id: string, action: OffsiteAction): Promise<CustomerActionResult> {
  const found = await findCustomerPayment(services, id, 'offsite');
  const { actor } = found;
  return act(services, found, (trx) => {
    switch (action) {
      case 'approve':
        return completePayment(trx, actor, id);
      case 'decline':
        return failPayment(trx, actor, id, 'card_declined');
      case 'cancel':
        return cancelPayment(trx, actor, id);
    }
  });
}

/**
 * Runs one customer command on an `authorized` payment. A payment in any other state (paid in
 * another tab, expired, double-clicked) is not an error for the customer: nothing changes and
 * the page shows where the payment stands. The status is checked again under the row lock by
 * the command itself, whose state-table refusal (422) is read the same way.
 */
async function act(
  services: Services,
  found: CustomerPayment,
  command: (trx: Services['db']) => Promise<Payment>,
): Promise<CustomerActionResult> {
  if (!isAwaitingPayment(found.payment.status)) return { ...found, acted: false };
  try {
    const payment = await services.db.transaction().execute(command);
    return { ...found, payment, acted: true };
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 422) throw error;
    const payment = (await paymentsRepo.findPaymentById(services.db, found.payment.id)) ?? found.payment;
    return { ...found, payment, acted: false };
  }
}
