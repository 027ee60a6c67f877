import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expireDuePayments } from '../../src/domain/expiry';
import { METHODS } from '../../src/methods';
import { startHarness, testCard, type Harness } from '../helpers/harness';
import { paymentApi } from '../helpers/payment-api';

/**
 * A payment that waits for the customer (an unpaid slip, an offsite page never finished, a
 * prepaid payment short of its next card) must not wait for ever: it has a payment_deadline,
 * and the sweep and the test clock expire it once that passes.
 */
let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const DAY = 86_400;

describe('every method that leaves a payment waiting', () => {
  it('gives it a deadline, for every test scenario of every registered method', { timeout: 120_000 }, async () => {
    const m = await h.merchant();
    const api = paymentApi(h, m.secretKey);
    const waiting = new Set<string>();
    for (const method of METHODS) {
      const currency = method.currencies === 'all' ? 'JPY' : method.currencies[0];
      for (const scenario of method.testScenarios) {
        const details = { ...(method.type === 'credit_card' ? testCard() : {}), type: method.type, ...scenario.input };
        // 3,000 is more than a test prepaid card holds (2,000), so multi-card methods stay pending;
        // capture: false leaves a card authorized.
        const res = await api.post('/api/v1/payments', { amount: 3000, currency, email: 'taro@example.com', capture: false, payment_details: details });
        // Declines (502) and all-or-nothing prepaid methods short of 3,000 leave nothing waiting.
        if (res.body?.status !== 'pending' && res.body?.status !== 'authorized') continue;
        waiting.add(method.type);
        expect(res.body.payment_deadline, `${method.type} ${JSON.stringify(scenario.input)} is ${res.body.status}`).not.toBeNull();
        expect(Date.parse(res.body.payment_deadline)).toBeGreaterThan(Date.parse(res.body.created_at));
      }
    }
    // The kinds that wait: a card authorization, konbini, offsite, a short prepaid card.
    for (const type of ['credit_card', 'konbini', 'bank_transfer', 'pay_easy', 'paypay', 'alipay', 'web_money', 'steam_prepaid_card', 'net_cash']) {
      expect(waiting, type).toContain(type);
    }
  });
});

describe('waiting payments expire', () => {
  it('a PayPay payment abandoned at the provider expires when the test clock passes its deadline', async () => {
    const m = await h.merchant();
    const api = paymentApi(h, m.secretKey);
    const created = await api.post('/api/v1/payments', { amount: 1000, currency: 'JPY', payment_details: { type: 'paypay' } });
    expect(created.status, created.text).toBe(200);
    expect(created.body.status).toBe('authorized');

    const early = await api.post('/api/v1/test_helpers/clock/advance', { seconds: DAY - 60 });
    expect(early.body.expired_payments).toBe(0);
    const late = await api.post('/api/v1/test_helpers/clock/advance', { seconds: 120 });
    expect(late.body.expired_payments).toBe(1);
    expect((await api.get(`/api/v1/payments/${created.body.id}`)).body.status).toBe('expired');
    expect(await api.eventTypes(created.body.id)).toEqual(['payment.authorized', 'payment.expired']);
  });

  it('a WebMoney payment left pending for its next card expires when the test clock passes its deadline', async () => {
    const m = await h.merchant();
    const api = paymentApi(h, m.secretKey);
    const created = await api.post('/api/v1/payments', {
      amount: 3000,
      currency: 'JPY',
      payment_details: { type: 'web_money', prepaid_number: '1111111111111111' },
    });
    expect(created.status, created.text).toBe(202);
    expect(created.body.status).toBe('pending');
    const deadline = Date.parse(created.body.payment_deadline);
    expect(deadline - Date.parse(created.body.created_at)).toBe(7 * DAY * 1000);

    const res = await api.post('/api/v1/test_helpers/clock/advance', { seconds: 7 * DAY + 60 });
    expect(res.body.expired_payments).toBe(1);
    const expired = await api.get(`/api/v1/payments/${created.body.id}`);
    expect(expired.body.status).toBe('expired');
    const events = (await api.eventTypes(created.body.id)).filter((type) => type === 'payment.expired');
    expect(events).toHaveLength(1);
  });

  it('the sweep expires them too', async () => {
    const m = await h.merchant();
    const api = paymentApi(h, m.secretKey);
    const offsite = await api.post('/api/v1/payments', { amount: 1000, currency: 'JPY', payment_details: { type: 'line_pay' } });
    const prepaid = await api.post('/api/v1/payments', {
      amount: 3000,
      currency: 'JPY',
      payment_details: { type: 'steam_prepaid_card', prepaid_number: '1111111111111111' },
    });
    expect([offsite.body.status, prepaid.body.status]).toEqual(['authorized', 'pending']);
    h.clock.advance(8 * DAY * 1000);
    try {
      expect(await expireDuePayments(h.services.db, h.clock, m.id)).toBe(2);
    } finally {
      h.clock.advance(-8 * DAY * 1000);
    }
    for (const payment of [offsite.body, prepaid.body]) {
      expect((await api.get(`/api/v1/payments/${payment.id}`)).body.status).toBe('expired');
    }
  });
});
