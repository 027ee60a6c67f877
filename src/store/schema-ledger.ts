import type { ColumnType, Selectable } from 'kysely';
import type { BalanceTransaction, Disbursement, DisbursementAccountType, DisbursementStatus, LedgerBreakdown, Settlement, SettlementStatus, TransactionKind } from '../model/ledger';
import type { Timestamp } from './column-types';

/** The ledger's tables (migration 0020_ledger); see model/ledger.ts. */

export interface FeeDefaultsTable {
  payment_type: string;
  rate_bp: number;
  fixed_fee: number;
}

export interface MerchantFeesTable {
  merchant_id: string;
  payment_type: string;
  rate_bp: number;
  fixed_fee: number;
}

export interface BalanceTransactionsTable {
  id: string;
  merchant_id: string;
  currency: string;
  type: TransactionKind;
  amount: number;
  payment_id: string | null;
  refund_id: string | null;
  resource_id: string | null;
  settlement_id: string | null;
  happened_at: Timestamp;
  seq: ColumnType<number, never, never>;
}

export interface SettlementsTable {
  id: string;
  merchant_id: string;
  reference: string;
  status: SettlementStatus;
  currency: string;
  cycle: string;
  cutoff_time: Timestamp;
  payout_at: Timestamp;
  transaction_amount: number;
  fee_amount: number;
  fee_tax_amount: number;
  settlement_amount: number;
  bank_transfer_fee_amount: number;
  remittance_amount: number;
  breakdown: ColumnType<LedgerBreakdown, string, string>;
  created_at: Timestamp;
  seq: ColumnType<number, never, never>;
}

export interface DisbursementsTable {
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
  pay_at: Timestamp;
  created_at: Timestamp;
  last_updated_at: Timestamp;
  seq: ColumnType<number, never, never>;
}

type Same<A, B> = [keyof A] extends [keyof B] ? ([keyof B] extends [keyof A] ? ([A] extends [B] ? true : never) : never) : never;
type Holds<T extends true> = T;

/** As schema.ts's SchemaMatchesModel: each table selects its model noun, less `seq`. */
export type LedgerSchemaMatchesModel = [
  Holds<Same<Omit<Selectable<BalanceTransactionsTable>, 'seq'>, BalanceTransaction>>,
  Holds<Same<Omit<Selectable<SettlementsTable>, 'seq'>, Settlement>>,
  Holds<Same<Omit<Selectable<DisbursementsTable>, 'seq'>, Disbursement>>,
];
