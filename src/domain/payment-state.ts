import type { ErrorCode } from '../kernel/errors';
import type { PaymentStatus } from '../model/payment';

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
