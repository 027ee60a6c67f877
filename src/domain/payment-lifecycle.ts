import type { Db } from '../store/db';
import * as paymentsRepo from '../store/payments.repo';
import * as requestsRepo from '../store/refund-requests.repo';
import { ApiError } from '../kernel/errors';
import type { Payment, PaymentStatus, Refund, RefundRequest } from '../model/payment';
import type { Actor } from './context';
import { recordPaymentEvent } from './events';
import { ACTION_EVENTS, transition, type PaymentAction } from './payment-state';
import { completeSessionOf, lockPaymentAndSession } from './session-completion';
import type { IdSource } from '../lib/ids';

/**
 * One road for every change to an existing payment (capture, refund, cancel, update, complete,
 * fail, expire, refund requests): lock the payment, let the command refuse, ask the state table,
 * let the command check its input and say what changes, write it, and record the action's events
 * (ACTION_EVENTS). Every check runs before the first write.
 */

/** The payment row's columns a change may set; applyAction adds `status` and `updated_at`. */
export type PaymentColumns = Omit<Parameters<typeof paymentsRepo.updatePayment>[2], 'status' | 'updated_at'>;

/** What an action changes, as the command worked it out under the lock. applyAction writes it. */
export interface PaymentChange {
  /** The action that happened, when it is not the one asked first: a continuation that captures (update → complete). */
  action?: PaymentAction;
  /** Columns of the payment row to set; without them the row is not written (its updated_at stays). */
  set?: PaymentColumns;
  /** A refund to insert and append to the payment's refunds. */
  refund?: Refund & { created_at: Date };
  /** A refund request, new (inserted) or settled (its status saved), as it now is. */
  refundRequest?: { request: RefundRequest; isNew: boolean };
  /** The `reason` of the events. */
  reason?: string;
}

export interface PaymentCommand {
  /** The action the state table is asked about, or how the payment decides it (a refund of all that remains is refund_full). */
  action: PaymentAction | ((payment: Payment) => PaymentAction);
  /**
   * `payment-and-session`: the command may complete the payment's session, so the session is
   * locked first, in the order every session path takes (lockPaymentAndSession); the other order
   * deadlocks against a pay of the same session. An action that ends `complete` requires it.
   */
  lock?: 'payment' | 'payment-and-session';
  /** The command's own refusal, under the lock and before the table's (the method does not allow it). */
  refuse?(payment: Payment): void;
  /** The wording of the table's refusal, when the command has its own. */
  refusalMessage?(payment: Payment): string;
  /**
   * Under the lock, once the table allows the action: checks the input against the payment and
   * says what changes, or null when nothing does (no write, no event). Writes nothing itself.
   */
  change(payment: Payment, now: Date, ids: IdSource): PaymentChange | null | Promise<PaymentChange | null>;
}

/**
 * Applies `command` to payment `id` of the actor's merchant: 404 `not_found` when there is none.
 * The clock is read once the lock is held: a command that waited behind another then stamps its
 * changes and events later than the one it waited for, so a payment's events list in the order
 * they happened (10 concurrent refunds otherwise put `payment.refunded` before the last
 * `payment.refund.created`). Returns the payment as it is after the command.
 *
 *   const cancelled = await applyAction(trx, actor, id, { action: 'cancel', change: () => ({ set: {} }) });
 */
export async function applyAction(trx: Db, actor: Actor, id: string, command: PaymentCommand): Promise<Payment> {
  const payment = command.lock === 'payment-and-session'
    ? await lockPaymentAndSession(trx, actor.merchant.id, id)
    : await paymentsRepo.lockPayment(trx, actor.merchant.id, id);
  if (!payment) throw new ApiError('not_found', { param: 'id' });
  return applyActionToLocked(trx, payment, actor.clock.now(), actor.ids, command, actor.merchant.name);
}

/**
 * The same for a payment the caller has locked already (the expiry sweep locks its batch), at
 * `now`, with new ids (refunds, events, mails) drawn from `ids`. With `merchantName`, the events
 * queue the customer's e-mails (domain/mail.ts).
 */
export async function applyActionToLocked(
  trx: Db,
  payment: Payment,
  now: Date,
  ids: IdSource,
  command: PaymentCommand,
  merchantName?: string,
): Promise<Payment> {
  command.refuse?.(payment);
  const asked = typeof command.action === 'function' ? command.action(payment) : command.action;
  let next = nextStatus(payment, asked, command);
  const change = await command.change(payment, now, ids);
  if (!change) return payment;
  const action = change.action ?? asked;
  if (action !== asked) next = nextStatus(payment, action, command);
  if (action === 'complete' && command.lock !== 'payment-and-session') {
    throw new Error('A command that completes a payment must lock its session first (lock: payment-and-session)');
  }
  const saved = await save(trx, payment, next, change, now);
  for (const type of ACTION_EVENTS[action]) await recordPaymentEvent(trx, ids, type, saved, now, change.reason ?? null, merchantName);
  // The customer paid: a session the payment pays completes with it.
  if (action === 'complete') await completeSessionOf(trx, saved, now);
  return saved;
}

/** The state table's answer, or its refusal as the API error (worded by the command if it says so). */
function nextStatus(payment: Payment, action: PaymentAction, command: PaymentCommand): PaymentStatus {
  const step = transition(payment.status, action);
  if (step.ok) return step.next;
  throw new ApiError(step.error, command.refusalMessage ? { message: command.refusalMessage(payment) } : undefined);
}

/** Writes a change: the refund request, the refund, then the payment row. */
async function save(trx: Db, payment: Payment, next: PaymentStatus, change: PaymentChange, now: Date): Promise<Payment> {
  let refundRequests = payment.refund_requests;
  if (change.refundRequest) {
    const { request, isNew } = change.refundRequest;
    if (isNew) {
      await requestsRepo.insertRefundRequest(trx, request);
      refundRequests = [...refundRequests, request];
    } else {
      await requestsRepo.setStatus(trx, request.id, request.status, now);
      refundRequests = refundRequests.map((r) => (r.id === request.id ? request : r));
    }
  }
  let refunds = payment.refunds;
  if (change.refund) {
    await paymentsRepo.insertRefund(trx, change.refund);
    refunds = [...refunds, change.refund];
  }
  if (!change.set) return { ...payment, refunds, refund_requests: refundRequests };
  const row = await paymentsRepo.updatePayment(trx, payment.id, { ...change.set, status: next, updated_at: now });
  return { ...row, refunds, refund_requests: refundRequests };
}
