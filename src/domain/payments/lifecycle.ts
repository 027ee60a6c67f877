import { methodFor } from '../../methods';
import { isEmvPayment } from '../../methods/credit_card_terminal';
import * as finalizationsRepo from '../../store/finalizations.repo';
import type { Db } from '../../store/db';
import * as chargebacksRepo from '../../store/chargebacks.repo';
import { ApiError } from '../../kernel/errors';
import { resolveTax, type Currency } from '../../kernel/money';
import type { Payment } from '../../model/payment';
import type { Actor, Services } from '../context';
import { applyAction, type PaymentColumns, type PaymentCommand } from '../payment-lifecycle';
import { awaitsMoreDetails } from '../payment-state';
import { processorFor } from '../upstream';
import { check } from '../validate';
import { paymentUrls } from './create';
import type { Locale, PaymentOutcome } from './request';

/** The merchant's commands on an existing payment, each one applyAction (domain/payment-lifecycle.ts). */

export interface CaptureInput {
  amount?: number;
  tax?: number | string;
}

/** Captures an authorized card payment, optionally for less than was authorized. */
export async function capturePayment(trx: Db, actor: Actor, id: string, input: CaptureInput): Promise<Payment> {
  return applyAction(trx, actor, id, {
    action: 'capture',
    change: async (payment, now) => {
      // Cards, typed or present at a terminal (an EMV payment finalized with capture: false).
      const flow = methodFor(payment.payment_type)?.flow;
      if (flow !== 'card' && flow !== 'terminal') throw new ApiError('not_capturable');
      // The chip decides last (./finalize.ts): until its terminal has finalized it, an EMV
      // authorization may yet be declined, so it is not the merchant's to capture.
      if (isEmvPayment(payment) && !(await finalizationsRepo.isFinalized(trx, payment.id))) {
        throw new ApiError('not_capturable', { message: 'The payment must be finalized first: POST /payments/:id/finalize with the chip\'s decision.' });
      }
      const { amount, tax } = captureAmounts(payment, input);
      // The remainder is kept for API versions before 2025-01-28, which show it as refunded.
      return { set: { captured_at: now, amount, tax, uncaptured_amount: payment.amount - amount, uncaptured_tax: payment.tax - tax } };
    },
  });
}

/** What a capture takes: all that was authorized, or `amount` of it with its tax; never more. */
function captureAmounts(payment: Payment, input: CaptureInput): { amount: number; tax: number } {
  let amount = payment.amount;
  let tax = payment.tax;
  if (input.amount !== undefined) {
    if (input.amount > payment.amount) {
      throw new ApiError('invalid_parameter', { param: 'amount', message: 'The capture amount cannot exceed the authorized amount' });
    }
    amount = input.amount;
    tax = resolveTax(amount, input.tax);
  } else if (input.tax !== undefined) {
    tax = resolveTax(amount, input.tax);
  }
  if (amount + tax > payment.total) throw new ApiError('invalid_parameter', { param: 'tax', message: 'The capture total cannot exceed the authorized total' });
  return { amount, tax };
}

export interface RefundInput {
  amount?: number;
  description?: string;
}

/**
 * Refunds all that remains, or `amount` of it; the payment becomes `refunded` once nothing remains.
 * A disputed payment is not refunded (as Stripe's `charge_disputed`): the chargeback decides where
 * its money goes, and a refund beside it would pay the customer twice — unless the dispute was
 * won (`cancelled`), which gave the money back to the merchant.
 */
export async function refundPayment(trx: Db, actor: Actor, id: string, input: RefundInput): Promise<Payment> {
  const dispute = await chargebacksRepo.findChargebackOfPayment(trx, id);
  if (dispute && dispute.merchant_id === actor.merchant.id && dispute.status !== 'cancelled') {
    throw new ApiError('not_refundable', { message: `The payment is disputed (chargeback ${dispute.id}, ${dispute.status}): a refund would pay the customer twice.` });
  }
  return applyAction(trx, actor, id, {
    ...refundCommand((payment) => input.amount ?? remainingOf(payment), input.description ?? null),
    refuse: (payment) => {
      if (!methodFor(payment.payment_type)?.refundable) throw new ApiError('not_refundable');
    },
  });
}

function remainingOf(payment: Payment): number {
  return payment.total - payment.amount_refunded;
}

/**
 * A refund of `amountOf(payment)`: refund_full when it is all that remains, else refund_partial.
 * Shared by /refund and completed refund requests (domain/refund-requests.ts).
 */
export function refundCommand(amountOf: (payment: Payment) => number, description: string | null): PaymentCommand {
  return {
    action: (payment) => (amountOf(payment) === remainingOf(payment) ? 'refund_full' : 'refund_partial'),
    change: (payment, now, ids) => {
      const amount = amountOf(payment);
      const remaining = remainingOf(payment);
      if (amount < 1 || amount > remaining) {
        throw new ApiError('invalid_parameter', { param: 'amount', message: `The refund amount must be between 1 and ${remaining}` });
      }
      const refund = { id: ids.id(), merchant_id: payment.merchant_id, payment_id: payment.id, amount, currency: payment.currency, description, created_at: now };
      return { refund, set: { amount_refunded: payment.amount_refunded + amount } };
    },
  };
}

export async function cancelPayment(trx: Db, actor: Actor, id: string): Promise<Payment> {
  return applyAction(trx, actor, id, { action: 'cancel', change: () => ({ set: {} }) });
}

export interface UpdatePaymentInput {
  description?: string;
  metadata?: Record<string, string>;
  external_order_num?: string;
  /** Continues a pending payment (another prepaid card); see PaymentMethod.continue. */
  payment_details?: Record<string, unknown>;
}

/**
 * PATCH /payments/:id: changes description, metadata or external_order_num (`payment.updated`),
 * and continues a pending prepaid payment with another card: enough to cover the rest captures
 * it (`payment.captured`, and its session completes), too little keeps it pending with a smaller
 * `short_amount`, and a refused card leaves it as it was and answers the decline.
 */
export async function updatePayment(trx: Db, services: Services, actor: Actor, id: string, input: UpdatePaymentInput): Promise<PaymentOutcome> {
  let decline: PaymentOutcome['decline'];
  const payment = await applyAction(trx, actor, id, {
    action: 'update',
    // Another prepaid card may capture the payment and so complete its session.
    lock: input.payment_details !== undefined ? 'payment-and-session' : 'payment',
    change: async (locked, now) => {
      const set = orderChanges(locked, input);
      if (input.payment_details === undefined) return Object.keys(set).length > 0 ? { set } : null;
      const continued = await continuePayment(services, actor, locked, input.payment_details, now);
      if (continued.outcome === 'declined') {
        decline = continued.declineCode;
        return null;
      }
      set.payment_details = JSON.stringify(continued.publicDetails);
      // The new card's secrets join those kept from the earlier ones (shallow merge, one key per card).
      if (continued.secretDetails) {
        const kept = locked.secret_details ? services.vault.open(locked.secret_details) : {};
        set.secret_details = services.vault.seal({ ...kept, ...continued.secretDetails });
      }
      if (continued.deadline !== undefined) set.payment_deadline = continued.deadline;
      if (continued.outcome !== 'captured') return { set };
      return { action: 'complete', set: { ...set, captured_at: now } };
    },
  });
  return decline ? { payment, decline } : { payment };
}

/**
 * The order data a PATCH changes. Only what differs is a change: a PATCH that sends nothing new
 * (no fields, unknown fields, the values the payment already has) writes nothing and no
 * `payment.updated`, so a merchant that re-sends its order data does not wake its own webhook
 * with an event that says nothing.
 */
function orderChanges(payment: Payment, input: UpdatePaymentInput): PaymentColumns {
  const set: PaymentColumns = {};
  if (input.description !== undefined && input.description !== payment.description) set.description = input.description;
  if (input.external_order_num !== undefined && input.external_order_num !== payment.external_order_num) set.external_order_num = input.external_order_num;
  if (input.metadata !== undefined && !sameMetadata(input.metadata, payment.metadata)) set.metadata = JSON.stringify(input.metadata);
  return set;
}

/** Metadata is a flat string map: the same pairs in any order are the same metadata. */
function sameMetadata(a: Record<string, string>, b: Record<string, string> | null): boolean {
  const keys = Object.keys(a);
  return b !== null && keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && b[key] === a[key]);
}

async function continuePayment(services: Services, actor: Actor, payment: Payment, details: Record<string, unknown>, now: Date) {
  const method = methodFor(payment.payment_type);
  if (!awaitsMoreDetails(payment.status) || !method?.continue) {
    throw new ApiError('invalid_parameter', { param: 'payment_details', message: 'Only a pending prepaid payment can be continued with more payment details' });
  }
  if (details.type !== undefined && details.type !== method.type) {
    throw new ApiError('invalid_payment_type', { param: 'payment_details.type', provided: String(details.type), allowed: [method.type] });
  }
  // Past its deadline the payment is over even if the expiry sweep has not reached it yet (as
  // completePayment says for a konbini slip).
  if (payment.payment_deadline && payment.payment_deadline < now) {
    throw new ApiError('unprocessable_entity', { message: 'The payment is past its deadline and can no longer be paid' });
  }
  const typed = { ...details, type: method.type };
  check(method.detailsSchema, typed, 'payment_details');
  const prepared = method.prepare(typed, { now });
  return method.continue(prepared, payment.payment_details, {
    now,
    paymentId: payment.id,
    amount: payment.amount,
    total: payment.total,
    currency: payment.currency as Currency,
    locale: payment.locale as Locale,
    capture: true,
    processor: processorFor(services, actor),
    ids: actor.ids,
    urls: paymentUrls(services, payment.id, payment.locale),
    deadline: payment.payment_deadline,
  });
}
