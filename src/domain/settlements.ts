import { bankTransferFee } from '../kernel/fees';
import { ApiError } from '../kernel/errors';
import type { IdSource } from '../lib/ids';
import { randomAlphanumeric } from '../lib/random';
import type { Db } from '../store/db';
import * as ledgerRepo from '../store/ledger.repo';
import * as settlementsRepo from '../store/settlements.repo';
import type { Settlement } from '../model/ledger';
import type { Actor } from './context';
import { breakdownOf, totalOf } from './ledger';
import { recordSettlementEvent, type LedgerOwner } from './ledger-events';

/**
 * Settlements, as KOMOJU pays its merchants: the month's balance closes at the end of the month
 * (Japan time) and is paid out at the end of the following month, less the bank transfer fee
 * (help-ko.komoju.com "월말 마감, 다음달 지불"; kernel/fees.ts bankTransferFee). A settlement
 * takes every unsettled line of its currency that happened before its cutoff, and so carries
 * what an earlier month left over. A month whose total does not exceed the transfer fee makes no
 * settlement: its lines stay in the balance for the next one (docs/compatibility.md).
 *
 * They are made on the merchant's clock: by the worker's sweep when real time reaches a cutoff,
 * and at once when the test clock is advanced past one (domain/ledger-sweep.ts). Each sends
 * `settlement.created` (KOMOJU's event) when made and `settlement.paid` (kessai's) when paid, dated
 * at its cutoff and its payout on the merchant's clock.
 */

const TOKYO_MS = 9 * 3600 * 1000;

/** The cycle (`YYYY-MM`, the month in Japan time) `at` falls in. */
export function cycleOf(at: Date): string {
  const tokyo = new Date(at.getTime() + TOKYO_MS);
  return `${tokyo.getUTCFullYear()}-${String(tokyo.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** The instant month `months` after `cycle` begins, Japan time (0: the cycle's own start). */
function monthStart(cycle: string, months: number): Date {
  const [year, month] = cycle.split('-').map(Number);
  return new Date(Date.UTC(year, month - 1 + months, 1) - TOKYO_MS);
}

/** When a cycle closes: the first instant of the next month in Japan. */
export function cutoffOf(cycle: string): Date {
  return monthStart(cycle, 1);
}

/** When its settlement is paid: the last day of the following month, 00:00 Japan time. */
export function payoutOf(cycle: string): Date {
  return new Date(monthStart(cycle, 2).getTime() - 24 * 3600 * 1000);
}

function nextCycle(cycle: string): string {
  return cycleOf(cutoffOf(cycle));
}

/**
 * Makes every settlement of the merchant that has fallen due by `now`, inside `trx`, which holds
 * the merchant's ledger lock (ledger.repo lockLedger / tryLockLedger): exactly once across
 * processes, and the (merchant, currency, cycle) key refuses a second one anyway. Returns how many.
 */
export async function settleDue(trx: Db, owner: LedgerOwner, now: Date, ids: IdSource): Promise<number> {
  let made = 0;
  for (const { currency, earliest } of await ledgerRepo.unsettledCurrencies(trx, owner.merchantId)) {
    for (let cycle = cycleOf(earliest); cutoffOf(cycle) <= now; cycle = nextCycle(cycle)) {
      if (await settlementsRepo.hasSettlement(trx, owner.merchantId, currency, cycle)) continue;
      const settlement = await settleCycle(trx, owner.merchantId, currency, cycle, ids);
      if (!settlement) continue;
      await recordSettlementEvent(trx, ids, 'settlement.created', settlement, owner, settlement.created_at);
      made++;
    }
  }
  for (const paid of await settlementsRepo.payDueSettlements(trx, owner.merchantId, now)) {
    await recordSettlementEvent(trx, ids, 'settlement.paid', paid, owner, paid.payout_at);
  }
  return made;
}

async function settleCycle(trx: Db, merchantId: string, currency: string, cycle: string, ids: IdSource): Promise<Settlement | null> {
  const cutoff = cutoffOf(cycle);
  // Counted and marked in one statement (by the line's own time), so a line written meanwhile is
  // in both or in neither; a random marker, never seen outside this transaction, keeps the ids a
  // seeded merchant draws as they were. Only lines before the cutoff are taken.
  const marker = `settling:${randomAlphanumeric(25)}`;
  const sums = await ledgerRepo.markUnsettled(trx, merchantId, currency, cutoff, marker);
  const amount = totalOf(sums);
  const transferFee = bankTransferFee(currency, amount);
  if (amount <= transferFee) {
    // Nothing to pay after the transfer fee: the lines wait for a later month.
    await ledgerRepo.relabelSettled(trx, marker, null);
    return null;
  }
  const id = ids.id();
  const settlement: Settlement = {
    id,
    merchant_id: merchantId,
    reference: `${cycle.replace('-', '')}-${currency}-${id.slice(0, 8).toUpperCase()}`,
    status: 'pending',
    currency,
    cycle,
    cutoff_time: cutoff,
    payout_at: payoutOf(cycle),
    transaction_amount: (sums.payment ?? 0) + (sums.refund ?? 0) + (sums.chargeback ?? 0) + (sums.chargeback_reversal ?? 0) + (sums.correction ?? 0),
    fee_amount: -((sums.fee ?? 0) + (sums.refund_fee ?? 0) + (sums.chargeback_fee ?? 0)),
    fee_tax_amount: -(sums.fee_tax ?? 0),
    settlement_amount: amount,
    bank_transfer_fee_amount: transferFee,
    remittance_amount: amount - transferFee,
    breakdown: breakdownOf(sums),
    created_at: cutoff,
  };
  await settlementsRepo.insertSettlement(trx, settlement);
  await ledgerRepo.relabelSettled(trx, marker, id);
  return settlement;
}

export async function getSettlement(db: Db, actor: Actor, id: string): Promise<Settlement> {
  const settlement = await settlementsRepo.findSettlement(db, actor.merchant.id, id);
  if (!settlement) throw new ApiError('not_found', { param: 'id' });
  return settlement;
}

export async function listSettlements(db: Db, actor: Actor, query: { page: number; per_page: number; start_time?: Date; end_time?: Date }) {
  return settlementsRepo.listSettlements(db, { merchantId: actor.merchant.id, startTime: query.start_time, endTime: query.end_time }, query.page, query.per_page);
}

/** The lines a settlement took, oldest first (its files). */
export async function settlementLines(db: Db, settlement: Settlement) {
  return ledgerRepo.settlementTransactions(db, settlement.id);
}
