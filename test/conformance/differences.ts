/**
 * Departures from the official models that kessai keeps on purpose, `Model.field` → why. Each is
 * explained in docs/compatibility.md (the conformance test checks that the file names it). A
 * field listed here may be null where the model has no null.
 */
export const ACCEPTED_DEPARTURES: Record<string, string> = {
  'Payment.session': 'null on a payment made without a session, as KOMOJU answers',
  'Payment.statement_descriptor': 'null when the request gave none',
  'Refund.description': 'null when the refund was made without a description, as in the reference examples',
  'Session.payment': 'null until the session is paid, as in the reference examples',
  'Session.secure_token': 'null: no secure token is attached to a session',
  'Session.email': 'null when the session was made without one',
  'Session.customer_id': 'null until the customer of a customer-mode session exists',
  'PaymentList.start_time': 'null when the request gave no start_time',
  'PaymentList.end_time': 'null when the request gave no end_time',
  'CustomerList.start_time': 'null when the request gave no start_time',
  'CustomerList.end_time': 'null when the request gave no end_time',
  'EventList.start_time': 'null when the request gave no start_time',
  'EventList.end_time': 'null when the request gave no end_time',
  'ChargebackRequestDetail.defense': 'null before any defense, as KOMOJU\'s description says ("defense (if one exists)")',
  'ChargebackRequestList.start_time': 'null when the request gave no start_time',
  'ChargebackRequestList.end_time': 'null when the request gave no end_time',
  'DisbursementList.start_time': 'null when the request gave no start_time',
  'DisbursementList.end_time': 'null when the request gave no end_time',
  'BalanceTransactionList.start_time': 'null when the request gave no start_time',
  'BalanceTransactionList.end_time': 'null when the request gave no end_time',
  'SettlementList.start_time': 'null when the request gave no start_time',
  'SettlementList.end_time': 'null when the request gave no end_time',
  'SubscriptionList.start_time': 'null when the request gave no start_time',
  'SubscriptionList.end_time': 'null when the request gave no end_time',
  'Disbursement.external_id': 'null when the request gave none',
};
