import type { ErrorCode } from '../kernel/errors';
import type { PaymentStatus } from '../model/payment';
import type { PaymentEventType } from './events';

/**
 * Every payment transition in one pure table: status × action → next status, or the error code the
 * API answers with. Services ask this table; nothing else compares statuses.
 */
export type PaymentAction =
  | 'capture' // merchant captures an authorized card payment
  | 'complete' // the customer paid (konbini, bank transfer, offsite, prepaid continuation)
  | 'refund_partial' // a refund that leaves some of the total unrefunded
  | 'refund_full' // a refund that reaches the total
  | 'cancel'
  | 'expire'
  | 'fail'
  | 'update'; // description / metadata / external_order_num

export const PAYMENT_STATUSES: readonly PaymentStatus[] = ['pending', 'authorized', 'captured', 'refunded', 'cancelled', 'expired', 'failed'];
export const PAYMENT_ACTIONS: readonly PaymentAction[] = ['capture', 'complete', 'refund_partial', 'refund_full', 'cancel', 'expire', 'fail', 'update'];

type Row = Partial<Record<PaymentAction, PaymentStatus>>;

const TABLE: Record<PaymentStatus, Row> = {
  pending: { complete: 'captured', cancel: 'cancelled', expire: 'expired', fail: 'failed', update: 'pending' },
  authorized: { capture: 'captured', complete: 'captured', cancel: 'cancelled', expire: 'expired', fail: 'failed', update: 'authorized' },
  captured: { refund_partial: 'captured', refund_full: 'refunded', update: 'captured' },
  refunded: { update: 'refunded' },
  cancelled: { update: 'cancelled' },
  expired: { update: 'expired' },
  failed: { update: 'failed' },
};

const REFUSAL: Record<PaymentAction, ErrorCode> = {
  capture: 'not_capturable',
  complete: 'unprocessable_entity',
  refund_partial: 'not_refundable',
  refund_full: 'not_refundable',
  cancel: 'not_cancellable',
  expire: 'unprocessable_entity',
  fail: 'unprocessable_entity',
  update: 'unprocessable_entity',
};

export type Transition = { ok: true; next: PaymentStatus } | { ok: false; error: ErrorCode };

export function transition(status: PaymentStatus, action: PaymentAction): Transition {
  const next = TABLE[status][action];
  return next ? { ok: true, next } : { ok: false, error: REFUSAL[action] };
}

/** Whether the table lets `action` happen to a payment in `status`. */
export function allows(status: PaymentStatus, action: PaymentAction): boolean {
  return TABLE[status][action] !== undefined;
}

/** A refund (or a refund request, which asks for one by bank transfer) needs captured money. */
export function canRefund(status: PaymentStatus): boolean {
  return allows(status, 'refund_partial');
}

/**
 * `pending`: created, and waiting for more of the customer's input (a prepaid card that fell
 * short); another card may continue it, and the API answers it with 202.
 */
export function awaitsMoreDetails(status: string): boolean {
  return status === 'pending';
}

/**
 * `authorized`: the money has yet to move. For a konbini slip, a bank transfer or an offsite
 * payment that is the customer's part (pay the slip, approve at the provider); for a card, the
 * merchant's capture.
 */
export function isAwaitingPayment(status: string): boolean {
  return status === 'authorized';
}

/** `captured`: the money came in, and none of it went back in full (that is `refunded`). */
export function isPaid(status: string): boolean {
  return status === 'captured';
}

/** `failed`: declined, by the processor or the provider (failure_code says why). */
export function isDeclined(status: string): boolean {
  return status === 'failed';
}

/** Over without the money: declined, cancelled or expired. Nothing but `update` applies any more. */
export function endedUnpaid(status: string): boolean {
  return status === 'failed' || status === 'cancelled' || status === 'expired';
}

/**
 * The events an action records, in this order, each with the payment as it is after the action.
 * A refund that reaches the total is also the end of the payment: `payment.refunded` follows.
 * A new payment's event depends on its first status instead (domain/payments/create.ts).
 */
export const ACTION_EVENTS: Record<PaymentAction, readonly PaymentEventType[]> = {
  capture: ['payment.captured'],
  complete: ['payment.captured'],
  refund_partial: ['payment.refund.created'],
  refund_full: ['payment.refund.created', 'payment.refunded'],
  cancel: ['payment.cancelled'],
  expire: ['payment.expired'],
  fail: ['payment.failed'],
  update: ['payment.updated'],
};
