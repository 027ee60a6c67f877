import { sql } from 'kysely';
import type { Db } from './db';
import { ofMerchant } from './of-merchant';
import type { BalanceTransaction, FeeRate, TransactionKind } from '../model/ledger';

/**
 * Balance transactions and processing fees (migration 0020). A captured payment's and a refund's
 * lines are written by the database's triggers; everything else (chargebacks, disbursements,
 * corrections) through insertTransactions.
 */

const RECORD = ['id', 'merchant_id', 'currency', 'type', 'amount', 'payment_id', 'refund_id', 'resource_id', 'settlement_id', 'happened_at'] as const;

export async function insertTransactions(db: Db, rows: readonly BalanceTransaction[]): Promise<void> {
  if (rows.length > 0) await db.insertInto('balance_transactions').values([...rows]).execute();
}

/** By id alone, the merchant checked in code (see ofMerchant). */
export async function findTransaction(db: Db, merchantId: string, id: string): Promise<BalanceTransaction | undefined> {
  return ofMerchant(merchantId, await db.selectFrom('balance_transactions').select(RECORD).where('id', '=', id).executeTakeFirst());
}

export interface TransactionFilter {
  merchantId: string;
  currency: string;
  startTime?: Date;
  endTime?: Date;
  type?: string;
}

/** Newest first. */
export async function listTransactions(db: Db, filter: TransactionFilter, page: number, perPage: number) {
  let query = db.selectFrom('balance_transactions').where('merchant_id', '=', filter.merchantId).where('currency', '=', filter.currency);
  if (filter.startTime) query = query.where('happened_at', '>=', filter.startTime);
  if (filter.endTime) query = query.where('happened_at', '<=', filter.endTime);
  if (filter.type) query = query.where('type', '=', filter.type as TransactionKind);
  const [rows, count] = await Promise.all([
    query.select(RECORD).orderBy('happened_at', 'desc').orderBy('seq', 'desc').limit(perPage).offset((page - 1) * perPage).execute(),
    query.select(sql<number>`count(*)::int`.as('total')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.total) };
}

/** The transactions of a settlement, oldest first (its files list them). */
export async function settlementTransactions(db: Db, settlementId: string): Promise<BalanceTransaction[]> {
  return db.selectFrom('balance_transactions').select(RECORD).where('settlement_id', '=', settlementId).orderBy('happened_at').orderBy('seq').execute();
}

/** Sums of the unsettled lines per kind, of those that happened before `before` when given. */
export async function unsettledSums(db: Db, merchantId: string, currency: string, before?: Date): Promise<Partial<Record<TransactionKind, number>>> {
  let query = db
    .selectFrom('balance_transactions')
    .select(['type', sql<number>`sum(amount)::bigint`.as('total')])
    .where('merchant_id', '=', merchantId)
    .where('currency', '=', currency)
    .where('settlement_id', 'is', null);
  if (before) query = query.where('happened_at', '<', before);
  const rows = await query.groupBy('type').execute();
  return Object.fromEntries(rows.map((row) => [row.type, Number(row.total)]));
}

/** The merchant's currencies with unsettled lines, and the earliest such line of each. */
export async function unsettledCurrencies(db: Db, merchantId: string): Promise<{ currency: string; earliest: Date }[]> {
  const rows = await db
    .selectFrom('balance_transactions')
    .select(['currency', sql<Date>`min(happened_at)`.as('earliest')])
    .where('merchant_id', '=', merchantId)
    .where('settlement_id', 'is', null)
    .groupBy('currency')
    .orderBy('currency')
    .execute();
  return rows.map((row) => ({ currency: row.currency, earliest: new Date(row.earliest) }));
}

/** Every currency the merchant's ledger has a line in, settled or not, alphabetically. */
export async function ledgerCurrencies(db: Db, merchantId: string): Promise<string[]> {
  const rows = await db.selectFrom('balance_transactions').select('currency').distinct().where('merchant_id', '=', merchantId).orderBy('currency').execute();
  return rows.map((row) => row.currency);
}

/**
 * Marks the unsettled lines that happened before `cutoff` with `marker` and sums them by type, in
 * one statement: the sums are of exactly the lines marked, whatever is written meanwhile (a line
 * committed between a SELECT and an UPDATE would be marked and not counted, or counted and not
 * marked). The caller then names the marked set with relabelSettled.
 */
export async function markUnsettled(db: Db, merchantId: string, currency: string, cutoff: Date, marker: string): Promise<Partial<Record<TransactionKind, number>>> {
  const { rows } = await sql<{ type: TransactionKind; total: string }>`
    WITH marked AS (
      UPDATE balance_transactions SET settlement_id = ${marker}
      WHERE merchant_id = ${merchantId} AND currency = ${currency} AND settlement_id IS NULL AND happened_at < ${cutoff}
      RETURNING type, amount
    )
    SELECT type, sum(amount)::bigint AS total FROM marked GROUP BY type`.execute(db);
  return Object.fromEntries(rows.map((row) => [row.type, Number(row.total)]));
}

/** Moves the lines marked `from` (markUnsettled) to settlement `to`, or back to unsettled with null; how many. */
export async function relabelSettled(db: Db, from: string, to: string | null): Promise<number> {
  const result = await db.updateTable('balance_transactions').set({ settlement_id: to }).where('settlement_id', '=', from).executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * Serialises the transactions that change one merchant's balance outside a payment (a
 * disbursement checked against it, a settlement drawn from it), across processes, until the
 * transaction ends. On the embedded database there is one connection: nothing to wait for.
 */
export async function lockLedger(db: Db, merchantId: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtext(${`kessai-ledger:${merchantId}`}))`.execute(db);
}

/** The same without waiting: false when another transaction holds it (a sweep then skips the merchant). */
export async function tryLockLedger(db: Db, merchantId: string): Promise<boolean> {
  const { rows } = await sql<{ locked: boolean }>`SELECT pg_try_advisory_xact_lock(hashtext(${`kessai-ledger:${merchantId}`})) AS locked`.execute(db);
  return rows[0].locked;
}

/** Every payment method's fee for the merchant: its own where set, else the default. */
export async function merchantFees(db: Db, merchantId: string): Promise<(FeeRate & { own: boolean })[]> {
  const { rows } = await sql<FeeRate & { own: boolean }>`
    SELECT coalesce(m.payment_type, d.payment_type) AS payment_type,
      coalesce(m.rate_bp, d.rate_bp)::int AS rate_bp, coalesce(m.fixed_fee, d.fixed_fee)::bigint AS fixed_fee,
      (m.payment_type IS NOT NULL) AS own
    FROM fee_defaults d FULL JOIN (SELECT * FROM merchant_fees WHERE merchant_id = ${merchantId}) m ON m.payment_type = d.payment_type
    ORDER BY 1`.execute(db);
  return rows.map((row) => ({ ...row, rate_bp: Number(row.rate_bp), fixed_fee: Number(row.fixed_fee) }));
}

export async function defaultFees(db: Db): Promise<FeeRate[]> {
  return db.selectFrom('fee_defaults').select(['payment_type', 'rate_bp', 'fixed_fee']).orderBy('payment_type').execute();
}

export async function setMerchantFee(db: Db, merchantId: string, fee: FeeRate): Promise<void> {
  await db
    .insertInto('merchant_fees')
    .values({ merchant_id: merchantId, ...fee })
    .onConflict((oc) => oc.columns(['merchant_id', 'payment_type']).doUpdateSet({ rate_bp: fee.rate_bp, fixed_fee: fee.fixed_fee }))
    .execute();
}

/** Back to the default; whether the merchant had its own. */
export async function clearMerchantFee(db: Db, merchantId: string, paymentType: string): Promise<boolean> {
  const result = await db.deleteFrom('merchant_fees').where('merchant_id', '=', merchantId).where('payment_type', '=', paymentType).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
