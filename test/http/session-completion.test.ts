import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, testCard, type Harness, type TestMerchant } from '../helpers/harness';

/**
 * When a session completes, for every kind of method (KOMOJU: "completed — the customer inputted
 * their info successfully; the session contains a payment that is either authorized or
 * captured"). A card, a konbini slip, a bank transfer or a prepaid card that covers the total
 * completes it when paid; an offsite payment only once the provider approves — a decline or a
 * cancel there leaves the session pending, the customer back on the hosted page with the reason,
 * free to pay another way. After each step: the session, its payment and the events written.
 */

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const RETURN_URL = 'https://shop.example/done?order=7';

async function shop(): Promise<TestMerchant & { session(extra?: Record<string, unknown>): Promise<string> }> {
  const m = await h.merchant();
  return {
    ...m,
    async session(extra = {}) {
      const res = await h.request({
        method: 'POST',
        url: '/api/v1/sessions',
        key: m.secretKey,
        json: { amount: 1500, currency: 'JPY', return_url: RETURN_URL, default_locale: 'en', ...extra },
      });
      expect(res.status, res.text).toBe(200);
      return res.body.id as string;
    },
  };
}

const pay = (m: TestMerchant, id: string, body: Record<string, unknown>) =>
  h.request({ method: 'POST', url: `/api/v1/sessions/${id}/pay`, key: m.publishableKey, json: body });

async function shown(m: TestMerchant, id: string): Promise<{ status: string; payment: { id: string; status: string } | null }> {
  const res = await h.request({ url: `/api/v1/sessions/${id}`, key: m.secretKey });
  expect(res.status, res.text).toBe(200);
  return res.body;
}

/** The merchant's events, oldest first, as `<event type> <payment type>`. */
async function events(m: TestMerchant): Promise<string[]> {
  const res = await h.request({ url: '/api/v1/events?per_page=100', key: m.secretKey });
  expect(res.status, res.text).toBe(200);
  return (res.body.data as { type: string; data: { payment_details: { type: string } } }[]).reverse().map((event) => `${event.type} ${event.data.payment_details.type}`);
}

function form(url: string, fields: Record<string, string>) {
  return h.app.inject({ method: 'POST', url, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams(fields).toString() });
}

describe('methods the customer completes on the spot', () => {
  it('card: completed with a captured payment; manual capture: completed, authorized', async () => {
    const m = await shop();
    const id = await m.session({ payment_types: ['credit_card'] });
    const res = await pay(m, id, { payment_details: testCard() });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ status: 'completed', redirect_url: `${RETURN_URL}&session_id=${id}`, payment: { status: 'captured' } });
    expect(await shown(m, id)).toMatchObject({ status: 'completed', payment: { status: 'captured' } });
    const manual = await m.session({ payment_types: ['credit_card'], payment_data: { capture: 'manual' } });
    expect((await pay(m, manual, { payment_details: testCard() })).body).toMatchObject({ status: 'completed', payment: { status: 'authorized' } });
    expect(await events(m)).toEqual(['payment.captured credit_card', 'payment.authorized credit_card']);
  });

  it('a declined card leaves the session pending and payable', async () => {
    const m = await shop();
    const id = await m.session({ payment_types: ['credit_card'] });
    const declined = await pay(m, id, { payment_details: testCard({ number: '4123111111111059' }) });
    expect(declined.status).toBe(502);
    expect(declined.body).toMatchObject({ status: 'error', error: { code: 'card_declined' } });
    expect((await shown(m, id)).status).toBe('pending');
    expect((await pay(m, id, { payment_details: testCard() })).body).toMatchObject({ status: 'completed', payment: { status: 'captured' } });
    expect(await events(m)).toEqual(['payment.failed credit_card', 'payment.captured credit_card']);
  });

  it('3-D Secure: pending until the card is authenticated; a failed authentication leaves it payable', async () => {
    const m = await shop();
    const id = await m.session({ payment_types: ['credit_card'] });
    const failing = await pay(m, id, { payment_details: testCard({ number: '4100000000500000' }) });
    expect(failing.body).toMatchObject({ status: 'pending', payment: null });
    const refused = await h.app.inject({ url: new URL(failing.body.redirect_url).pathname + new URL(failing.body.redirect_url).search });
    expect(refused.statusCode).toBe(303);
    const back = new URL(refused.headers.location as string);
    const page = await h.app.inject({ url: back.pathname + back.search });
    expect(page.statusCode).toBe(422);
    expect(await shown(m, id)).toMatchObject({ status: 'pending', payment: null });

    const passing = await pay(m, id, { payment_details: testCard({ number: '4100000000000100' }) });
    expect(passing.body).toMatchObject({ status: 'pending', payment: null });
    const authenticated = await h.app.inject({ url: new URL(passing.body.redirect_url).pathname + new URL(passing.body.redirect_url).search });
    const returned = new URL(authenticated.headers.location as string);
    const done = await h.app.inject({ url: returned.pathname + returned.search });
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe(`${RETURN_URL}&session_id=${id}`);
    expect(await shown(m, id)).toMatchObject({ status: 'completed', payment: { status: 'captured' } });
    expect(await events(m)).toEqual(['payment.captured credit_card']);
  });

  it('prepaid: a card that covers the total completes it; a short one keeps it pending until the next card', async () => {
    const m = await shop();
    const id = await m.session({ payment_types: ['web_money'] });
    expect((await pay(m, id, { payment_details: { type: 'web_money', prepaid_number: '1111111111111111' } })).body).toMatchObject({ status: 'completed', payment: { status: 'captured' } });
    const declined = await m.session({ payment_types: ['web_money'] });
    expect((await pay(m, declined, { payment_details: { type: 'web_money', prepaid_number: 'e111111111111114' } })).status).toBe(502);
    expect((await shown(m, declined)).status).toBe('pending');

    // 3,000 yen from 2,000-yen cards: the first leaves 1,000 short, the second pays the rest.
    const short = await m.session({ amount: 3000, payment_types: ['web_money'] });
    const first = await pay(m, short, { payment_details: { type: 'web_money', prepaid_number: '1111111111111111' } });
    expect(first.status, first.text).toBe(200);
    expect(first.body).toMatchObject({ status: 'pending', redirect_url: null, payment: { status: 'pending', payment_details: { short_amount: 1000 } } });
    expect(await shown(m, short)).toMatchObject({ status: 'pending', payment: { status: 'pending' } });
    const next = await h.request({ method: 'PATCH', url: `/api/v1/payments/${first.body.payment.id}`, key: m.secretKey, json: { payment_details: { prepaid_number: '1111111111111111' } } });
    expect(next.status, next.text).toBe(200);
    expect(await shown(m, short)).toMatchObject({ status: 'completed', payment: { status: 'captured' } });
    expect(await events(m)).toEqual(['payment.captured web_money', 'payment.failed web_money', 'payment.captured web_money']);
  });

  it('prepaid short, then another method: the short payment is cancelled, so no later card can capture it beside the new one', async () => {
    const m = await shop();
    const id = await m.session({ amount: 3000, payment_types: ['web_money', 'credit_card'] });
    const first = await pay(m, id, { payment_details: { type: 'web_money', prepaid_number: '1111111111111111' } });
    expect(first.body).toMatchObject({ status: 'pending', payment: { status: 'pending' } });
    const byCard = await pay(m, id, { payment_details: testCard() });
    expect(byCard.body).toMatchObject({ status: 'completed', payment: { status: 'captured', payment_details: { type: 'credit_card' } } });
    const old = await h.request({ url: `/api/v1/payments/${first.body.payment.id}`, key: m.secretKey });
    expect(old.body.status).toBe('cancelled');
    const later = await h.request({ method: 'PATCH', url: `/api/v1/payments/${first.body.payment.id}`, key: m.secretKey, json: { payment_details: { prepaid_number: '1111111111111111' } } });
    expect(later.status).toBeGreaterThanOrEqual(400);
    expect((await h.request({ url: `/api/v1/payments/${first.body.payment.id}`, key: m.secretKey })).body.status).toBe('cancelled');
  });

  it('prepaid: the next card through PATCH /payments/:id and through the session at once never deadlock (session locked first on both paths)', async () => {
    const m = await shop();
    const card = { prepaid_number: '1111111111111111' };
    for (let round = 0; round < 20; round++) {
      const id = await m.session({ amount: 3000, payment_types: ['web_money'] });
      const first = await pay(m, id, { payment_details: { type: 'web_money', ...card } });
      expect(first.body.payment.status).toBe('pending');
      const [patched, paid] = await Promise.all([
        h.request({ method: 'PATCH', url: `/api/v1/payments/${first.body.payment.id}`, key: m.secretKey, json: { payment_details: card } }),
        pay(m, id, { payment_details: { type: 'web_money', ...card } }),
      ]);
      // Before the fix, PostgreSQL found a deadlock in about one round of six: a 500.
      expect(patched.status, patched.text).toBeLessThan(500);
      expect(paid.status, paid.text).toBeLessThan(500);
      expect(await shown(m, id)).toMatchObject({ status: 'completed', payment: { id: first.body.payment.id, status: 'captured' } });
    }
  });

  it('prepaid: a short payment past its deadline takes no further card (even before the sweep); captured, WebMoney shows no deadline', async () => {
    const m = await shop();
    const patch = (paymentId: string) =>
      h.request({ method: 'PATCH', url: `/api/v1/payments/${paymentId}`, key: m.secretKey, json: { payment_details: { prepaid_number: '1111111111111111' } } });
    const paid = await pay(m, await m.session({ amount: 3000, payment_types: ['web_money'] }), { payment_details: { type: 'web_money', prepaid_number: '1111111111111111' } });
    expect(paid.body.payment.payment_deadline).not.toBeNull();
    const captured = await patch(paid.body.payment.id);
    expect(captured.body).toMatchObject({ status: 'captured', payment_deadline: null });

    const late = await pay(m, await m.session({ amount: 3000, payment_types: ['web_money'] }), { payment_details: { type: 'web_money', prepaid_number: '1111111111111111' } });
    // The system clock, not the merchant's test clock: no expiry runs, the deadline alone refuses.
    h.clock.advance(8 * 24 * 3600 * 1000);
    const refused = await patch(late.body.payment.id);
    expect(refused.status, refused.text).toBe(422);
    expect(refused.body.error.message).toMatch(/past its deadline/);
    expect((await h.request({ url: `/api/v1/payments/${late.body.payment.id}`, key: m.secretKey })).body.status).not.toBe('captured');
  });

  it('prepaid on the hosted page: a short card keeps the customer on the page, asking for the next card, which completes the same payment', async () => {
    const m = await shop();
    const id = await m.session({ amount: 3000, payment_types: ['web_money', 'credit_card'] });
    const first = await form(`/sessions/${id}/pay`, { type: 'web_money', prepaid_number: '1111111111111111', locale: 'en' });
    // Not sent back to the shop while the session is pending.
    expect(first.statusCode, first.body).toBe(200);
    expect(first.body).toContain('¥1,000 is still to pay. Enter another card.');
    expect(first.body).not.toContain('1111111111111111');
    const pending = await shown(m, id);
    expect(pending).toMatchObject({ status: 'pending', payment: { status: 'pending' } });
    // The API answers the same: pending, nowhere to go yet; a refused next card changes nothing.
    const refused = await pay(m, id, { payment_details: { type: 'web_money', prepaid_number: 'e111111111111114' } });
    expect(refused.body).toMatchObject({ status: 'error', error: { code: 'card_declined' } });
    const second = await form(`/sessions/${id}/pay`, { type: 'web_money', prepaid_number: '1111111111111111', locale: 'en' });
    expect(second.statusCode, second.body).toBe(303);
    expect(second.headers.location).toBe(`${RETURN_URL}&session_id=${id}`);
    const done = await shown(m, id);
    expect(done).toMatchObject({ status: 'completed', payment: { id: pending.payment!.id, status: 'captured', payment_details: { short_amount: 0 } } });
    expect((done.payment as unknown as { payment_details: { prepaid_cards: unknown[] } }).payment_details.prepaid_cards).toHaveLength(2);
    expect(await events(m)).toEqual(['payment.captured web_money']);
  });
});

describe('methods paid later (konbini, bank transfer): completed once the slip is issued, as KOMOJU does', () => {
  for (const [type, details] of [
    ['konbini', { type: 'konbini', store: 'lawson', email: 'taro@example.com', phone: '0312345678' }],
    ['bank_transfer', { type: 'bank_transfer', family_name: '山田', given_name: '太郎', family_name_kana: 'ヤマダ', given_name_kana: 'タロウ', email: 'taro@example.com', phone: '0312345678' }],
  ] as const) {
    it(`${type}: completed with the payment authorized; paid later, captured, still completed`, async () => {
      const m = await shop();
      const id = await m.session({ payment_types: [type] });
      const res = await pay(m, id, { payment_details: details });
      expect(res.status, res.text).toBe(200);
      expect(res.body).toMatchObject({ status: 'completed', payment: { status: 'authorized' } });
      expect(res.body.redirect_url).toContain('/instructions/');
      const paid = await h.request({ method: 'POST', url: `/api/v1/test_helpers/payments/${res.body.payment.id}/pay`, key: m.secretKey });
      expect(paid.status, paid.text).toBe(200);
      expect(await shown(m, id)).toMatchObject({ status: 'completed', payment: { status: 'captured' } });
      expect(await events(m)).toEqual([`payment.authorized ${type}`, `payment.captured ${type}`]);
    });
  }
});

describe('offsite methods: completed only when the provider approves', () => {
  async function paypay(m: TestMerchant, id: string) {
    const res = await pay(m, id, { payment_details: { type: 'paypay' } });
    expect(res.status, res.text).toBe(200);
    // Not paid yet: the customer has still to go to PayPay.
    expect(res.body).toMatchObject({ status: 'pending', payment: { status: 'authorized', payment_details: { type: 'paypay' } } });
    expect(res.body.redirect_url).toBe(`http://kessai.test/offsite/new?uuid=${res.body.payment.id}`);
    expect(await shown(m, id)).toMatchObject({ status: 'pending', payment: { id: res.body.payment.id, status: 'authorized' } });
    return res.body.payment.id as string;
  }

  it('Approve: captured, the session completed, and the customer on to the shop', async () => {
    const m = await shop();
    const id = await m.session({ payment_types: ['paypay', 'credit_card'] });
    const paymentId = await paypay(m, id);
    const approved = await form(`/offsite/${paymentId}`, { action: 'approve', locale: 'en' });
    expect(approved.statusCode).toBe(303);
    expect(approved.headers.location).toBe(`/sessions/${id}/return?payment_id=${paymentId}&locale=en`);
    const back = await h.app.inject({ url: approved.headers.location as string });
    expect(back.statusCode).toBe(303);
    expect(back.headers.location).toBe(`${RETURN_URL}&session_id=${id}`);
    expect(await shown(m, id)).toMatchObject({ status: 'completed', payment: { id: paymentId, status: 'captured' } });
    expect(await events(m)).toEqual(['payment.authorized paypay', 'payment.captured paypay']);
  });

  for (const [action, status, reason] of [
    ['decline', 'failed', 'PayPay declined the payment.'],
    ['cancel', 'cancelled', 'The payment with PayPay was not completed.'],
  ] as const) {
    it(`${action} at the provider: the session stays pending, the page shows why, and a card then pays it`, async () => {
      const m = await shop();
      const id = await m.session({ payment_types: ['paypay', 'credit_card'] });
      const paymentId = await paypay(m, id);
      const answered = await form(`/offsite/${paymentId}`, { action, locale: 'en' });
      expect(answered.statusCode).toBe(303);
      expect(answered.headers.location).toBe(`/sessions/${id}/return?payment_id=${paymentId}&locale=en`);
      expect(await shown(m, id)).toMatchObject({ status: 'pending', payment: { id: paymentId, status } });

      const page = await h.app.inject({ url: answered.headers.location as string });
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('data-error="paypay"');
      expect(page.body).toContain(reason);
      expect(page.body).toContain('data-method="credit_card"');
      // The provider's result page (the customer came back to it) leads to the hosted page too.
      const result = await h.app.inject({ url: `/offsite/${paymentId}?locale=en` });
      expect(result.body).toContain(`href="/sessions/${id}/return?payment_id=${paymentId}&amp;locale=en"`);

      const card = await form(`/sessions/${id}/pay`, { type: 'credit_card', name: 'Taro Yamada', number: '4111111111111111', expiry: '12/39', verification_value: '123' });
      expect(card.statusCode, card.body).toBe(303);
      expect(card.headers.location).toBe(`${RETURN_URL}&session_id=${id}`);
      expect(await shown(m, id)).toMatchObject({ status: 'completed', payment: { payment_details: { type: 'credit_card' }, status: 'captured' } });
      expect(await events(m)).toEqual(['payment.authorized paypay', `payment.${status} paypay`, 'payment.captured credit_card']);
    });
  }

  it('the test helpers act as the provider: /pay completes the session, /fail leaves it pending', async () => {
    const m = await shop();
    const failing = await m.session({ payment_types: ['paypay'] });
    const failed = await paypay(m, failing);
    expect((await h.request({ method: 'POST', url: `/api/v1/test_helpers/payments/${failed}/fail`, key: m.secretKey })).status).toBe(200);
    expect(await shown(m, failing)).toMatchObject({ status: 'pending', payment: { status: 'failed' } });
    const again = await paypay(m, failing);
    expect((await h.request({ method: 'POST', url: `/api/v1/test_helpers/payments/${again}/pay`, key: m.secretKey })).status).toBe(200);
    expect(await shown(m, failing)).toMatchObject({ status: 'completed', payment: { id: again, status: 'captured' } });
  });

  it('left at the provider for a card: the waiting offsite payment is cancelled and can no longer be approved', async () => {
    const m = await shop();
    const id = await m.session({ payment_types: ['paypay', 'credit_card'] });
    const abandoned = await paypay(m, id);
    expect((await pay(m, id, { payment_details: testCard() })).body).toMatchObject({ status: 'completed', payment: { status: 'captured' } });
    const late = await form(`/offsite/${abandoned}`, { action: 'approve', locale: 'en' });
    expect(late.statusCode).toBe(303);
    expect(late.headers.location).toBe(`/offsite/${abandoned}?locale=en`);
    const status = await h.request({ url: `/api/v1/payments/${abandoned}`, key: m.secretKey });
    expect(status.body.status).toBe('cancelled');
    expect(await shown(m, id)).toMatchObject({ status: 'completed', payment: { payment_details: { type: 'credit_card' }, status: 'captured' } });
    expect(await events(m)).toEqual(['payment.authorized paypay', 'payment.cancelled paypay', 'payment.captured credit_card']);
  });

  it('"Return to merchant" while at the provider cancels the session and its waiting payment', async () => {
    const m = await shop();
    const id = await m.session({ payment_types: ['paypay'] });
    const waiting = await paypay(m, id);
    const cancelled = await form(`/sessions/${id}/cancel`, { locale: 'en' });
    expect(cancelled.statusCode).toBe(303);
    expect(await shown(m, id)).toMatchObject({ status: 'cancelled', payment: { id: waiting, status: 'cancelled' } });
  });
});
