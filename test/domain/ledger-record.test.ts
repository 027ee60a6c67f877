import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordBalanceTransaction } from '../../src/domain/ledger';
import { merchantFees, resetMerchantFee, setMerchantFee } from '../../src/domain/fees';
import { startHarness, type Harness } from '../helpers/harness';
import { paymentApi } from '../helpers/payment-api';

/**
 * recordBalanceTransaction, as chargebacks call it inside their own transaction, and a merchant's
 * own fee rates as the database's trigger applies them.
 */

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

describe('recordBalanceTransaction', () => {
  it('writes a line in the caller\'s transaction: a chargeback and its fee count in corrections and misc; a reversal credits it back', async () => {
    const m = await h.merchant();
    const api = paymentApi(h, m.secretKey);
    const payment = await api.create();
    const now = h.clock.now();
    await h.store.db.transaction().execute(async (trx) => {
      await recordBalanceTransaction(trx, { merchantId: m.id, currency: 'JPY', type: 'chargeback', amount: 1100, sourceId: 'cb1', paymentId: payment.id, happenedAt: now });
      await recordBalanceTransaction(trx, { merchantId: m.id, currency: 'JPY', type: 'chargeback_fee', amount: 1500, sourceId: 'cb1', paymentId: payment.id, happenedAt: now });
    });
    let balance = (await api.get('/api/v1/balances/JPY')).body;
    expect(balance.total_balance_cents).toBe(1056 - 1100 - 1500);
    expect(balance.corrections).toEqual({ total_cents: -1100 });
    expect(balance.misc).toMatchObject({ chargeback_fixed_fee_total_cents: 1500, total_cents: -1500 });
    // One line per source and kind: the same chargeback cannot be debited twice.
    await expect(
      h.store.db.transaction().execute((trx) => recordBalanceTransaction(trx, { merchantId: m.id, currency: 'JPY', type: 'chargeback', amount: 1100, sourceId: 'cb1', happenedAt: now })),
    ).rejects.toThrow();
    await h.store.db.transaction().execute((trx) => recordBalanceTransaction(trx, { merchantId: m.id, currency: 'JPY', type: 'chargeback_reversal', amount: 1100, sourceId: 'cb1', happenedAt: now }));
    balance = (await api.get('/api/v1/balances/JPY')).body;
    expect(balance.corrections).toEqual({ total_cents: 0 });
    const line = (await api.get('/api/v1/balances/JPY/transactions?type=chargeback')).body.data[0];
    expect(line).toMatchObject({ type: 'chargeback', amount_cents: 1100 });
    // A rolled-back movement leaves no line.
    await expect(
      h.store.db.transaction().execute(async (trx) => {
        await recordBalanceTransaction(trx, { merchantId: m.id, currency: 'JPY', type: 'correction', amount: 5, direction: 1, sourceId: 'fix1', happenedAt: now });
        throw new Error('the movement failed');
      }),
    ).rejects.toThrow('the movement failed');
    expect((await api.get('/api/v1/balances/JPY/transactions?type=correction')).body.total).toBe(0);
  });

  it('refuses a negative amount and a correction without a direction', async () => {
    const m = await h.merchant();
    const now = h.clock.now();
    await expect(recordBalanceTransaction(h.store.db, { merchantId: m.id, currency: 'JPY', type: 'chargeback', amount: -1, sourceId: 'x', happenedAt: now })).rejects.toThrow();
    await expect(recordBalanceTransaction(h.store.db, { merchantId: m.id, currency: 'JPY', type: 'correction', amount: 1, sourceId: 'x', happenedAt: now })).rejects.toThrow();
  });
});

describe("a merchant's own fees", () => {
  it('apply to its next capture, not to other merchants; reset goes back to the default', async () => {
    const m = await h.merchant();
    const other = await h.merchant();
    await setMerchantFee(h.store.db, m.id, { payment_type: 'credit_card', rate_bp: 250, fixed_fee: 30 });
    expect(await merchantFees(h.store.db, m.id)).toContainEqual({ payment_type: 'credit_card', rate_bp: 250, fixed_fee: 30, own: true });
    const feeOf = async (key: string) => {
      const api = paymentApi(h, key);
      await api.create();
      return (await api.get('/api/v1/balances/JPY/transactions?type=fee')).body.data[0].amount_cents;
    };
    expect(await feeOf(m.secretKey)).toBe(28 + 30);
    expect(await feeOf(other.secretKey)).toBe(40);
    await resetMerchantFee(h.store.db, m.id, 'credit_card');
    expect(await merchantFees(h.store.db, m.id)).toContainEqual({ payment_type: 'credit_card', rate_bp: 360, fixed_fee: 0, own: false });
    await expect(setMerchantFee(h.store.db, m.id, { payment_type: 'bitcoin', rate_bp: 1, fixed_fee: 0 })).rejects.toThrow('Unknown payment type');
    await expect(setMerchantFee(h.store.db, m.id, { payment_type: 'konbini', rate_bp: 10001, fixed_fee: 0 })).rejects.toThrow();
  });
});
