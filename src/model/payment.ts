/** A payment's states; which action leads from one to another is domain/payment-state.ts's table. */
export type PaymentStatus = 'pending' | 'authorized' | 'captured' | 'refunded' | 'cancelled' | 'expired' | 'failed';

/**
 * A timestamp read back from JSON (a refund inside its payment's aggregate, an event's snapshot)
 * is the ISO string it was written as; everything else is a Date.
 */
export type StoredTime = Date | string;

/** One payment with its refunds and refund requests, oldest first. Amounts are in minor units. */
export interface Payment {
  id: string;
  merchant_id: string;
  status: PaymentStatus;
  payment_type: string;
  amount: number;
  tax: number;
  payment_method_fee: number;
  /** amount + tax + payment_method_fee (the database computes it). */
  total: number;
  currency: string;
  amount_refunded: number;
  customer_id: string | null;
  session_id: string | null;
  payment_deadline: Date | null;
  /** The public payment_details, exactly as the API shows them. */
  payment_details: Record<string, unknown>;
  /** Vault envelope of the sensitive details (card number …); never the CVV. */
  secret_details: string | null;
  description: string | null;
  external_order_num: string | null;
  metadata: Record<string, string>;
  locale: string;
  email: string | null;
  return_url: string | null;
  fraud_details: Record<string, string> | null;
  failure_code: string | null;
  captured_at: Date | null;
  created_at: Date;
  updated_at: Date;
  /** Made through a session: the session's amount and currency, and the rate to `currency`. */
  session_amount: number | null;
  session_currency: string | null;
  exchange_rate: number | null;
  /** What a partial capture left of the authorized amount and tax; 0 otherwise. */
  uncaptured_amount: number;
  uncaptured_tax: number;
  /** From the card details' family_name / given_name; null when not given (or in snapshots older than migration 0016). */
  customer_family_name: string | null;
  customer_given_name: string | null;
  /** Merchant Category Code and statement descriptor the request asked for; null when not given. */
  mcc: string | null;
  statement_descriptor: StatementDescriptor | null;
  refunds: Refund[];
  refund_requests: RefundRequest[];
}

/** KOMOJU's StatementDescriptor: each of its five strings optional. */
export interface StatementDescriptor {
  statement_descriptor?: string;
  statement_descriptor_alpha?: string;
  statement_descriptor_kana?: string;
  statement_city?: string;
  contact_phone?: string;
}

export interface Refund {
  id: string;
  merchant_id: string;
  payment_id: string;
  amount: number;
  currency: string;
  description: string | null;
  created_at: StoredTime;
}

export type RefundRequestStatus = 'pending' | 'completed' | 'rejected';
export type BankAccountType = 'normal' | 'checking' | 'savings';

/** A customer's request to have a payment without a card refunded to a bank account. */
export interface RefundRequest {
  id: string;
  merchant_id: string;
  payment_id: string;
  amount: number;
  customer_name: string;
  bank_name: string;
  bank_code: string | null;
  branch_name: string | null;
  branch_number: string;
  account_type: BankAccountType;
  account_number: string;
  include_payment_method_fee: boolean;
  description: string | null;
  status: RefundRequestStatus;
  created_at: StoredTime;
  updated_at: StoredTime;
}
