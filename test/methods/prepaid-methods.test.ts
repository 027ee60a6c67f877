import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { methodFor } from '../../src/methods';
import type { PrepaidRedemption } from '../../src/processors/processor';
import { startHarness, type ApiResponse, type Harness } from '../helpers/harness';

/**
 * Prepaid cards (web_money, net_cash, bit_cash, nanaco, steam_prepaid_card) and vouchers
 * (culture_voucher, happy_money, dospara) through the API: the documented test numbers
 * (seeds/002 "Test Cards": 1111111111111111 holds 2,000 yen; e…112 invalid; e…113 used (BitCash:
 * declined); e…114 declined), the 202 → PATCH → 200 continuation, BitCash's refusal to continue,
 * and that prepaid numbers and passwords stay out of responses, logs and the database.
 */

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const ISO_SECONDS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
const CARD = '1111111111111111';
/** "every other number has 2,000 yen too": distinct cards for the multi-card payments. */
const CARD_B = '2222222222222222';
const CARD_C = '3333333333333333';

type Api = Awaited<ReturnType<typeof merchantApi>>;

/** A fresh merchant and short calls as it: counts and lists see only this test's rows. */
async function merchantApi() {
  const m = await h.merchant();
  const key = m.secretKey;
  return {
    id: m.id,
    key,
    create: (body: Record<string, unknown>) => h.request({ method: 'POST', url: '/api/v1/payments', key, json: body }),
    patch: (id: string, body: Record<string, unknown>) => h.request({ method: 'PATCH', url: `/api/v1/payments/${id}`, key, json: body }),
    patchForm: (id: string, form: [string, string][]) => h.request({ method: 'PATCH', url: `/api/v1/payments/${id}`, key, form }),
    get: (url: string) => h.request({ url, key }),
    post: (url: string, json: unknown = {}) => h.request({ method: 'POST', url, key, json }),
    async payments(): Promise<any[]> {
      const res = await h.request({ url: '/api/v1/payments?per_page=100', key });
      expect(res.status, res.text).toBe(200);
      return res.body.data;
    },
    /** Event types of one payment, oldest first. */
    async eventTypes(id: string): Promise<string[]> {
      const res = await h.request({ url: `/api/v1/events?resource_id=${id}&per_page=100`, key });
      expect(res.status, res.text).toBe(200);
      return (res.body.data as { type: string; created_at: string }[]).map((e) => e.type).reverse();
    },
  };
}

function prepaid(type: string, prepaid_number: string, amount: number, extra: Record<string, unknown> = {}) {
  return { amount, currency: 'JPY', payment_details: { type, prepaid_number, email: 'test@example.com' }, ...extra };
}

function expectError(res: ApiResponse, status: number, code: string, param?: string | null) {
  expect(res.status, res.text).toBe(status);
  expect(Object.keys(res.body)).toEqual(['error']);
  expect(res.body.error.code, res.text).toBe(code);
  if (param !== undefined) expect(res.body.error.param).toBe(param);
}

/** Wraps the harness processor's redeemPrepaid to record every request and answer. */
function spyRedemptions() {
  const processor = h.services.processor;
  const original = processor.redeemPrepaid;
  const calls: { request: PrepaidRedemption; result: Awaited<ReturnType<typeof original>> }[] = [];
  processor.redeemPrepaid = async (request) => {
    const result = await original.call(processor, request);
    calls.push({ request: { ...request }, result });
    return result;
  };
  return { calls, restore: () => void (processor.redeemPrepaid = original) };
}

describe('documented test numbers (seeds/002 "Test Cards")', () => {
  /** The seed's tables, written out here rather than read from src. */
  const DOCUMENTED: [type: string, number: string, outcome: string][] = [
    ['web_money', '1111111111111111', 'captured'],
    ['web_money', 'e111111111111112', 'invalid_number'],
    ['web_money', 'e111111111111113', 'used_number'],
    ['web_money', 'e111111111111114', 'card_declined'],
    ['net_cash', '1111111111111111', 'captured'],
    ['bit_cash', '1111111111111111', 'captured'],
    ['bit_cash', 'e111111111111112', 'invalid_number'],
    ['bit_cash', 'e111111111111113', 'card_declined'],
    ['nanaco', '1111111111111111', 'captured'],
    ['steam_prepaid_card', '1111111111111111', 'captured'],
  ];

  it.each(DOCUMENTED)('%s %s → %s', async (type, number, outcome) => {
    const api = await merchantApi();
    const res = await api.create(prepaid(type, number, 1000));
    if (outcome === 'captured') {
      expect(res.status, res.text).toBe(200);
      expect(res.body).toMatchObject({ status: 'captured', total: 1100, currency: 'JPY' });
      expect(res.body.captured_at).toMatch(ISO_SECONDS);
      expect(await api.eventTypes(res.body.id)).toEqual(['payment.captured']);
    } else {
      expectError(res, 502, outcome, null);
      // A decline is a state: the payment is recorded as failed, with its event, nothing captured.
      const [payment] = await api.payments();
      expect(payment).toMatchObject({ status: 'failed', payment_details: { type }, captured_at: null });
      expect(await api.eventTypes(payment.id)).toEqual(['payment.failed']);
    }
    expect(res.text).not.toContain(number);
  });

  it('each method declares the documented numbers among its test scenarios', () => {
    for (const [type, number, outcome] of DOCUMENTED) {
      const scenarios = methodFor(type)!.testScenarios;
      expect(scenarios, `${type} ${number}`).toContainEqual(expect.objectContaining({ input: { prepaid_number: number }, outcome }));
    }
  });

  it.each(['web_money', 'net_cash', 'bit_cash', 'nanaco', 'steam_prepaid_card', 'culture_voucher', 'happy_money', 'dospara'])(
    "every test scenario %s declares happens through the API",
    async (type) => {
      const method = methodFor(type)!;
      expect(method.testScenarios.length).toBeGreaterThan(0);
      const api = await merchantApi();
      for (const scenario of method.testScenarios) {
        const currency = method.currencies === 'all' ? 'JPY' : method.currencies[0];
        const res = await api.create({ amount: 1000, currency, payment_details: { type, ...scenario.input } });
        if (scenario.outcome === 'captured') {
          expect(res.status, res.text).toBe(200);
          expect(res.body.status).toBe('captured');
        } else {
          expectError(res, 502, scenario.outcome);
        }
      }
    },
  );

  it('the 2,000-yen card covers exactly 2,000 yen', async () => {
    const api = await merchantApi();
    const full = await api.create(prepaid('web_money', CARD, 2000, { tax: 0 }));
    expect(full.status, full.text).toBe(200);
    expect(full.body.payment_details).toEqual({
      type: 'web_money',
      email: 'test@example.com',
      short_amount: 0,
      prepaid_cards: [{ last_four_digits: '1111', points: 2000 }],
    });
    const over = await api.create(prepaid('web_money', CARD, 2001, { tax: 0 }));
    expect(over.status, over.text).toBe(202);
    expect(over.body.payment_details).toMatchObject({ short_amount: 1, prepaid_cards: [{ last_four_digits: '1111', points: 2000 }] });
  });
});

describe.each(['web_money', 'net_cash'])('%s: a short card continues through PATCH (202 → 200)', (type) => {
  it('takes three cards for a 5,000-yen total; payment.captured only at the end', async () => {
    const api = await merchantApi();
    const first = await api.create(prepaid(type, CARD, 5000, { tax: 0 }));
    expect(first.status, first.text).toBe(202);
    expect(first.body).toMatchObject({ status: 'pending', total: 5000, captured_at: null });
    expect(first.body.payment_details).toEqual({
      type,
      email: 'test@example.com',
      short_amount: 3000,
      prepaid_cards: [{ last_four_digits: '1111', points: 2000 }],
    });
    const id = first.body.id;
    expect(await api.eventTypes(id)).not.toContain('payment.captured');

    // The seed's form: payment_details[prepaid_number]=XXXXXXXXXXXX.
    const second = await api.patchForm(id, [['payment_details[prepaid_number]', CARD_B]]);
    expect(second.status, second.text).toBe(202);
    expect(second.body).toMatchObject({ id, status: 'pending', captured_at: null });
    expect(second.body.payment_details).toEqual({
      type,
      email: 'test@example.com',
      short_amount: 1000,
      prepaid_cards: [
        { last_four_digits: '1111', points: 2000 },
        { last_four_digits: '2222', points: 2000 },
      ],
    });
    expect(await api.eventTypes(id)).not.toContain('payment.captured');

    const third = await api.patch(id, { payment_details: { prepaid_number: CARD_C } });
    expect(third.status, third.text).toBe(200);
    expect(third.body).toMatchObject({ id, status: 'captured', amount: 5000, total: 5000 });
    expect(third.body.captured_at).toMatch(ISO_SECONDS);
    expect(third.body.payment_details).toEqual({
      type,
      email: 'test@example.com',
      short_amount: 0,
      prepaid_cards: [
        { last_four_digits: '1111', points: 2000 },
        { last_four_digits: '2222', points: 2000 },
        { last_four_digits: '3333', points: 1000 },
      ],
    });
    expect((await api.get(`/api/v1/payments/${id}`)).body).toEqual(third.body);

    const events = await api.eventTypes(id);
    expect(events.filter((e) => e === 'payment.captured')).toHaveLength(1);
    expect(events.at(-1)).toBe('payment.captured');
    expect(events).not.toContain('payment.failed');
    for (const number of [CARD, CARD_B, CARD_C]) {
      expect(first.text + second.text + third.text).not.toContain(number);
    }
  });

  it('a declined card during continuation answers 502 and leaves the payment pending as it was', async () => {
    const api = await merchantApi();
    const first = await api.create(prepaid(type, CARD, 3000, { tax: 0 }));
    expect(first.status, first.text).toBe(202);
    const id = first.body.id;
    const before = (await api.get(`/api/v1/payments/${id}`)).body;

    expectError(await api.patch(id, { payment_details: { prepaid_number: 'e111111111111114' } }), 502, 'card_declined');
    expectError(await api.patch(id, { payment_details: { prepaid_number: 'e111111111111112' } }), 502, 'invalid_number');
    const after = (await api.get(`/api/v1/payments/${id}`)).body;
    expect(after).toEqual(before);
    expect(after).toMatchObject({ status: 'pending', payment_details: { short_amount: 1000, prepaid_cards: [{ last_four_digits: '1111', points: 2000 }] } });
    expect(await api.eventTypes(id)).not.toContain('payment.failed');

    const done = await api.patch(id, { payment_details: { prepaid_number: CARD_B } });
    expect(done.status, done.text).toBe(200);
    expect(done.body).toMatchObject({ status: 'captured', payment_details: { short_amount: 0 } });
    expect(done.body.payment_details.prepaid_cards).toEqual([
      { last_four_digits: '1111', points: 2000 },
      { last_four_digits: '2222', points: 1000 },
    ]);
  });

  it('refuses to continue a captured payment (422) and leaves it unchanged', async () => {
    const api = await merchantApi();
    const paid = await api.create(prepaid(type, CARD, 1000));
    expect(paid.status, paid.text).toBe(200);
    expectError(await api.patch(paid.body.id, { payment_details: { prepaid_number: CARD_B } }), 422, 'invalid_parameter', 'payment_details');
    expect((await api.get(`/api/v1/payments/${paid.body.id}`)).body).toEqual(paid.body);
  });

  it('checks the continuing card like the first (type, number format)', async () => {
    const api = await merchantApi();
    const first = await api.create(prepaid(type, CARD, 3000, { tax: 0 }));
    const id = first.body.id;
    expectError(await api.patch(id, { payment_details: { prepaid_number: '12345' } }), 422, 'invalid_parameter', 'payment_details.prepaid_number');
    expectError(await api.patch(id, { payment_details: {} }), 422, 'missing_parameter', 'payment_details.prepaid_number');
    expectError(await api.patch(id, { payment_details: { type: 'bit_cash', prepaid_number: CARD_B } }), 422, 'invalid_payment_type', 'payment_details.type');
    expect((await api.get(`/api/v1/payments/${id}`)).body.payment_details.short_amount).toBe(1000);
  });
});

describe('nanaco and Steam continue like WebMoney (our reading; the seed is silent)', () => {
  it.each(['nanaco', 'steam_prepaid_card'])('%s: 202 with short_amount, then PATCH captures', async (type) => {
    const api = await merchantApi();
    const first = await api.create(prepaid(type, CARD, 2500, { tax: 0 }));
    expect(first.status, first.text).toBe(202);
    expect(first.body.payment_details).toMatchObject({ short_amount: 500 });
    const done = await api.patch(first.body.id, { payment_details: { prepaid_number: CARD_B } });
    expect(done.status, done.text).toBe(200);
    expect(done.body.payment_details.prepaid_cards).toEqual([
      { last_four_digits: '1111', points: 2000 },
      { last_four_digits: '2222', points: 500 },
    ]);
  });

  it('Steam refuses prepaid_numbers (several cards at once) rather than ignoring it', async () => {
    const api = await merchantApi();
    const res = await api.create({ amount: 1000, currency: 'JPY', payment_details: { type: 'steam_prepaid_card', prepaid_number: CARD, prepaid_numbers: [CARD_B] } });
    expectError(res, 422, 'invalid_parameter', 'payment_details.prepaid_numbers');
    expect(await api.payments()).toEqual([]);
  });
});

describe('BitCash does not continue', () => {
  it('a balance short of the total is declined insufficient_funds (502) and spends nothing', async () => {
    const api = await merchantApi();
    const spy = spyRedemptions();
    let res: ApiResponse;
    try {
      res = await api.create(prepaid('bit_cash', CARD, 2500, { tax: 0 }));
    } finally {
      spy.restore();
    }
    expectError(res, 502, 'insufficient_funds', null);
    // One all-or-nothing request for the whole total, refused: nothing was taken from the card.
    expect(spy.calls).toHaveLength(1);
    expect(spy.calls[0].request).toMatchObject({ type: 'bit_cash', amount: 2500, partial: false });
    expect(spy.calls[0].result).toEqual({ approved: false, code: 'insufficient_funds' });

    const [payment] = await api.payments();
    expect(payment).toMatchObject({ status: 'failed', captured_at: null, payment_details: { type: 'bit_cash', email: 'test@example.com' } });
    expect(Object.keys(payment.payment_details).sort()).toEqual(['email', 'type']);
    expect(await api.eventTypes(payment.id)).toEqual(['payment.failed']);
  });

  it('shows type and email only, and PATCH with another card is refused (422)', async () => {
    const api = await merchantApi();
    const res = await api.create(prepaid('bit_cash', CARD, 1000));
    expect(res.status, res.text).toBe(200);
    expect(res.body.payment_details).toEqual({ type: 'bit_cash', email: 'test@example.com' });
    expectError(await api.patch(res.body.id, { payment_details: { prepaid_number: CARD_B } }), 422, 'invalid_parameter', 'payment_details');
  });

  it('multi-card methods ask the issuer for what the card covers (partial), BitCash for all or nothing', async () => {
    const api = await merchantApi();
    const spy = spyRedemptions();
    try {
      await api.create(prepaid('web_money', CARD, 1000));
      await api.create(prepaid('bit_cash', CARD, 1000));
    } finally {
      spy.restore();
    }
    expect(spy.calls.map((c) => [c.request.type, c.request.amount, c.request.partial])).toEqual([
      ['web_money', 1100, true],
      ['bit_cash', 1100, false],
    ]);
  });
});

describe('vouchers and Dospara', () => {
  const CASES = [
    ['culture_voucher', 'KRW', 'culture_id', 'culture_password'],
    ['happy_money', 'KRW', 'happy_money_id', 'happy_money_password'],
    ['dospara', 'JPY', 'user_no', 'user_password'],
  ] as const;

  it.each(CASES)('%s: captured in %s, shows the id, never the password', async (type, currency, idField, passwordField) => {
    const api = await merchantApi();
    const password = `pw-${type}-Zq81`;
    const res = await api.create({ amount: 1000, currency, payment_details: { type, [idField]: '11111111', [passwordField]: password } });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ status: 'captured', currency, amount: 1000, tax: 100, total: 1100, payment_deadline: null });
    expect(res.body.payment_details).toEqual({ type, email: null, [idField]: '11111111' });
    const everything = [
      res.text,
      (await api.get(`/api/v1/payments/${res.body.id}`)).text,
      (await api.get('/api/v1/payments')).text,
      (await api.get(`/api/v1/events?resource_id=${res.body.id}`)).text,
    ].join('\n');
    expect(everything).not.toContain(password);
    expect(everything).not.toContain(passwordField);
  });

  it.each(CASES)('%s: the password is required; other currencies are refused', async (type, currency, idField, passwordField) => {
    const api = await merchantApi();
    expectError(
      await api.create({ amount: 1000, currency, payment_details: { type, [idField]: '11111111' } }),
      422,
      'missing_parameter',
      `payment_details.${passwordField}`,
    );
    const other = currency === 'KRW' ? 'JPY' : 'KRW';
    expectError(
      await api.create({ amount: 1000, currency: other, payment_details: { type, [idField]: '1', [passwordField]: '1' } }),
      422,
      'invalid_currency',
      'currency',
    );
  });

  it.each(CASES)('%s: a balance short of the total is declined, nothing captured', async (type, currency, idField, passwordField) => {
    const api = await merchantApi();
    const res = await api.create({ amount: 5000, currency, payment_details: { type, [idField]: '11111111', [passwordField]: 'x' } });
    expectError(res, 502, 'insufficient_funds');
    const [payment] = await api.payments();
    expect(payment).toMatchObject({ status: 'failed', captured_at: null });
  });
});

describe('request validation', () => {
  it('accepts a number typed with spaces or dashes and shows its last four', async () => {
    const api = await merchantApi();
    const res = await api.create(prepaid('web_money', '1111-2222 3333-4444', 1000));
    expect(res.status, res.text).toBe(200);
    expect(res.body.payment_details.prepaid_cards).toEqual([{ last_four_digits: '4444', points: 1100 }]);
  });

  it.each(['111111111111111', '11111111111111111', '1111111111111!11'])('refuses the prepaid number %s (not 16 letters or digits)', async (number) => {
    const api = await merchantApi();
    expectError(await api.create(prepaid('web_money', number, 1000)), 422, 'invalid_parameter', 'payment_details.prepaid_number');
    expect(await api.payments()).toEqual([]);
  });

  it.each(['web_money', 'net_cash', 'bit_cash', 'nanaco', 'steam_prepaid_card'])('%s: prepaid_number is required; JPY only', async (type) => {
    const api = await merchantApi();
    expectError(await api.create({ amount: 1000, currency: 'JPY', payment_details: { type } }), 422, 'missing_parameter', 'payment_details.prepaid_number');
    expectError(await api.create(prepaid(type, CARD, 1000, { currency: 'USD' })), 422, 'invalid_currency', 'currency');
  });

  it('takes the top-level email when payment_details has none', async () => {
    const api = await merchantApi();
    const res = await api.create({ amount: 1000, currency: 'JPY', email: 'top@example.com', payment_details: { type: 'bit_cash', prepaid_number: CARD } });
    expect(res.status, res.text).toBe(200);
    expect(res.body.payment_details).toEqual({ type: 'bit_cash', email: 'top@example.com' });
  });
});

describe('payment_deadline (as the seed examples show it)', () => {
  it.each(['web_money', 'bit_cash', 'steam_prepaid_card'])('%s: null', async (type) => {
    const api = await merchantApi();
    const res = await api.create(prepaid(type, CARD, 1000));
    expect(res.status, res.text).toBe(200);
    expect(res.body.payment_deadline).toBeNull();
  });

  it.each(['net_cash', 'nanaco'])('%s: exactly 7 days after created_at', async (type) => {
    const api = await merchantApi();
    const res = await api.create(prepaid(type, CARD, 1000));
    expect(res.status, res.text).toBe(200);
    expect(res.body.payment_deadline).toMatch(ISO_SECONDS);
    expect(Date.parse(res.body.payment_deadline) - Date.parse(res.body.created_at)).toBe(7 * 86_400_000);
  });
});

describe('refunds', () => {
  it.each([
    ['web_money', { amount: 1000, currency: 'JPY', payment_details: { type: 'web_money', prepaid_number: CARD } }],
    ['culture_voucher', { amount: 1000, currency: 'KRW', payment_details: { type: 'culture_voucher', culture_id: '1', culture_password: '1' } }],
  ])('a captured %s payment refunds through /refund', async (_type, body) => {
    const api = await merchantApi();
    const paid = await api.create(body);
    expect(paid.status, paid.text).toBe(200);
    const partial = await api.post(`/api/v1/payments/${paid.body.id}/refund`, { amount: 100 });
    expect(partial.status, partial.text).toBe(200);
    expect(partial.body).toMatchObject({ status: 'captured', amount_refunded: 100 });
    const rest = await api.post(`/api/v1/payments/${paid.body.id}/refund`);
    expect(rest.body).toMatchObject({ status: 'refunded', amount_refunded: 1100 });
  });
});

describe('secrets at rest', () => {
  /** Distinctive values, so a match anywhere in the database can only be a leak. */
  const SECRET_CARDS = ['7391824650192837', '5820193746501928', '6402917358201746', '9182736450918273'];
  const SECRET_PASSWORDS = ['culture-Pw-7Xq2', 'happy-Pw-9Lm4', 'dospara-Pw-3Rt8'];

  /** Every row of every table of this database, as text. */
  async function dumpDatabase(): Promise<string> {
    const tables = await sql<{ table_name: string }>`
      select table_name from information_schema.tables
      where table_schema = current_schema() and table_type = 'BASE TABLE'`.execute(h.store.db);
    expect(tables.rows.map((t) => t.table_name)).toContain('payments');
    const parts: string[] = [];
    for (const { table_name } of tables.rows) {
      const rows = await sql<{ row: string }>`select t::text as row from ${sql.table(table_name)} t`.execute(h.store.db);
      parts.push(...rows.rows.map((r) => `${table_name}: ${r.row}`));
    }
    return parts.join('\n');
  }

  it('finds no prepaid number or password in clear in any table or log line; the numbers are sealed', async () => {
    const api = await merchantApi();
    const [a, b, c, d] = SECRET_CARDS;
    // A three-card WebMoney payment (one card through a form PATCH), with an idempotency key.
    const first = await h.request({
      method: 'POST',
      url: '/api/v1/payments',
      key: api.key,
      headers: { 'x-komoju-idempotency': 'prepaid-secrets-1' },
      json: prepaid('web_money', a, 5000, { tax: 0 }),
    });
    expect(first.status, first.text).toBe(202);
    expect((await api.patchForm(first.body.id, [['payment_details[prepaid_number]', b]])).status).toBe(202);
    expect((await api.patch(first.body.id, { payment_details: { prepaid_number: c } })).status).toBe(200);
    expect((await api.create(prepaid('bit_cash', d, 1000))).status).toBe(200);
    const vouchers = [
      { amount: 1000, currency: 'KRW', payment_details: { type: 'culture_voucher', culture_id: 'cv-id-1', culture_password: SECRET_PASSWORDS[0] } },
      { amount: 1000, currency: 'KRW', payment_details: { type: 'happy_money', happy_money_id: 'hm-id-1', happy_money_password: SECRET_PASSWORDS[1] } },
      { amount: 1000, currency: 'JPY', payment_details: { type: 'dospara', user_no: '12345', user_password: SECRET_PASSWORDS[2] } },
    ];
    for (const body of vouchers) expect((await api.create(body)).status).toBe(200);
    // A declined voucher is recorded too (failed): still no password.
    expect((await api.create({ ...vouchers[0], amount: 9000 })).status).toBe(502);

    const dump = await dumpDatabase();
    expect(dump).toContain(first.body.id);
    for (const secret of [...SECRET_CARDS, ...SECRET_PASSWORDS]) {
      expect(dump, secret).not.toContain(secret);
      expect(h.logs.join('\n'), secret).not.toContain(secret);
    }

    // Kept, but only sealed: each card of the continued payment under its own key; no password kept.
    const rows = await h.store.db.selectFrom('payments').select(['id', 'payment_type', 'secret_details']).where('id', '=', first.body.id).execute();
    const sealed = h.services.vault.open(rows[0].secret_details!);
    expect(Object.keys(sealed).sort()).toEqual(['prepaid_card_1', 'prepaid_card_2', 'prepaid_card_3']);
    expect([1, 2, 3].map((i) => (sealed[`prepaid_card_${i}`] as { number: string }).number)).toEqual([a, b, c]);
    const voucherRows = await h.store.db
      .selectFrom('payments')
      .select(['payment_type', 'secret_details'])
      .where('merchant_id', '=', api.id)
      .where('payment_type', 'in', ['culture_voucher', 'happy_money', 'dospara'])
      .where('status', '=', 'captured')
      .execute();
    expect(voucherRows).toHaveLength(3);
    for (const row of voucherRows) {
      const opened = JSON.stringify(h.services.vault.open(row.secret_details!));
      for (const password of SECRET_PASSWORDS) expect(opened).not.toContain(password);
    }
  });
});
