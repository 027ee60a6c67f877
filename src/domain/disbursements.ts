import { ApiError } from '../kernel/errors';
import { bankTransferFee } from '../kernel/fees';
import type { Db } from '../store/db';
import * as disbursementsRepo from '../store/disbursements.repo';
import * as ledgerRepo from '../store/ledger.repo';
import type { Disbursement, DisbursementAccountType, DisbursementStatus } from '../model/ledger';
import type { Actor } from './context';
import type { IdSource } from '../lib/ids';
import { availableBalance, balanceLine } from './ledger';
import { recordDisbursementEvent } from './ledger-events';

/**
 * Disbursements: bank transfers to a Japanese account (Zengin codes), paid out of the merchant's
 * balance. Creating one debits the balance at once (the amount and its transfer fee, 220 or 410
 * JPY as KOMOJU's payouts); it stays `pending` until the transfer happens, one day later on the
 * merchant's clock, and is then `paid` — or `failed` for the test account number 0000000, which
 * credits both back, as cancelling a pending one does (docs/compatibility.md). Each step sends
 * its event (disbursement.created, .paid, .failed, .cancelled: ledger-events.ts).
 */

/** The test account number whose transfers fail (kessai's choice; KOMOJU publishes none). */
export const FAILING_ACCOUNT_NUMBER = '0000000';
const TRANSFER_DELAY_MS = 24 * 3600 * 1000;

export interface CreateDisbursementInput {
  amount: number;
  currency: string;
  account_number: string;
  account_type: DisbursementAccountType;
  account_name_kana: string;
  bank_code: string;
  branch_code: string;
  external_id?: string;
}

/** POST /disbursements, in `trx`: refused (nothing written) when the balance cannot cover amount and fee. */
export async function createDisbursement(trx: Db, actor: Actor, input: CreateDisbursementInput): Promise<Disbursement> {
  // Zengin transfers are in yen.
  if (input.currency !== 'JPY') throw new ApiError('invalid_currency', { param: 'currency', message: 'Disbursements are bank transfers in JPY' });
  const merchantId = actor.merchant.id;
  await ledgerRepo.lockLedger(trx, merchantId);
  const now = actor.clock.now();
  const fee = bankTransferFee(input.currency, input.amount);
  const available = await availableBalance(trx, merchantId, input.currency);
  if (input.amount + fee > available) {
    throw new ApiError('unprocessable_entity', {
      param: 'amount',
      message: `The amount and its transfer fee (${input.amount + fee} ${input.currency}) exceed the available balance (${Math.max(available, 0)} ${input.currency})`,
    });
  }
  const disbursement: Disbursement = {
    id: actor.ids.id(),
    merchant_id: merchantId,
    currency: input.currency,
    amount: input.amount,
    fee,
    fee_tax: 0,
    status: 'pending',
    bank_code: input.bank_code,
    branch_code: input.branch_code,
    account_type: input.account_type,
    account_number: input.account_number,
    account_name_kana: input.account_name_kana,
    error: null,
    external_id: input.external_id ?? null,
    cancel_reason: null,
    pay_at: new Date(now.getTime() + TRANSFER_DELAY_MS),
    created_at: now,
    last_updated_at: now,
  };
  await disbursementsRepo.insertDisbursement(trx, disbursement);
  await ledgerRepo.insertTransactions(trx, [
    balanceLine({ merchantId, currency: input.currency, type: 'disbursement', amount: input.amount, sourceId: disbursement.id, happenedAt: now }),
    ...(fee > 0 ? [balanceLine({ merchantId, currency: input.currency, type: 'disbursement_fee', amount: fee, sourceId: disbursement.id, happenedAt: now })] : []),
  ]);
  await recordDisbursementEvent(trx, actor.ids, 'disbursement.created', disbursement);
  return disbursement;
}

/** Its amount and fee back in the balance (cancelled, failed). */
async function reverse(trx: Db, disbursement: Disbursement, now: Date): Promise<void> {
  const common = { merchantId: disbursement.merchant_id, currency: disbursement.currency, sourceId: disbursement.id, happenedAt: now };
  await ledgerRepo.insertTransactions(trx, [
    balanceLine({ ...common, type: 'disbursement_reversal', amount: disbursement.amount }),
    ...(disbursement.fee > 0 ? [balanceLine({ ...common, type: 'disbursement_fee_reversal', amount: disbursement.fee })] : []),
  ]);
}

/** POST /disbursements/:id/cancel: a pending one only. */
export async function cancelDisbursement(trx: Db, actor: Actor, id: string, cancelReason: string): Promise<Disbursement> {
  await ledgerRepo.lockLedger(trx, actor.merchant.id);
  const disbursement = await disbursementsRepo.lockDisbursement(trx, actor.merchant.id, id);
  if (!disbursement) throw new ApiError('not_found', { param: 'id' });
  if (disbursement.status !== 'pending') {
    throw new ApiError('unprocessable_entity', { message: `A disbursement that is ${disbursement.status} cannot be cancelled` });
  }
  const now = actor.clock.now();
  await reverse(trx, disbursement, now);
  const changes = { status: 'cancelled' as const, cancel_reason: cancelReason, last_updated_at: now };
  await disbursementsRepo.updateDisbursement(trx, id, changes);
  const cancelled = { ...disbursement, ...changes };
  await recordDisbursementEvent(trx, actor.ids, 'disbursement.cancelled', cancelled);
  return cancelled;
}

/** The merchant's pending transfers due by `now`: paid, or failed and reversed, each with its event. Inside the ledger lock. */
export async function payDueDisbursements(trx: Db, merchantId: string, now: Date, ids: IdSource): Promise<number> {
  const due = await disbursementsRepo.lockDueDisbursements(trx, merchantId, now);
  for (const disbursement of due) {
    const fails = disbursement.account_number === FAILING_ACCOUNT_NUMBER;
    if (fails) await reverse(trx, disbursement, disbursement.pay_at);
    const changes = fails
      ? { status: 'failed' as const, error: 'The receiving bank rejected the transfer: no such account', last_updated_at: disbursement.pay_at }
      : { status: 'paid' as const, last_updated_at: disbursement.pay_at };
    await disbursementsRepo.updateDisbursement(trx, disbursement.id, changes);
    await recordDisbursementEvent(trx, ids, fails ? 'disbursement.failed' : 'disbursement.paid', { ...disbursement, ...changes });
  }
  return due.length;
}

export async function getDisbursement(db: Db, actor: Actor, id: string): Promise<Disbursement> {
  const disbursement = await disbursementsRepo.findDisbursement(db, actor.merchant.id, id);
  if (!disbursement) throw new ApiError('not_found', { param: 'id' });
  return disbursement;
}

export interface DisbursementQuery {
  start_time?: Date;
  end_time?: Date;
  currency?: string;
  status?: DisbursementStatus;
}

export async function listDisbursements(db: Db, actor: Actor, query: DisbursementQuery & { page: number; per_page: number }) {
  return disbursementsRepo.listDisbursements(db, { merchantId: actor.merchant.id, startTime: query.start_time, endTime: query.end_time, currency: query.currency, status: query.status }, query.page, query.per_page);
}

/** The CSV report's rows: at most REPORT_LIMIT, oldest first. */
export const REPORT_LIMIT = 10000;

export async function reportDisbursements(db: Db, actor: Actor, query: DisbursementQuery): Promise<Disbursement[]> {
  return disbursementsRepo.reportDisbursements(db, { merchantId: actor.merchant.id, startTime: query.start_time, endTime: query.end_time, currency: query.currency, status: query.status }, REPORT_LIMIT);
}
