import { execFileSync } from 'node:child_process';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, testCard, usingPostgres, type Harness, type TestMerchant } from '../helpers/harness';

/**
 * After tokens of every kind (cards, prepaid numbers, voucher passwords, a birthday), customers,
 * secure tokens and the payments made with them — used, unused, expired, refused — neither the
 * database (every row of every table, and pg_dump's output on PostgreSQL) nor the log holds a
 * card number, CVV, prepaid number, password or birthday in clear.
 */

let h: Harness;
let m: TestMerchant;

const CARDS = {
  master: { number: '5555555555554444', typed: '5555 5555 5555 4444', cvv: '987' },
  amex: { number: '378282246310005', cvv: '9876' },
  jcb: { number: '3530111333300000', cvv: '987' },
  challenge: { number: '4100000000005000', cvv: '9876' },
  unused: { number: '5100000000000107', cvv: '987' },
};
/** Distinctive values for every other secret a token can hold. */
const PREPAID = { web_money: 'WM58230177492613', bit_cash: 'BC77319466520182', nanaco: 'NC44192733655017', expired: 'WM99027188344105' };
const PASSWORDS = ['CV-PW-771845', 'HM-PW-330917', 'DP-PW-662014'];
const BIRTHDAY = '870415';

const IN_CLEAR = [...Object.values(CARDS).map((c) => c.number), CARDS.master.typed, ...Object.values(PREPAID), ...PASSWORDS];
const CVVS = ['987', '9876'];

/** True when `value` stands alone (a JSON or form value, a log field), not inside an id, digest or ciphertext. */
function containsStandalone(text: string, value: string): boolean {
  return new RegExp(`(?<![0-9A-Za-z._:+-])${value}(?![0-9A-Za-z._:+-])`).test(text);
}

async function tokenOf(details: Record<string, unknown>, form = false): Promise<string> {
  const res = form
    ? await h.request({ method: 'POST', url: '/api/v1/tokens', key: m.publishableKey, form: { payment_details: details } })
    : await h.request({ method: 'POST', url: '/api/v1/tokens', key: m.publishableKey, json: { payment_details: details }, headers: { 'X-KOMOJU-IDEMPOTENCY': `t-${String(details.type)}-${Math.random()}` } });
  expect(res.status, res.text).toBe(200);
  return res.body.id;
}

async function pay(body: Record<string, unknown>) {
  return h.request({ method: 'POST', url: '/api/v1/payments', key: m.secretKey, json: { amount: 1000, currency: 'JPY', ...body } });
}

beforeAll(async () => {
  h = await startHarness();
  m = await h.merchant();

  // Used tokens: a card typed with spaces, sent as a form; prepaid cards; vouchers; a birthday.
  const used: [string, string][] = [
    [await tokenOf(testCard({ number: CARDS.master.typed, verification_value: CARDS.master.cvv }), true), 'JPY'],
    [await tokenOf(testCard({ number: CARDS.amex.number, verification_value: CARDS.amex.cvv })), 'JPY'],
    [await tokenOf({ type: 'web_money', prepaid_number: PREPAID.web_money, email: 'a@example.com' }), 'JPY'],
    [await tokenOf({ type: 'bit_cash', prepaid_number: PREPAID.bit_cash }), 'JPY'],
    [await tokenOf({ type: 'nanaco', prepaid_number: PREPAID.nanaco }), 'JPY'],
    [await tokenOf({ type: 'culture_voucher', culture_id: 'CV-ID-550193', culture_password: PASSWORDS[0] }, true), 'KRW'],
    [await tokenOf({ type: 'happy_money', happy_money_id: 'HM-ID-118203', happy_money_password: PASSWORDS[1] }), 'KRW'],
    [await tokenOf({ type: 'dospara', user_no: 'DP-NO-440912', user_password: PASSWORDS[2] }), 'JPY'],
    [await tokenOf({ type: 'toss', birthday: BIRTHDAY }), 'KRW'],
  ];
  for (const [id, currency] of used) {
    const res = await pay({ payment_details: id, currency });
    expect([200, 202], res.text).toContain(res.status);
  }
  // A token that expires (erased by the sweep when the clock moves, below).
  const expiring = await tokenOf({ type: 'web_money', prepaid_number: PREPAID.expired });

  // A customer from a card hash with its CVV, paid with twice.
  const customer = await h.request({ method: 'POST', url: '/api/v1/customers', key: m.secretKey, json: { payment_details: testCard({ number: CARDS.jcb.number, verification_value: CARDS.jcb.cvv }) } });
  expect(customer.status, customer.text).toBe(200);
  for (let i = 0; i < 2; i++) expect((await pay({ customer: customer.body.id })).status).toBe(200);

  // A secure token through its challenge, then paid.
  const secure = await h.request({
    method: 'POST',
    url: '/api/v1/secure_tokens',
    key: m.publishableKey,
    json: { amount: 1000, currency: 'JPY', return_url: 'https://shop.example/done', payment_details: testCard({ number: CARDS.challenge.number, verification_value: CARDS.challenge.cvv }) },
  });
  expect(secure.status, secure.text).toBe(200);
  await h.request({ method: 'POST', url: '/three_d_secure_service/offsite', form: { token: secure.body.id, password: '123456' } });
  expect((await pay({ payment_details: secure.body.id })).status).toBe(200);

  // Refused requests, whose bodies held the numbers too.
  expect((await h.request({ method: 'POST', url: '/api/v1/tokens', key: m.publishableKey, json: { payment_details: testCard({ number: CARDS.amex.number, verification_value: CARDS.amex.cvv, year: 2001 }) } })).status).toBe(422);
  expect((await h.request({ method: 'POST', url: '/api/v1/customers', key: m.publishableKey, json: { payment_details: testCard({ number: CARDS.jcb.number }) } })).status).toBe(403);

  await h.request({ method: 'POST', url: '/api/v1/test_helpers/clock/advance', key: m.secretKey, json: { seconds: 31 * 86400 } });
  expectExpiredErased = expiring;
  // And one made after that, unused: its details stay sealed.
  await tokenOf(testCard({ number: CARDS.unused.number, verification_value: CARDS.unused.cvv }));
});
afterAll(() => h.close());

let expectExpiredErased = '';

/** Every row of every table of this test's schema, as JSON text — and pg_dump's output on PostgreSQL. */
async function dumpDatabase(): Promise<string[]> {
  const { rows: tables } = await sql<{ table_name: string }>`
    SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'
  `.execute(h.store.db);
  const dump: string[] = [];
  for (const { table_name } of tables) {
    const { rows } = await sql<{ row: string }>`SELECT row_to_json(t)::text AS row FROM ${sql.table(table_name)} t`.execute(h.store.db);
    dump.push(...rows.map((r) => `${table_name}: ${r.row}`));
  }
  if (usingPostgres) {
    const { rows } = await sql<{ schema: string }>`SELECT current_schema() AS schema`.execute(h.store.db);
    dump.push(execFileSync('pg_dump', ['--data-only', `--schema=${rows[0].schema}`, process.env.DATABASE_URL!], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 }));
  }
  return dump;
}

describe('after tokens, customers and secure tokens', () => {
  it('the database holds no card number, CVV, prepaid number, password or birthday in clear', async () => {
    const dump = await dumpDatabase();
    expect(dump.some((row) => row.startsWith('tokens: '))).toBe(true);
    expect(dump.some((row) => row.startsWith('customers: '))).toBe(true);
    for (const row of dump) {
      for (const secret of IN_CLEAR) expect(row, `holds ${secret}`).not.toContain(secret);
      for (const cvv of CVVS) expect(containsStandalone(row, cvv), `holds CVV ${cvv}: ${row.slice(0, 300)}`).toBe(false);
      expect(containsStandalone(row, BIRTHDAY), 'holds the birthday').toBe(false);
      expect(row).not.toContain('verification_value');
    }
  });

  it('erased the secrets of every used and expired token, and kept the unused one sealed', async () => {
    const tokens = await h.store.db.selectFrom('tokens').select(['id', 'secret_details', 'used_at']).where('merchant_id', '=', m.id).execute();
    for (const token of tokens.filter((t) => t.used_at !== null)) expect(token.secret_details).toBeNull();
    expect(tokens.find((t) => t.id === expectExpiredErased)?.secret_details).toBeNull();
    const sealed = tokens.filter((t) => t.secret_details !== null);
    expect(sealed).toHaveLength(1);
    expect(h.services.vault.open(sealed[0].secret_details!)).toMatchObject({ number: CARDS.unused.number, verification_value: CARDS.unused.cvv });
  });

  it('the log holds none of them either', () => {
    const log = h.logs.join('');
    expect(log).toContain('/api/v1/tokens');
    for (const secret of IN_CLEAR) expect(log).not.toContain(secret);
    for (const cvv of CVVS) expect(containsStandalone(log, cvv), `CVV ${cvv} in the log`).toBe(false);
    expect(containsStandalone(log, BIRTHDAY)).toBe(false);
  });
});
