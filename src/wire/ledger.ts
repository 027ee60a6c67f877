import { serializeList } from './list';
import { timestamp } from './time';
import type { BalanceTransaction, Disbursement, LedgerBreakdown, Settlement } from '../model/ledger';

/**
 * The ledger's resources → KOMOJU JSON, field for field as its SDK's models (Transaction,
 * BalanceShow, Settlement, SettlementShow = Settlement & SharedDetails, Disbursement and their
 * lists). Where kessai keeps a difference on purpose, docs/compatibility.md says why.
 */

/** SDK `Transaction`: `amount_cents` is never negative; `type` says which way the money went. */
export function serializeTransaction(line: BalanceTransaction): Record<string, unknown> {
  return { id: line.id, type: line.type, amount_cents: Math.abs(line.amount), happened_at: timestamp(line.happened_at) };
}

/** SDK `SharedDetails`: the breakdown of a balance or a settlement. */
function sharedDetails(breakdown: LedgerBreakdown): Record<string, unknown> {
  return { ...breakdown };
}

/** SDK `BalanceShow`. */
export function serializeBalance(balance: { currency: string; total: number; breakdown: LedgerBreakdown }): Record<string, unknown> {
  return { currency: balance.currency, total_balance_cents: balance.total, ...sharedDetails(balance.breakdown) };
}

export interface SettlementContext {
  merchantName: string;
  /** This server's public URL, for the download links. */
  publicUrl: string;
}

/** SDK `Settlement` (a list's item). */
export function serializeSettlement(settlement: Settlement, context: SettlementContext): Record<string, unknown> {
  const files = `${context.publicUrl}/api/v1/settlements/${settlement.id}`;
  return {
    id: settlement.id,
    resource: 'settlement',
    reference: settlement.reference,
    status: settlement.status,
    merchant_name: context.merchantName,
    company_name: null,
    cycle: settlement.cycle,
    transaction_amount_cents: settlement.transaction_amount,
    currency: settlement.currency,
    fee_amount_cents: settlement.fee_amount,
    fee_tax_amount_cents: settlement.fee_tax_amount,
    settlement_amount_cents: settlement.settlement_amount,
    // Paid in the currency it was earned in: no conversion.
    fx_currency: settlement.currency,
    fx_conversion_rate: '1.0',
    fx_conversion_amount_cents: settlement.settlement_amount,
    bank_transfer_fee_amount_cents: settlement.bank_transfer_fee_amount,
    remittance_amount_cents: settlement.remittance_amount,
    cutoff_time: timestamp(settlement.cutoff_time),
    created_at: timestamp(settlement.created_at),
    download: { csv: `${files}/csv`, xls: `${files}/xls` },
  };
}

/** SDK `SettlementShow`: the settlement with its breakdown. */
export function serializeSettlementShow(settlement: Settlement, context: SettlementContext): Record<string, unknown> {
  return { ...serializeSettlement(settlement, context), ...sharedDetails(settlement.breakdown) };
}

/** SDK `Disbursement`. */
export function serializeDisbursement(disbursement: Disbursement): Record<string, unknown> {
  return {
    id: disbursement.id,
    currency: disbursement.currency,
    amount: disbursement.amount,
    fee: disbursement.fee,
    fee_tax: disbursement.fee_tax,
    status: disbursement.status,
    bank_code: disbursement.bank_code,
    branch_code: disbursement.branch_code,
    account_type: disbursement.account_type,
    account_number: disbursement.account_number,
    account_name_kana: disbursement.account_name_kana,
    error: disbursement.error,
    external_id: disbursement.external_id,
    created_at: timestamp(disbursement.created_at),
    last_updated_at: timestamp(disbursement.last_updated_at),
  };
}

/** A list envelope with the resource name the SDK gives it (`settlement_list`, `disbursement_list`; transactions: `list`). */
export function serializeNamedList<T>(
  resource: string,
  page: { rows: readonly T[]; total: number; page: number; perPage: number; window: { start_time?: Date; end_time?: Date } },
  toJson: (row: T) => unknown,
): Record<string, unknown> {
  return { ...serializeList(page.rows, page.total, page.page, page.perPage, toJson, page.window), resource };
}
