import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_FEES, processingFee } from '../../src/kernel/fees';
import { cutoffOf, cycleOf } from '../../src/domain/settlements';
import { startHarness, testCard, type Harness } from '../helpers/harness';
import { paymentApi } from '../helpers/payment-api';

/**
 * Settlements and balances reconcile with the payments: for any mix of card and konbini payments,
 * full, partial or no captures and refunds, what the settlements took plus what the balance holds
 * is exactly the captured totals less refunds less each payment's fee and fee tax (computed here
 * from kernel/fees.ts, independently of the database's trigger).
 */

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const PaymentPlan = fc.record({
  method: fc.constantFrom('credit_card', 'konbini'),
  amount: fc.integer({ min: 1, max: 250000 }),
  taxed: fc.boolean(),
  capture: fc.constantFrom('full', 'partial', 'none'),
  refunds: fc.array(fc.integer({ min: 1, max: 100 }), { maxLength: 2 }),
});

describe('settlements reconcile with payments', () => {
  it('fee_defaults holds kernel/fees.ts DEFAULT_FEES', async () => {
    const rows = await h.store.db.selectFrom('fee_defaults').selectAll().orderBy('payment_type').execute();
    expect(Object.fromEntries(rows.map((r) => [r.payment_type, { rate_bp: r.rate_bp, fixed_fee: Number(r.fixed_fee) }]))).toEqual(
      Object.fromEntries(Object.entries(DEFAULT_FEES).map(([type, fee]) => [type, { rate_bp: fee.rate_bp, fixed_fee: fee.fixed_fee }])),
    );
  });

  it('settled + balance = captured − refunded − fees, part by part', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(PaymentPlan, { minLength: 1, maxLength: 5 }), async (plans) => {
        const m = await h.merchant();
        const api = paymentApi(h, m.secretKey);
        let captured = 0;
        let refunded = 0;
        let fees = 0;
        for (const plan of plans) {
          const tax = plan.taxed ? Math.floor((plan.amount * 10 + 50) / 100) : 0;
          if (plan.method === 'konbini') {
            const p = await api.create({ amount: plan.amount, tax, payment_details: { type: 'konbini', store: 'lawson', email: 'a@example.com' } });
            if (plan.capture === 'none') continue;
            expect((await api.post(`/api/v1/test_helpers/payments/${p.id}/pay`)).status).toBe(200);
            captured += plan.amount + tax;
            const fee = processingFee(plan.amount + tax, DEFAULT_FEES.konbini);
            fees += fee.fee + fee.tax;
            continue;
          }
          const p = await api.create({ amount: plan.amount, tax, payment_details: testCard(), capture: plan.capture === 'full' });
          let total = plan.amount + tax;
          if (plan.capture === 'none') continue;
          if (plan.capture === 'partial') {
            const part = Math.max(1, Math.floor(plan.amount / 2));
            const res = await api.post(`/api/v1/payments/${p.id}/capture`, { amount: part, tax: 0 });
            expect(res.status, res.text).toBe(200);
            total = part;
          }
          captured += total;
          const fee = processingFee(total, DEFAULT_FEES.credit_card);
          fees += fee.fee + fee.tax;
          let left = total;
          for (const percent of plan.refunds) {
            const amount = Math.max(1, Math.floor((left * percent) / 100));
            if (amount > left) break;
            const res = await api.post(`/api/v1/payments/${p.id}/refund`, { amount });
            expect(res.status, res.text).toBe(200);
            refunded += amount;
            left -= amount;
          }
        }
        const clock = (await api.get('/api/v1/test_helpers/clock')).body.now;
        const cutoff = cutoffOf(cycleOf(new Date(clock)));
        await api.post('/api/v1/test_helpers/clock/advance', { seconds: Math.ceil((cutoff.getTime() - Date.parse(clock)) / 1000) + 60 });

        const settlements = await Promise.all(
          ((await api.get('/api/v1/settlements?per_page=100')).body.data as { id: string }[]).map(async (s) => (await api.get(`/api/v1/settlements/${s.id}`)).body),
        );
        const balance = (await api.get('/api/v1/balances/JPY')).body;
        const sum = (f: (x: any) => number) => settlements.reduce((acc, s) => acc + f(s), 0) + f(balance);
        expect(sum((x) => x.settlement_amount_cents ?? x.total_balance_cents)).toBe(captured - refunded - fees);
        expect(sum((x) => x.payments.captured_amount_total_cents)).toBe(captured);
        expect(sum((x) => x.payments.processing_fees_cents)).toBe(fees);
        expect(sum((x) => x.refunds.refunded_amount_total_cents)).toBe(refunded);
        for (const s of settlements) {
          expect(s.fee_amount_cents + s.fee_tax_amount_cents).toBe(s.payments.processing_fees_cents);
          expect(s.transaction_amount_cents - s.fee_amount_cents - s.fee_tax_amount_cents).toBe(s.settlement_amount_cents);
          expect(s.remittance_amount_cents).toBe(s.settlement_amount_cents - s.bank_transfer_fee_amount_cents);
        }
      }),
      { numRuns: 12 },
    );
  });
});
