import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, testCard, type Harness, type TestMerchant } from '../helpers/harness';

/**
 * The mail outbox: the e-mails a payment's customer gets (instructions, receipt, refund notice),
 * rendered in the payment's locale as HTML and text, and read back through
 * GET /api/v1/test_helpers/emails.
 */
let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const PAYER = { family_name: '山田', given_name: '太郎', family_name_kana: 'ヤマダ', given_name_kana: 'タロウ', phone: '080-1111-2222' };

function api(m: TestMerchant) {
  return {
    get: (url: string) => h.request({ url, key: m.secretKey }),
    post: (url: string, json?: unknown) => h.request({ method: 'POST', url, key: m.secretKey, json }),
  };
}

async function pay(m: TestMerchant, body: Record<string, unknown>) {
  const res = await api(m).post('/api/v1/payments', { amount: 1000, currency: 'JPY', ...body });
  expect(res.status).toBe(200);
  return res.body;
}

async function mailsOf(m: TestMerchant, query = '') {
  const res = await api(m).get(`/api/v1/test_helpers/emails${query}`);
  expect(res.status).toBe(200);
  return res.body;
}

/** Every rendered piece of a mail: what a customer may read, in either form. */
const both = (mail: { html: string; text: string }) => `${mail.html}\n${mail.text}`;

describe('konbini instructions', () => {
  const CASES = [
    { locale: 'ja', subject: '【SHOP】コンビニのお支払い方法のご案内', store: 'ローソン', label: '受付番号', howTo: 'お支払い手順' },
    { locale: 'en', subject: '[SHOP] How to pay with Konbini', store: 'Lawson', label: 'Receipt number', howTo: 'How to pay' },
    { locale: 'ko', subject: '[SHOP] 편의점 결제 방법 안내', store: '로손', label: '접수 번호', howTo: '결제 방법' },
  ];
  for (const c of CASES) {
    it(`are written in ${c.locale}, as HTML and text, with the receipt number and the steps`, async () => {
      const m = await h.merchant();
      const p = await pay(m, { locale: c.locale, payment_details: { type: 'konbini', store: 'lawson', email: `${c.locale}@example.com` } });
      const list = await mailsOf(m);
      expect(list).toMatchObject({ resource: 'list', total: 1 });
      const mail = list.data[0];
      const merchantName = mail.subject.match(/^.(Test \w+)./)[1];
      expect(mail).toMatchObject({
        resource: 'email',
        payment: p.id,
        kind: 'instructions',
        to: `${c.locale}@example.com`,
        locale: c.locale,
        status: 'kept',
        subject: c.subject.replace('SHOP', merchantName),
      });
      for (const part of [mail.html, mail.text]) {
        expect(part).toContain(c.store);
        expect(part).toContain(c.label);
        expect(part).toContain(c.howTo);
        expect(part).toContain(p.payment_details.receipt);
        expect(part).toContain(p.payment_details.instructions_url);
      }
      expect(mail.html).toMatch(/^<!doctype html>/);
      expect(mail.html).toContain(`lang="${c.locale}"`);
      expect(mail.text).not.toContain('<');
    });
  }

  it('goes to nobody when the payment has no e-mail', async () => {
    const m = await h.merchant();
    await pay(m, { payment_details: { type: 'konbini', store: 'lawson' } });
    await pay(m, { payment_details: testCard() });
    expect((await mailsOf(m)).total).toBe(0);
  });

  it("of a Hosted Page session go to the session's e-mail, in its locale", async () => {
    const m = await h.merchant();
    const session = await h.request({
      method: 'POST',
      url: '/api/v1/sessions',
      key: m.secretKey,
      json: { amount: 2000, currency: 'JPY', email: 'session@example.com', default_locale: 'ko', return_url: 'https://shop.example/done' },
    });
    expect(session.status, session.text).toBe(200);
    const paid = await h.request({
      method: 'POST',
      url: `/api/v1/sessions/${session.body.id}/pay`,
      key: m.publishableKey,
      json: { payment_details: { type: 'konbini', store: 'lawson' } },
    });
    expect(paid.status, paid.text).toBe(200);
    const [mail] = (await mailsOf(m)).data;
    expect(mail).toMatchObject({ kind: 'instructions', to: 'session@example.com', locale: 'ko', payment: paid.body.payment.id });
    expect(mail.text).toContain('로손');
  });

  it('escapes what the merchant wrote', async () => {
    const m = await h.merchant();
    await pay(m, { description: '<img src=x onerror=alert(1)>', payment_details: { type: 'konbini', store: 'lawson', email: 'x@example.com' } });
    const [mail] = (await mailsOf(m)).data;
    expect(mail.html).not.toContain('<img');
    expect(mail.html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });
});

describe('bank transfer and PayEasy instructions', () => {
  const CASES = [
    { locale: 'ja', label: '口座番号' },
    { locale: 'en', label: 'Account number' },
    { locale: 'ko', label: '계좌 번호' },
  ];
  for (const c of CASES) {
    it(`give the account to transfer to, in ${c.locale}`, async () => {
      const m = await h.merchant();
      const p = await pay(m, { locale: c.locale, payment_details: { type: 'bank_transfer', email: 'bank@example.com', ...PAYER } });
      const [mail] = (await mailsOf(m)).data;
      expect(mail).toMatchObject({ kind: 'instructions', locale: c.locale, to: 'bank@example.com' });
      for (const part of [mail.html, mail.text]) {
        expect(part).toContain(c.label);
        expect(part).toContain(p.payment_details.account_number);
        expect(part).toContain(p.payment_details.order_id);
      }
    });
  }

  it('give the PayEasy numbers', async () => {
    const m = await h.merchant();
    const p = await pay(m, { locale: 'en', payment_details: { type: 'pay_easy', email: 'easy@example.com', ...PAYER } });
    const [mail] = (await mailsOf(m)).data;
    expect(mail.kind).toBe('instructions');
    for (const key of ['bank_id', 'customer_id', 'confirmation_id']) expect(both(mail)).toContain(p.payment_details[key]);
  });
});

describe('receipts', () => {
  const CASES = [
    { locale: 'ja', subject: 'お支払い完了のお知らせ' },
    { locale: 'en', subject: 'Receipt for your payment' },
    { locale: 'ko', subject: '결제 완료 안내' },
  ];
  for (const c of CASES) {
    it(`follow the customer paying a konbini payment, in ${c.locale}`, async () => {
      const m = await h.merchant();
      const p = await pay(m, { locale: c.locale, payment_details: { type: 'konbini', store: 'lawson', email: 'paid@example.com' } });
      expect((await api(m).post(`/api/v1/test_helpers/payments/${p.id}/pay`)).status).toBe(200);
      const list = await mailsOf(m, `?payment=${p.id}`);
      expect(list.data.map((mail: any) => mail.kind)).toEqual(['receipt', 'instructions']);
      expect(list.data[0].subject).toContain(c.subject);
      expect(list.data[0].locale).toBe(c.locale);
    });
  }

  it('of a card show its brand and last four digits, never the number', async () => {
    const m = await h.merchant();
    const p = await pay(m, { locale: 'en', payment_details: testCard({ email: 'card@example.com' }) });
    const [mail] = (await mailsOf(m)).data;
    expect(mail).toMatchObject({ kind: 'receipt', payment: p.id, to: 'card@example.com' });
    expect(both(mail)).toContain(`•••• ${p.payment_details.last_four_digits}`);
    const number = String(testCard().number);
    expect(both(mail)).not.toContain(number);
    expect(both(mail)).not.toContain(String(testCard().verification_value));
  });

  it("go to the customer's e-mail when the payment has none", async () => {
    const m = await h.merchant();
    const customer = await api(m).post('/api/v1/customers', { email: 'stored@example.com', payment_details: testCard() });
    expect(customer.status).toBe(200);
    const p = await pay(m, { customer: customer.body.id });
    const [mail] = (await mailsOf(m)).data;
    expect(mail).toMatchObject({ kind: 'receipt', payment: p.id, to: 'stored@example.com', locale: 'ja' });
  });

  it('follow a capture', async () => {
    const m = await h.merchant();
    const p = await pay(m, { capture: false, payment_details: testCard({ email: 'later@example.com' }) });
    expect((await mailsOf(m)).total).toBe(0);
    await api(m).post(`/api/v1/payments/${p.id}/capture`);
    expect((await mailsOf(m)).data.map((mail: any) => mail.kind)).toEqual(['receipt']);
  });
});

describe('refund notices', () => {
  const CASES = [
    { locale: 'ja', subject: '返金のお知らせ', amount: '¥300' },
    { locale: 'en', subject: 'Your payment was refunded', amount: '¥300' },
    { locale: 'ko', subject: '환불 안내', amount: '¥300' },
  ];
  for (const c of CASES) {
    it(`say how much was refunded, in ${c.locale}`, async () => {
      const m = await h.merchant();
      const p = await pay(m, { locale: c.locale, payment_details: testCard({ email: 'refund@example.com' }) });
      expect((await api(m).post(`/api/v1/payments/${p.id}/refund`, { amount: 300 })).status).toBe(200);
      const [mail] = (await mailsOf(m, '?per_page=1')).data;
      expect(mail).toMatchObject({ kind: 'refund', locale: c.locale, payment: p.id });
      expect(mail.subject).toContain(c.subject);
      for (const part of [mail.html, mail.text]) expect(part).toContain(c.amount);
    });
  }
});

describe('GET /api/v1/test_helpers/emails', () => {
  it('filters by recipient (any case) and payment, and pages like the other lists', async () => {
    const m = await h.merchant();
    const a = await pay(m, { payment_details: testCard({ email: 'Alice@Example.com' }) });
    const b = await pay(m, { payment_details: testCard({ email: 'bob@example.com' }) });
    await pay(m, { payment_details: testCard({ email: 'bob@example.com' }) });

    const alice = await mailsOf(m, '?recipient=alice@example.com');
    expect(alice.data.map((mail: any) => mail.payment)).toEqual([a.id]);
    const bobs = await mailsOf(m, '?recipient=bob@example.com&per_page=1&page=2');
    expect(bobs).toMatchObject({ total: 2, page: 2, per_page: 1, last_page: 2 });
    expect(bobs.data.map((mail: any) => mail.payment)).toEqual([b.id]);
    expect((await mailsOf(m, `?payment=${b.id}`)).data.map((mail: any) => mail.to)).toEqual(['bob@example.com']);
    expect((await mailsOf(m, '?recipient=nobody@example.com')).total).toBe(0);

    const one = await api(m).get(`/api/v1/test_helpers/emails/${alice.data[0].id}`);
    expect(one.status).toBe(200);
    expect(one.body).toEqual(alice.data[0]);
  });

  it("answers 404 for another merchant's mail, 422 for a bad page, 403 for live merchants and publishable keys", async () => {
    const m = await h.merchant();
    const other = await h.merchant();
    await pay(m, { payment_details: testCard({ email: 'mine@example.com' }) });
    const [mail] = (await mailsOf(m)).data;
    const foreign = await api(other).get(`/api/v1/test_helpers/emails/${mail.id}`);
    expect(foreign.status).toBe(404);
    expect(foreign.body.error).toMatchObject({ code: 'not_found', param: 'id' });
    expect((await mailsOf(other)).total).toBe(0);

    const bad = await api(m).get('/api/v1/test_helpers/emails?per_page=101');
    expect(bad.status).toBe(422);
    expect(bad.body.error.param).toBe('per_page');

    const live = await h.merchant({ mode: 'live' });
    expect((await api(live).get('/api/v1/test_helpers/emails')).status).toBe(403);
    expect((await h.request({ url: '/api/v1/test_helpers/emails', key: m.publishableKey })).status).toBe(403);
  });
});
