import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, testCard, type Harness, type TestMerchant } from '../helpers/harness';

/**
 * After card payments of every kind, the database and the log hold no full card number and no
 * CVV, yet the vault can still recover the number: it is encrypted, not deleted.
 */

let h: Harness;
let m: TestMerchant;
const ids: Record<string, string> = {};

/** The seed's example card, with its CVV 123 (too common to grep for; checked through the vault). */
const SEED_CARD = { number: '4111111111111111', cvv: '123' };
/** Distinctive CVVs: a 3-digit one and a 4-digit (American Express) one. */
const CARDS = {
  master: { number: '5555555555554444', typed: '5555 5555 5555 4444', cvv: '987' },
  amex: { number: '378282246310005', cvv: '9876' },
  jcb: { number: '3530111333300000', cvv: '987' },
  declined: { number: '4123111111111059', cvv: '987' },
  insufficient: { number: '4123111111111000', cvv: '9876' },
};
const ALL_NUMBERS = [SEED_CARD.number, CARDS.master.typed, ...Object.values(CARDS).map((c) => c.number)];
const DISTINCT_CVVS = ['987', '9876'];

/**
 * True when `cvv` stands alone in `text` (as a JSON value, a form value or a log field), not as
 * part of an id, a hex digest, base64 ciphertext or a timestamp's milliseconds.
 */
function containsStandalone(text: string, cvv: string): boolean {
  return new RegExp(`(?<![0-9A-Za-z._:+-])${cvv}(?![0-9A-Za-z._:+-])`).test(text);
}

async function pay(body: Record<string, unknown>, extra: { form?: boolean; headers?: Record<string, string> } = {}) {
  const payload = { amount: 1000, currency: 'JPY', ...body };
  return extra.form
    ? h.request({ method: 'POST', url: '/api/v1/payments', key: m.secretKey, form: payload, headers: extra.headers })
    : h.request({ method: 'POST', url: '/api/v1/payments', key: m.secretKey, json: payload, headers: extra.headers });
}

/** Every row of every table in the schema, as JSON text. */
async function dumpDatabase(): Promise<Record<string, string[]>> {
  const { rows: tables } = await sql<{ table_name: string }>`
    SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'
  `.execute(h.store.db);
  const dump: Record<string, string[]> = {};
  for (const { table_name } of tables) {
    const { rows } = await sql<{ row: string }>`SELECT row_to_json(t)::text AS row FROM ${sql.table(table_name)} t`.execute(h.store.db);
    dump[table_name] = rows.map((r) => r.row);
  }
  return dump;
}

beforeAll(async () => {
  h = await startHarness();
  m = await h.merchant();

  const seed = await pay({ payment_details: testCard({ number: SEED_CARD.number, verification_value: SEED_CARD.cvv }) });
  expect(seed.status, seed.text).toBe(200);
  ids.seed = seed.body.id;

  // Form-encoded, as curl -d sends it, with the number typed with spaces; idempotent, so the
  // stored response is in the database too.
  const master = await pay(
    { payment_details: testCard({ number: CARDS.master.typed, verification_value: CARDS.master.cvv }) },
    { form: true, headers: { 'X-KOMOJU-IDEMPOTENCY': 'secrets-master' } },
  );
  expect(master.status, master.text).toBe(200);
  ids.master = master.body.id;

  const amex = await pay({ capture: false, payment_details: testCard({ number: CARDS.amex.number, verification_value: CARDS.amex.cvv }) });
  expect(amex.status, amex.text).toBe(200);
  ids.amex = amex.body.id;
  await h.request({ method: 'POST', url: `/api/v1/payments/${amex.body.id}/capture`, key: m.secretKey, json: {} });
  await h.request({ method: 'POST', url: `/api/v1/payments/${amex.body.id}/refund`, key: m.secretKey, json: { amount: 100 } });

  const jcb = await pay({ payment_details: testCard({ number: CARDS.jcb.number, verification_value: CARDS.jcb.cvv }), fraud_details: { customer_ip: '192.0.2.1', customer_email: 'a@example.com' } });
  expect(jcb.status, jcb.text).toBe(200);

  // Declines: recorded as failed payments, answered 502; one of them idempotent.
  const declined = await pay(
    { payment_details: testCard({ number: CARDS.declined.number, verification_value: CARDS.declined.cvv }) },
    { headers: { 'X-KOMOJU-IDEMPOTENCY': 'secrets-declined' } },
  );
  expect(declined.status, declined.text).toBe(502);
  const insufficient = await pay({ payment_details: testCard({ number: CARDS.insufficient.number, verification_value: CARDS.insufficient.cvv }) }, { form: true });
  expect(insufficient.status, insufficient.text).toBe(502);

  // Rejected before anything is written (expired card), and a forced test scenario.
  const expired = await pay({ payment_details: testCard({ number: CARDS.master.number, verification_value: CARDS.master.cvv, year: 2001 }) });
  expect(expired.status, expired.text).toBe(422);
  const forced = await pay({ payment_details: testCard({ number: CARDS.jcb.number, verification_value: CARDS.jcb.cvv }) }, { headers: { 'Komoju-Scenario': 'card_declined' } });
  expect(forced.status, forced.text).toBe(502);
});
afterAll(() => h.close());

describe('the database', () => {
  it('holds no full card number and no CVV in any row of any table', async () => {
    const dump = await dumpDatabase();
    expect(dump.payments.length).toBeGreaterThanOrEqual(6);
    expect(dump.idempotency_keys.length).toBeGreaterThanOrEqual(2);
    for (const [table, rows] of Object.entries(dump)) {
      for (const row of rows) {
        for (const number of ALL_NUMBERS) expect(row, `${table} holds ${number}`).not.toContain(number);
        for (const cvv of DISTINCT_CVVS) expect(containsStandalone(row, cvv), `${table} holds CVV ${cvv}: ${row}`).toBe(false);
        expect(row, table).not.toContain('verification_value');
      }
    }
  });

  it('keeps the number encrypted: the vault recovers it, and never a CVV', async () => {
    const rows = await h.store.db.selectFrom('payments').select(['id', 'secret_details', 'status']).where('merchant_id', '=', m.id).execute();
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const [name, number, cvv] of [
      ['seed', SEED_CARD.number, SEED_CARD.cvv],
      ['master', CARDS.master.number, CARDS.master.cvv],
      ['amex', CARDS.amex.number, CARDS.amex.cvv],
    ] as const) {
      const sealed = byId.get(ids[name])?.secret_details;
      expect(sealed, name).toEqual(expect.any(String));
      const opened = h.services.vault.open(sealed!);
      expect(opened.number, name).toBe(number);
      expect(Object.keys(opened)).not.toContain('verification_value');
      expect(JSON.stringify(opened)).not.toContain(`"${cvv}"`);
    }
  });

  it('shows brand and last four only in the stored public details', async () => {
    const row = await h.store.db.selectFrom('payments').select('payment_details').where('id', '=', ids.seed).executeTakeFirstOrThrow();
    const details = typeof row.payment_details === 'string' ? JSON.parse(row.payment_details) : row.payment_details;
    expect(details).toMatchObject({ type: 'credit_card', brand: 'visa', last_four_digits: '1111' });
    // `name`: the holder's name, echoed as KOMOJU's Payment model has it (docs/compatibility.md), no secret.
    expect(Object.keys(details).sort()).toEqual(['brand', 'email', 'last_four_digits', 'month', 'name', 'type', 'year']);
  });
});

describe('the log', () => {
  it('holds no full card number and no CVV', () => {
    const log = h.logs.join('');
    expect(log).toContain('/api/v1/payments'); // the requests were logged, so the check means something
    for (const number of ALL_NUMBERS) expect(log).not.toContain(number);
    for (const cvv of DISTINCT_CVVS) expect(containsStandalone(log, cvv), `CVV ${cvv} in the log`).toBe(false);
  });

  it('redacts card fields wherever a request body is logged', () => {
    const before = h.logs.length;
    const body = { amount: 1000, payment_details: { type: 'credit_card', number: CARDS.amex.number, verification_value: CARDS.amex.cvv } };
    h.app.log.info({ body }, 'a handler logging a request body');
    h.app.log.info({ payment_details: body.payment_details }, 'a handler logging the details');
    h.app.log.warn(body, 'a handler logging the body as the object itself');
    const lines = h.logs.slice(before).join('');
    expect(lines).toContain('a handler logging a request body');
    expect(lines).not.toContain(CARDS.amex.number);
    expect(containsStandalone(lines, CARDS.amex.cvv)).toBe(false);
  });

  it('never logs the API key', () => {
    const log = h.logs.join('');
    expect(log).not.toContain(m.secretKey);
    expect(log).not.toContain(Buffer.from(`${m.secretKey}:`).toString('base64'));
  });
});
