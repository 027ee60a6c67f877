import { sha256Hex } from '../lib/digest';
import { methodFor } from '../methods';
import { API_VERSIONS, versionBefore, type ApiVersion } from './api-version';
import { timestamp } from './time';
import type { Payment, Refund, RefundRequest } from '../model/payment';

/**
 * Payment → KOMOJU JSON. Field names, order and nulls follow the v1 reference's example responses;
 * `session` was added to the resource later and is printed after them. A payment made through a
 * session adds what the customer was shown there (spec §6.3): `session_amount`,
 * `session_currency` and the `exchange_rate` that made `amount` of it (1 without conversion).
 * The fields of the official SDK's Payment that the source documents predate
 * (`customer_family_name`, `customer_given_name`, `mcc`, `statement_descriptor`, and the request
 * fields a card's `payment_details` echo) are shown from the first published API version on;
 * without `X-KOMOJU-API-VERSION` the payment keeps the documents' keys (docs/compatibility.md).
 */
export function serializePayment(payment: Payment, version: ApiVersion): Record<string, unknown> {
  const shown = versionBefore(version, '2025-01-28') ? withUncapturedRefunded(payment) : payment;
  const documents = versionBefore(version, API_VERSIONS[0]);
  return {
    id: shown.id,
    resource: 'payment',
    status: shown.status,
    amount: shown.amount,
    tax: shown.tax,
    customer: shown.customer_id,
    payment_deadline: timestamp(shown.payment_deadline),
    payment_details: documents ? withoutBarcodeUrl(withoutEchoes(shown)) : shown.payment_details,
    payment_method_fee: shown.payment_method_fee,
    total: shown.total,
    currency: shown.currency,
    description: shown.description,
    captured_at: timestamp(shown.captured_at),
    external_order_num: shown.external_order_num,
    metadata: shown.metadata,
    created_at: timestamp(shown.created_at),
    amount_refunded: shown.amount_refunded,
    locale: shown.locale,
    refunds: shown.refunds.map(serializeRefund),
    refund_requests: shown.refund_requests.map(serializeRefundRequest),
    session: shown.session_id,
    ...(documents ? {} : sdkFields(shown)),
    // Snapshots in events written before migration 0005 lack the keys: undefined, not null.
    ...(shown.session_currency != null
      ? { session_amount: shown.session_amount, session_currency: shown.session_currency, exchange_rate: shown.exchange_rate }
      : {}),
  };
}

/** The SDK's Payment fields the source documents predate. */
function sdkFields(payment: Payment): Record<string, unknown> {
  // Snapshots in events written before migration 0016 lack these: null, as for a request without them.
  return {
    customer_family_name: payment.customer_family_name ?? null,
    customer_given_name: payment.customer_given_name ?? null,
    mcc: payment.mcc ?? null,
    statement_descriptor: payment.statement_descriptor ?? null,
  };
}

/** payment_details as the source documents print them: without the request fields the method echoes. */
function withoutEchoes(payment: Payment): Record<string, unknown> {
  const echoed = methodFor(payment.payment_type)?.echoedFields;
  if (!echoed) return payment.payment_details;
  return Object.fromEntries(Object.entries(payment.payment_details).filter(([key]) => !echoed.includes(key)));
}

/**
 * konbini `barcode_url` (GET /barcodes/:payment_id) is newer than the source documents, whose
 * payments answer without it: it is shown to clients that send a published X-KOMOJU-API-VERSION.
 */
function withoutBarcodeUrl(details: Record<string, unknown>): Record<string, unknown> {
  if (!('barcode_url' in details)) return details;
  const { barcode_url: _url, ...rest } = details;
  return rest;
}

/**
 * A partially captured payment as KOMOJU showed it before API version 2025-01-28 (the official
 * SDK's CHANGELOG 1.0.0): the whole authorization captured and the uncaptured remainder refunded,
 * so `amount`, `tax` and `total` are the authorized ones, `amount_refunded` includes the
 * remainder and `refunds` starts with a refund of it, made at the capture. From 2025-01-28 on,
 * the payment shows only what was captured. Fully captured payments are the same in both.
 */
function withUncapturedRefunded(payment: Payment): Payment {
  // Snapshots of events written before migration 0012 lack the keys.
  const amount = payment.uncaptured_amount ?? 0;
  const tax = payment.uncaptured_tax ?? 0;
  if (amount + tax <= 0) return payment;
  const remainder: Refund = {
    id: remainderRefundId(payment.id),
    merchant_id: payment.merchant_id,
    payment_id: payment.id,
    amount: amount + tax,
    currency: payment.currency,
    description: null,
    created_at: payment.captured_at ?? payment.updated_at,
  };
  return {
    ...payment,
    amount: payment.amount + amount,
    tax: payment.tax + tax,
    total: payment.total + amount + tax,
    amount_refunded: payment.amount_refunded + amount + tax,
    refunds: [remainder, ...payment.refunds],
  };
}

/** The remainder's refund id: stable for a payment, 25 lowercase alphanumerics like every id. */
function remainderRefundId(paymentId: string): string {
  return BigInt(`0x${sha256Hex(`${paymentId}/uncaptured`)}`).toString(36).padStart(25, '0').slice(0, 25);
}

export function serializeRefund(refund: Refund): Record<string, unknown> {
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
export function serializeRefundRequest(request: RefundRequest): Record<string, unknown> {
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
