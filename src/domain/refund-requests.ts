import { Type, type Static } from '@sinclair/typebox';
import { methodFor } from '../methods';
import type { Db } from '../store/db';
import * as requestsRepo from '../store/refund-requests.repo';
import type { Actor } from './context';
import { ApiError } from '../kernel/errors';
import { applyAction, type PaymentChange, type PaymentCommand } from './payment-lifecycle';
import { canRefund } from './payment-state';
import { refundCommand } from './payments/lifecycle';
import type { BankAccountType, Payment, RefundRequest } from '../model/payment';
import type { IdSource } from '../lib/ids';

/**
 * Cash payments (konbini, bank transfer, PayEasy) cannot be refunded through /refund: the money
 * goes back by bank transfer, requested with the customer's account (docs/decisions.md #14). A request
 * starts `pending`; completing it records the refund, rejecting it changes nothing else.
 */
/**
 * What a refund request asks for: the amount and the bank account to send it to (KOMOJU SDK's
 * CreateRefundRequestRequest). The API route validates its body with it, the dashboard its form.
 */
export const RefundRequestBody = Type.Object({
  amount: Type.Integer({ minimum: 1, maximum: 2147483647 }),
  // Half- or full-width katakana, as a Japanese bank writes the account holder's name.
  customer_name: Type.String({ minLength: 1, maxLength: 255, pattern: '^[\\uFF65-\\uFF9F\\u30A0-\\u30FF\\s\\u3000()（）.-]+$' }),
  bank_name: Type.String({ minLength: 1, maxLength: 255 }),
  bank_code: Type.Optional(Type.String({ pattern: '^[0-9]{4}$' })),
  branch_name: Type.Optional(Type.String({ maxLength: 255 })),
  branch_number: Type.String({ pattern: '^[0-9]{3}$' }),
  account_type: Type.Union([Type.Literal('normal'), Type.Literal('checking'), Type.Literal('savings')]),
  account_number: Type.String({ pattern: '^[0-9]{7}$' }),
  include_payment_method_fee: Type.Boolean(),
  description: Type.Optional(Type.String({ maxLength: 2000 })),
});

export type RefundRequestInput = Static<typeof RefundRequestBody>;

/**
 * A refund request on a captured cash payment, for at most what is neither refunded nor already
 * requested: the payment's refund_requests grow (its row is not written) and `payment.updated`
 * says why (`refund_request.created`).
 */
export async function requestRefund(trx: Db, actor: Actor, paymentId: string, input: RefundRequestInput): Promise<Payment> {
  return applyAction(trx, actor, paymentId, {
    action: 'update',
    refuse: (payment) => {
      if (methodFor(payment.payment_type)?.refundable !== false) {
        throw new ApiError('not_refundable', { message: 'Refund requests are for cash payments; refund this payment with /refund.' });
      }
      // A request asks for a refund by bank transfer: it needs what a refund needs.
      if (!canRefund(payment.status)) throw new ApiError('not_refundable');
    },
    change: (payment, now, ids) => {
      const pending = payment.refund_requests.filter((r) => r.status === 'pending').reduce((sum, r) => sum + r.amount, 0);
      const available = payment.total - payment.amount_refunded - pending;
      if (input.amount > available) {
        throw new ApiError('invalid_parameter', { param: 'amount', message: `At most ${available} can still be requested` });
      }
      return { refundRequest: { request: newRequest(payment, input, now, ids), isNew: true }, reason: 'refund_request.created' };
    },
  });
}

function newRequest(payment: Payment, input: RefundRequestInput, now: Date, ids: IdSource): RefundRequest {
  return {
    id: ids.id(),
    merchant_id: payment.merchant_id,
    payment_id: payment.id,
    amount: input.amount,
    customer_name: input.customer_name,
    bank_name: input.bank_name,
    bank_code: input.bank_code ?? null,
    branch_name: input.branch_name ?? null,
    branch_number: input.branch_number,
    account_type: input.account_type,
    account_number: input.account_number,
    include_payment_method_fee: input.include_payment_method_fee,
    description: input.description ?? null,
    status: 'pending',
    created_at: now,
    updated_at: now,
  };
}

/**
 * Test helper: the operator processed the request — `completed` (the refund is recorded, as
 * /refund records one: `payment.refund.created` and, once nothing remains, `payment.refunded`) or
 * `rejected` (`payment.updated`, reason `refund_request.rejected`).
 */
export async function settleRefundRequest(trx: Db, actor: Actor, id: string, outcome: 'completed' | 'rejected'): Promise<Payment> {
  const request = await requestsRepo.findRefundRequest(trx, actor.merchant.id, id);
  if (!request) throw new ApiError('not_found', { param: 'id' });
  return applyAction(trx, actor, request.payment_id, {
    ...(outcome === 'completed' ? completeRequest(request) : rejectRequest(request)),
    refuse: (payment) => {
      const current = payment.refund_requests.find((r) => r.id === id);
      if (!current) throw new ApiError('not_found', { param: 'id' });
      if (current.status !== 'pending') throw new ApiError('unprocessable_entity', { message: `The refund request is already ${current.status}` });
    },
  });
}

/** The bank transfer went out: a refund of the requested amount, and the request `completed`. */
function completeRequest(request: RefundRequest): PaymentCommand {
  const refund = refundCommand(() => request.amount, request.description);
  return {
    action: refund.action,
    change: async (payment, now, ids) => ({ ...(await refund.change(payment, now, ids)), refundRequest: settled(payment, request.id, 'completed', now) }),
  };
}

function rejectRequest(request: RefundRequest): PaymentCommand {
  return {
    action: 'update',
    change: (payment, now) => ({ refundRequest: settled(payment, request.id, 'rejected', now), reason: 'refund_request.rejected' }),
  };
}

/** The payment's copy of the request (refuse has checked it is there), settled at `now`. */
function settled(payment: Payment, id: string, outcome: 'completed' | 'rejected', now: Date): PaymentChange['refundRequest'] {
  const current = payment.refund_requests.find((r) => r.id === id)!;
  return { request: { ...current, status: outcome, updated_at: now }, isNew: false };
}
