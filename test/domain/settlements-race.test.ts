import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMerchantLedger } from '../../src/domain/ledger-sweep';
import { cutoffOf } from '../../src/domain/settlements';
import { randomIds } from '../../src/lib/ids';
import { newId } from '../../src/lib/random';
import * as ledgerRepo from '../../src/store/ledger.repo';
import { startHarness, type Harness } from '../helpers/harness';

/**
 * A settlement's total and the lines it marks settled are one and the same set, however many
 * ledger lines are written while it is made (payments captured, refunds, chargebacks: none of them
 * takes the ledger lock). On PostgreSQL the writers run on other connections, committing between
 * the settlement's statements; on the embedded database they wait for it.
 */

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const MONTHS = 48;
const START = new Date('2020-01-15T00:00:00Z');
const MONTH_MS = 30 * 86_400_000;

/** One payment line, `monthsIn` months after START: each is ¥10,000, far above the transfer fee. */
function line(merchantId: string, monthsIn: number) {
  return {
    id: newId(),
    merchant_id: merchantId,
    currency: 'JPY',
    type: 'payment' as const,
    amount: 10_000,
    payment_id: null,
    refund_id: null,
    resource_id: null,
    settlement_id: null,
    happened_at: new Date(START.getTime() + monthsIn * MONTH_MS),
  };
}

describe('settling while ledger lines are written', () => {
  it('pays exactly the lines it marks: none left out of its total, none counted twice', async () => {
    const m = await h.merchant();
    // A line in the first month, so the settlement walks every month from there.
    await ledgerRepo.insertTransactions(h.services.db, [line(m.id, 0)]);
    let settling = true;
    let written = 1;
    const writer = async () => {
      while (settling) {
        await ledgerRepo.insertTransactions(h.services.db, [line(m.id, Math.random() * MONTHS)]);
        written++;
      }
    };
    const writers = [writer(), writer(), writer()];
    // Let the writers fill most months, then settle every month while they go on writing.
    while (written < 300) await new Promise((resolve) => setTimeout(resolve, 10));
    const made = await h.services.db.transaction().execute((trx) => runMerchantLedger(trx, { merchantId: m.id, merchantName: 'Race shop', publicUrl: h.services.publicUrl }, cutoffOf('2024-06'), randomIds));
    settling = false;
    await Promise.all(writers);
    expect(made).toBeGreaterThan(MONTHS / 2);

    const { rows } = await sql<{ id: string; settlement_amount: string; marked: string | null; lines: string }>`
      SELECT s.id, s.settlement_amount, sum(t.amount) AS marked, count(t.id) AS lines
      FROM settlements s LEFT JOIN balance_transactions t ON t.settlement_id = s.id
      WHERE s.merchant_id = ${m.id} GROUP BY s.id, s.settlement_amount`.execute(h.services.db);
    const wrong = rows.filter((row) => Number(row.settlement_amount) !== Number(row.marked ?? 0));
    expect(wrong, `${wrong.length} of ${rows.length} settlements pay other than the lines they marked`).toEqual([]);
    const all = await h.services.db.selectFrom('balance_transactions').select(sql<string>`count(*)`.as('count')).where('merchant_id', '=', m.id).executeTakeFirstOrThrow();
    expect(Number(all.count)).toBe(written);
  });
});
