import { newId } from '../lib/random';
import { methodFor } from '../methods';
import type { Db } from '../store/db';
import * as paymentsRepo from '../store/payments.repo';
import type { PaymentRecord } from '../store/payments.repo';
import * as requestsRepo from '../store/refund-requests.repo';
import type { RefundRequestRecord } from '../store/payments.repo';
import type { Actor } from './context';
import { ApiError } from '../kernel/errors';
import { recordPaymentEvent } from './events';
import { applyRefund } from './payments';

/**
 * Cash payments (konbini, bank transfer, PayEasy) cannot be refunded through /refund: the money
 * goes back by bank transfer, requested with the customer's account (docs/decisions.md #14). A request
 * starts `pending`; completing it records the refund, rejecting it changes nothing else.
 */
export interface RefundRequestInput {
  amount: number;
  customer_name: string;
  bank_name: string;
  bank_code?: string;
  branch_name?: string;
  branch_number: string;
  account_type: 'normal' | 'checking' | 'savings';
  account_number: string;
  include_payment_method_fee: boolean;
  description?: string;
}

export async function requestRefund(trx: Db, actor: Actor, paymentId: string, input: RefundRequestInput): Promise<PaymentRecord> {
  const now = actor.clock.now();
  const payment = await paymentsRepo.lockPayment(trx, actor.merchant.id, paymentId);
  if (!payment) throw new ApiError('not_found', { param: 'id' });
  if (methodFor(payment.payment_type)?.refundable !== false) {
    throw new ApiError('not_refundable', { message: 'Refund requests are for cash payments; refund this payment with /refund.' });
  }
  if (payment.status !== 'captured') throw new ApiError('not_refundable');
  const pending = payment.refund_requests.filter((r) => r.status === 'pending').reduce((sum, r) => sum + r.amount, 0);
  const available = payment.total - payment.amount_refunded - pending;
  if (input.amount > available) {
    throw new ApiError('invalid_parameter', { param: 'amount', message: `At most ${available} can still be requested` });
  }
  const request: RefundRequestRecord = {
    id: newId(),
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
  await requestsRepo.insertRefundRequest(trx, request);
  const updated = { ...payment, refund_requests: [...payment.refund_requests, request] };
  await recordPaymentEvent(trx, 'payment.updated', updated, now, 'refund_request.created');
  return updated;
}

/** Test helper: the operator processed the request — `completed` (refund recorded) or `rejected`. */
export async function settleRefundRequest(trx: Db, actor: Actor, id: string, outcome: 'completed' | 'rejected'): Promise<PaymentRecord> {
  const now = actor.clock.now();
  const request = await requestsRepo.findRefundRequest(trx, actor.merchant.id, id);
  if (!request) throw new ApiError('not_found', { param: 'id' });
  const payment = await paymentsRepo.lockPayment(trx, actor.merchant.id, request.payment_id);
  const current = payment?.refund_requests.find((r) => r.id === id);
  if (!payment || !current) throw new ApiError('not_found', { param: 'id' });
  if (current.status !== 'pending') throw new ApiError('unprocessable_entity', { message: `The refund request is already ${current.status}` });
  await requestsRepo.setStatus(trx, id, outcome, now);
  const settled = { ...payment, refund_requests: payment.refund_requests.map((r) => (r.id === id ? { ...r, status: outcome, updated_at: now } : r)) };
  if (outcome === 'completed') return applyRefund(trx, settled, request.amount, request.description, now);
  await recordPaymentEvent(trx, 'payment.updated', settled, now, 'refund_request.rejected');
  return settled;
}
