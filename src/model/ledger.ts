/**
 * The merchant's ledger: balance transactions (one line each), the settlements computed from them
 * and the disbursements paid from them. Types and enums only.
 */

/**
 * The kinds of balance transaction, with the sign they carry in the balance and the part of
 * KOMOJU's settlement breakdown (its SDK's SharedDetails) they add to. A transaction's API
 * `amount_cents` is never negative (the SDK's model): the kind says which way the money went.
 */
export const TRANSACTION_KINDS = {
  /** A payment captured (or paid by the customer): its captured total. */
  payment: { sign: 1, part: 'payments.captured_amount_total_cents' },
  /** The payment's processing fee (percentage + fixed, per payment method). */
  fee: { sign: -1, part: 'payments.processing_fees_cents' },
  /** Consumption tax on the processing fee. */
  fee_tax: { sign: -1, part: 'payments.processing_fees_cents' },
  /** A refund of a payment. */
  refund: { sign: -1, part: 'refunds.refunded_amount_total_cents' },
  /** A fee charged for a refund (none by default: KOMOJU keeps the payment's fee instead). */
  refund_fee: { sign: -1, part: 'refunds.refund_processing_fees_cents' },
  /** A chargeback's debit of the disputed amount. */
  chargeback: { sign: -1, part: 'corrections.total_cents' },
  /** A chargeback won: the disputed amount credited back. */
  chargeback_reversal: { sign: 1, part: 'corrections.total_cents' },
  /** The fixed fee of a chargeback. */
  chargeback_fee: { sign: -1, part: 'misc.chargeback_fixed_fee_total_cents' },
  /** A manual correction, either way. */
  correction: { sign: 0, part: 'corrections.total_cents' },
  /** A disbursement paid out of the balance. */
  disbursement: { sign: -1, part: 'disbursements.disbursement_amount_total_cents' },
  /** Its bank transfer fee (tax included). */
  disbursement_fee: { sign: -1, part: 'disbursements.disbursement_fee_total_cents' },
  /** A disbursement cancelled or failed: its amount back in the balance. */
  disbursement_reversal: { sign: 1, part: 'disbursements.disbursement_amount_total_cents' },
  /** Its fee back in the balance. */
  disbursement_fee_reversal: { sign: 1, part: 'disbursements.disbursement_fee_total_cents' },
} as const;

export type TransactionKind = keyof typeof TRANSACTION_KINDS;

/** One line of the ledger. `amount` is signed: credits positive, debits negative. */
export interface BalanceTransaction {
  id: string;
  merchant_id: string;
  currency: string;
  type: TransactionKind;
  amount: number;
  payment_id: string | null;
  refund_id: string | null;
  /** The chargeback, disbursement or correction it belongs to. */
  resource_id: string | null;
  settlement_id: string | null;
  happened_at: Date;
}

/** The SDK's settlement `Status`. */
export const SETTLEMENT_STATUSES = ['pending', 'paid', 'cancelled', 'bounced', 'suspended'] as const;
export type SettlementStatus = (typeof SETTLEMENT_STATUSES)[number];

/** KOMOJU's breakdown of a balance or settlement (the SDK's SharedDetails), all in minor units. */
export interface LedgerBreakdown {
  payments: { captured_amount_total_cents: number; processing_fees_cents: number; total_cents: number };
  refunds: { refunded_amount_total_cents: number; refund_processing_fees_cents: number; refunded_customer_fees_cents: number; total_cents: number };
  corrections: { total_cents: number };
  komoju_card_charges: { total_cents: number };
  disbursements: { disbursement_amount_total_cents: number; disbursement_fee_total_cents: number; total_cents: number };
  misc: {
    clearings_total_cents: number;
    komoju_card_discount_total_cents: number;
    chargeback_fixed_fee_total_cents: number;
    other_fee_adjustments_total_cents: number;
    total_cents: number;
  };
}

export interface Settlement {
  id: string;
  merchant_id: string;
  reference: string;
  status: SettlementStatus;
  currency: string;
  /** The month it covers, `YYYY-MM` in Japan time. */
  cycle: string;
  cutoff_time: Date;
  /** When it is paid out (and becomes `paid`). */
  payout_at: Date;
  transaction_amount: number;
  fee_amount: number;
  fee_tax_amount: number;
  settlement_amount: number;
  bank_transfer_fee_amount: number;
  remittance_amount: number;
  breakdown: LedgerBreakdown;
  created_at: Date;
}

/** The SDK's `DisbursementStatus`. */
export const DISBURSEMENT_STATUSES = ['pending', 'paid', 'failed', 'cancelled'] as const;
export type DisbursementStatus = (typeof DISBURSEMENT_STATUSES)[number];

export const ACCOUNT_TYPES = ['ordinary', 'checking'] as const;
export type DisbursementAccountType = (typeof ACCOUNT_TYPES)[number];

export interface Disbursement {
  id: string;
  merchant_id: string;
  currency: string;
  amount: number;
  fee: number;
  fee_tax: number;
  status: DisbursementStatus;
  bank_code: string;
  branch_code: string;
  account_type: DisbursementAccountType;
  account_number: string;
  account_name_kana: string;
  error: string | null;
  external_id: string | null;
  cancel_reason: string | null;
  /** When the bank transfer happens on the merchant's clock (`pending` until then). */
  pay_at: Date;
  created_at: Date;
  last_updated_at: Date;
}

/** A merchant's processing fee for one payment method: `rate_bp` hundredths of a percent plus `fixed_fee` minor units. */
export interface FeeRate {
  payment_type: string;
  rate_bp: number;
  fixed_fee: number;
}
