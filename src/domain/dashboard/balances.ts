import type { Db } from '../../store/db';
import * as ledgerRepo from '../../store/ledger.repo';
import type { BalanceTransaction } from '../../model/ledger';
import type { Actor } from '../context';
import { getBalance, listBalanceTransactions, type BalanceView } from '../ledger';

/** The records the dashboard's money pages render (types only: web/ reads them through this module). */
export type { BalanceTransaction, Disbursement, Settlement } from '../../model/ledger';
export type { Chargeback } from '../../model/chargeback';

export interface CurrencyBalance {
  balance: BalanceView;
  /** The newest lines of the currency's ledger, newest first. */
  recent: BalanceTransaction[];
}

/**
 * The balances page: one entry per currency the merchant's ledger has ever had a line in (a
 * settled currency shows its zero balance), each with the API's balance and its newest lines.
 */
export async function merchantBalances(db: Db, actor: Actor, recent: number): Promise<CurrencyBalance[]> {
  const currencies = await ledgerRepo.ledgerCurrencies(db, actor.merchant.id);
  return Promise.all(
    currencies.map(async (currency) => ({
      balance: await getBalance(db, actor, currency),
      recent: (await listBalanceTransactions(db, actor, currency, { page: 1, per_page: recent })).rows,
    })),
  );
}
