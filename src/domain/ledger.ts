import { createHash } from 'node:crypto';
import { ApiError } from '../kernel/errors';
import { parseCurrency } from '../kernel/money';
import type { Db } from '../store/db';
import * as ledgerRepo from '../store/ledger.repo';
import { TRANSACTION_KINDS, type BalanceTransaction, type LedgerBreakdown, type TransactionKind } from '../model/ledger';
import type { Actor } from './context';

/**
 * The merchant's balance ledger. Every movement of its money is one or more balance transactions
 * (lines), written in the same database transaction as the movement itself: a captured payment
 * (its total, fee and fee tax) and a refund by the database's triggers (migration 0020), a
 * chargeback, disbursement or correction through recordBalanceTransaction. The balance is the sum
 * of the lines no settlement has taken yet; a settlement takes those of its cycle.
 */

/**
 * A line's id, derived from what it records: the same as the triggers' kessai_ledger_id (md5 of
 * `source:kind`, 25 hex digits), so a line is never recorded twice for one source and kind, and a
 * seeded merchant's ids repeat.
 */
export function ledgerId(source: string, kind: string): string {
  return createHash('md5').update(`${source}:${kind}`).digest('hex').slice(0, 25);
}

export interface BalanceTransactionInput {
  merchantId: string;
  currency: string;
  type: TransactionKind;
  /** Minor units, never negative: the kind says which way it goes (a correction: `direction`). */
  amount: number;
  /** What the line records (a chargeback's id, a disbursement's id): makes its id. */
  sourceId: string;
  happenedAt: Date;
  paymentId?: string | null;
  refundId?: string | null;
  /** A correction's direction; every other kind has its own. */
  direction?: 1 | -1;
}

/**
 * Records one line of the merchant's ledger inside the caller's transaction (`trx`), as part of
 * the money movement it belongs to. Chargebacks call it as they open (`chargeback`, and
 * `chargeback_fee`), are won (`chargeback_reversal`) or lost (nothing more: the debit stands).
 *
 *   await recordBalanceTransaction(trx, { merchantId, currency: 'JPY', type: 'chargeback', amount: 1000,
 *     sourceId: chargeback.id, paymentId: payment.id, happenedAt: now });
 */
export async function recordBalanceTransaction(trx: Db, input: BalanceTransactionInput): Promise<BalanceTransaction> {
  const line = balanceLine(input);
  await ledgerRepo.insertTransactions(trx, [line]);
  return line;
}

/** The line an input makes (no I/O). */
export function balanceLine(input: BalanceTransactionInput): BalanceTransaction {
  if (!Number.isSafeInteger(input.amount) || input.amount < 0) throw new Error(`A balance transaction's amount is a whole number ≥ 0, not ${input.amount}`);
  const sign = TRANSACTION_KINDS[input.type].sign || input.direction;
  if (!sign) throw new Error('A correction needs its direction');
  return {
    id: ledgerId(input.sourceId, input.type),
    merchant_id: input.merchantId,
    currency: input.currency,
    type: input.type,
    amount: sign * input.amount,
    payment_id: input.paymentId ?? null,
    refund_id: input.refundId ?? null,
    resource_id: input.sourceId,
    settlement_id: null,
    happened_at: input.happenedAt,
  };
}

/** KOMOJU's breakdown of signed sums per kind (a balance's, a settlement's). */
export function breakdownOf(sums: Partial<Record<TransactionKind, number>>): LedgerBreakdown {
  const s = (kind: TransactionKind) => sums[kind] ?? 0;
  const payments = { captured_amount_total_cents: s('payment'), processing_fees_cents: -(s('fee') + s('fee_tax')) };
  const refunds = { refunded_amount_total_cents: -s('refund'), refund_processing_fees_cents: -s('refund_fee'), refunded_customer_fees_cents: 0 };
  const disbursements = {
    disbursement_amount_total_cents: -(s('disbursement') + s('disbursement_reversal')),
    disbursement_fee_total_cents: -(s('disbursement_fee') + s('disbursement_fee_reversal')),
  };
  const corrections = s('chargeback') + s('chargeback_reversal') + s('correction');
  const chargebackFees = -s('chargeback_fee');
  return {
    payments: { ...payments, total_cents: payments.captured_amount_total_cents - payments.processing_fees_cents },
    refunds: { ...refunds, total_cents: -(refunds.refunded_amount_total_cents + refunds.refund_processing_fees_cents) },
    corrections: { total_cents: corrections },
    komoju_card_charges: { total_cents: 0 },
    disbursements: { ...disbursements, total_cents: -(disbursements.disbursement_amount_total_cents + disbursements.disbursement_fee_total_cents) },
    misc: {
      clearings_total_cents: 0,
      komoju_card_discount_total_cents: 0,
      chargeback_fixed_fee_total_cents: chargebackFees,
      other_fee_adjustments_total_cents: 0,
      total_cents: -chargebackFees,
    },
  };
}

/** The sum of every line of a breakdown's sums: what the balance (or settlement) amounts to. */
export function totalOf(sums: Partial<Record<TransactionKind, number>>): number {
  return Object.values(sums).reduce((total, amount) => total + (amount ?? 0), 0);
}

export interface BalanceView {
  currency: string;
  total: number;
  breakdown: LedgerBreakdown;
}

/** GET /balances/:currency: the unsettled balance and its breakdown. */
export async function getBalance(db: Db, actor: Actor, currency: string): Promise<BalanceView> {
  const code = parseCurrency(currency);
  const sums = await ledgerRepo.unsettledSums(db, actor.merchant.id, code);
  return { currency: code, total: totalOf(sums), breakdown: breakdownOf(sums) };
}

/** What the merchant may pay out of its balance now (disbursements draw on it). */
export async function availableBalance(db: Db, merchantId: string, currency: string): Promise<number> {
  return totalOf(await ledgerRepo.unsettledSums(db, merchantId, currency));
}

export interface TransactionQuery {
  page: number;
  per_page: number;
  start_time?: Date;
  end_time?: Date;
  type?: string;
}

export async function listBalanceTransactions(db: Db, actor: Actor, currency: string, query: TransactionQuery) {
  const code = parseCurrency(currency);
  if (query.type !== undefined && !Object.hasOwn(TRANSACTION_KINDS, query.type)) throw new ApiError('invalid_parameter', { param: 'type' });
  return ledgerRepo.listTransactions(
    db,
    { merchantId: actor.merchant.id, currency: code, startTime: query.start_time, endTime: query.end_time, type: query.type },
    query.page,
    query.per_page,
  );
}

/** One line by id, in the currency asked: another merchant's, or another currency's, is 404. */
export async function getBalanceTransaction(db: Db, actor: Actor, currency: string, id: string): Promise<BalanceTransaction> {
  const code = parseCurrency(currency);
  const line = await ledgerRepo.findTransaction(db, actor.merchant.id, id);
  if (!line || line.currency !== code) throw new ApiError('not_found', { param: 'transaction_uuid' });
  return line;
}
