import type { PaymentRecord, RefundRecord, RefundRequestRecord } from '../../store/payments.repo';
import type { StoredResponse } from '../../domain/commands';
import type { ApiVersion } from '../api-version';
import { jsonResponse } from '../reply';
import { timestamp } from './time';

/** A payment as the response to a command: 202 while it is pending (a prepaid card fell short). */
export function paymentResponse(payment: PaymentRecord, version: ApiVersion): StoredResponse {
  return jsonResponse(payment.status === 'pending' ? 202 : 200, serializePayment(payment, version));
}

/**
 * Payment → KOMOJU JSON. Field names, order and nulls follow the v1 reference's example responses;
 * `session` was added to the resource later and is printed after them. A payment made through a
 * session adds what the customer was shown there (spec §6.3): `session_amount`,
 * `session_currency` and the `exchange_rate` that made `amount` of it (1 without conversion).
 */
export function serializePayment(payment: PaymentRecord, _version: ApiVersion): Record<string, unknown> {
  return {
    id: payment.id,
    resource: 'payment',
    status: payment.status,
    amount: payment.amount,
    tax: payment.tax,
    customer: payment.customer_id,
    payment_deadline: timestamp(payment.payment_deadline),
    payment_details: payment.payment_details,
    payment_method_fee: payment.payment_method_fee,
    total: payment.total,
    currency: payment.currency,
    description: payment.description,
    captured_at: timestamp(payment.captured_at),
    external_order_num: payment.external_order_num,
    metadata: payment.metadata,
    created_at: timestamp(payment.created_at),
    amount_refunded: payment.amount_refunded,
    locale: payment.locale,
    refunds: payment.refunds.map(serializeRefund),
    refund_requests: payment.refund_requests.map(serializeRefundRequest),
    session: payment.session_id,
    // Snapshots in events written before migration 0005 lack the keys: undefined, not null.
    ...(payment.session_currency != null
      ? { session_amount: payment.session_amount, session_currency: payment.session_currency, exchange_rate: payment.exchange_rate }
      : {}),
  };
}

export function serializeRefund(refund: RefundRecord): Record<string, unknown> {
  return {
    id: refund.id,
    resource: 'refund',
    amount: refund.amount,
    currency: refund.currency,
    payment: refund.payment_id,
    description: refund.description,
    created_at: timestamp(refund.created_at),
    chargeback: false,
  };
}

/** A manual bank refund of a cash payment (konbini, bank transfer, PayEasy); SDK field names. */
export function serializeRefundRequest(request: RefundRequestRecord): Record<string, unknown> {
  return {
    id: request.id,
    resource: 'refund_request',
    payment: request.payment_id,
    amount: request.amount,
    customer_name: request.customer_name,
    bank_name: request.bank_name,
    bank_code: request.bank_code,
    branch_name: request.branch_name,
    branch_number: request.branch_number,
    account_type: request.account_type,
    account_number: request.account_number,
    include_payment_method_fee: request.include_payment_method_fee,
    description: request.description,
    status: request.status,
    created_at: timestamp(request.created_at),
  };
}
