/**
 * Payments: the request and its checks (request.ts), creation (create.ts), the merchant's
 * commands on a payment (lifecycle.ts, through domain/payment-lifecycle.ts), and reads
 * (queries.ts). Callers import from here.
 */
export type { ChargeSource, CreatePaymentInput, CreatePaymentOptions, Locale, PaymentOutcome, SessionExchange } from './request';
export { checkPayment, createPayment, paymentUrls, writePayment, type CheckedPayment } from './create';
export {
  cancelPayment,
  capturePayment,
  refundPayment,
  updatePayment,
  type CaptureInput,
  type RefundInput,
  type UpdatePaymentInput,
} from './lifecycle';
export { getPayment, listPayments, type ListPaymentsQuery } from './queries';
export { finalizePayment, type FinalizeInput } from './finalize';
