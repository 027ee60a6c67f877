import type { LogSink } from '../lib/log';
import * as metrics from '../lib/metrics';
import type { Payment } from '../model/payment';

/** What a command did to a payment, as its log line says it. */
export type PaymentChange = 'created' | 'updated' | 'captured' | 'refunded' | 'failed' | 'cancelled';

/**
 * One log line (and a count in kessai_payments_total) for a payment a command changed, written by the edge that ran the command (a route
 * of the API or a customer page) once it committed, from the outcome it already has: domain/ has
 * no logger, and an idempotent replay, which changes nothing, is not logged again. A payment that
 * ended `failed` is logged as failed with its code, whatever the command was (a declined card on
 * creation). The line carries ids, amounts and codes only, never payment details.
 *
 *   logPayment(request.log, 'created', payment);
 *   // {"msg":"payment failed","payment":"…","type":"credit_card","code":"card_declined",…}
 */
export function logPayment(log: LogSink, change: PaymentChange, payment: Payment): void {
  metrics.payments.inc({ type: payment.payment_type, change, status: payment.status, code: payment.failure_code ?? '' });
  const line = { payment: payment.id, merchant: payment.merchant_id, type: payment.payment_type, status: payment.status };
  if (payment.status === 'failed') return log.info({ ...line, code: payment.failure_code }, 'payment failed');
  log.info({ ...line, total: payment.total, currency: payment.currency }, `payment ${change}`);
}

/** The log line of a session's pay: its new payment, or the earlier one it continued; none while 3-D Secure waits. */
export function logSessionPayment(log: LogSink, outcome: { payment: Payment | null; continued?: true }): void {
  if (outcome.payment) logPayment(log, outcome.continued ? 'updated' : 'created', outcome.payment);
}
