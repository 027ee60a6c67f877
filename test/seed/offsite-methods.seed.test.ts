import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type ApiResponse, type Harness, type TestMerchant } from '../helpers/harness';
import {
  DETERMINISTIC_PAYMENT_FIELDS,
  expectSeedPaymentShape,
  formValue,
  ISO_SECONDS,
  nestForm,
  replayExample,
  type SeedExample,
  seedExamples,
} from '../helpers/seed-fixture';

/**
 * Replays the v1 reference's offsite payment examples (seeds/002: mobile, line_pay, merpay,
 * japan_mobile, paidy) as form and as JSON, and holds each answer against the example response
 * printed under it.
 *
 * What must match: the set of keys at every level, each value's JSON type, the status, and every
 * field that depends on neither the clock nor the id generator. Allowed differences, exactly:
 * `session` (null), a key the 2020 examples predate; and `redirect_url`, which points at this
 * server's offsite simulator (`<public url>/offsite/new?uuid=<payment id>`) instead of komoju.com
 * or the Korean PG of the mobile example.
 *
 * The token examples of the offsite types the seed shows only as tokens (paysafe_cash, zgold,
 * paysafe_card, toss, nexus_transfer …) carry the only request fields the seed gives for them:
 * their payment_details must make a payment too.
 */

/** The payment types this file answers for (src/methods/{mobile,…,nexus_transfer}.ts). */
const OFFSITE_TYPES = [
  'mobile',
  'japan_mobile',
  'line_pay',
  'merpay',
  'paidy',
  'paypay',
  'toss',
  'paysafe_card',
  'paysafe_cash',
  'zgold',
  'nexus_transfer',
];

function typeOf(example: SeedExample): string | undefined {
  return formValue(example, 'payment_details[type]');
}

const payments = seedExamples.filter(
  (example) => example.method === 'POST' && example.path === '/api/v1/payments' && OFFSITE_TYPES.includes(typeOf(example) ?? ''),
);
const tokens = seedExamples.filter(
  (example) => example.method === 'POST' && example.path === '/api/v1/tokens' && OFFSITE_TYPES.includes(typeOf(example) ?? ''),
);

/** A currency each token-only type takes (the token examples carry none, except mobile's KRW). */
const TOKEN_CURRENCY: Record<string, string> = {
  mobile: 'KRW',
  toss: 'KRW',
  paysafe_card: 'EUR',
  paysafe_cash: 'EUR',
};

/**
 * The examples show `payment_deadline: null`; kessai gives an offsite payment a day at the
 * provider (OFFSITE_WAIT_MS) and expires it after, so the deadline is checked on its own.
 */
const DETERMINISTIC = DETERMINISTIC_PAYMENT_FIELDS;
const DAY_MS = 86_400_000;

const PUBLIC_URL = 'http://kessai.test';

let h: Harness;
let m: TestMerchant;

beforeAll(async () => {
  h = await startHarness();
  m = await h.merchant();
});
afterAll(() => h.close());

describe('seed fixture', () => {
  it('holds the five offsite payment examples', () => {
    expect(payments.map(typeOf).sort()).toEqual(['japan_mobile', 'line_pay', 'merpay', 'mobile', 'paidy']);
  });

  it("shows redirect_url as the upstream's offsite page for the payment (the pattern we replace)", () => {
    for (const { response } of payments) {
      const details = response.payment_details as Record<string, unknown>;
      if (details.type === 'mobile') continue; // the Korean PG's own URL
      expect(details.redirect_url).toBe(`https://komoju.com/offsite/new?uuid=${response.id}`);
    }
  });
});

describe.each(payments.map((example) => [`${typeOf(example)}, seed line ${example.source_line}`, example] as const))(
  'POST /api/v1/payments, offsite example (%s)',
  (_name, example) => {
    const seed = example.response;
    const seedDetails = seed.payment_details as Record<string, unknown>;

    describe.each(['form', 'json'] as const)('sent as %s', (encoding) => {
      let res: ApiResponse;
      beforeAll(async () => {
        res = await replayExample(h, m.secretKey, example, encoding);
      });

      it('answers 200, authorized as the seed shows', () => {
        expect(res.status, res.text).toBe(200);
        expect(res.body.status).toBe(seed.status);
        expect(res.body.status).toBe('authorized');
      });

      it('has the same keys and JSON types at every level, plus only `session` (null)', () => {
        // A timestamp where the seed shows a null deadline (see "waits a day" below).
        expectSeedPaymentShape(res.body, { ...seed, payment_deadline: res.body.payment_deadline });
        expect(Object.keys(res.body.payment_details).sort()).toEqual(Object.keys(seedDetails).sort());
      });

      it('matches the seed on every deterministic field', () => {
        for (const field of DETERMINISTIC) expect(res.body[field], field).toEqual(seed[field]);
        for (const [field, value] of Object.entries(seedDetails)) {
          if (field === 'redirect_url') continue;
          expect(res.body.payment_details[field], `payment_details.${field}`).toEqual(value);
        }
      });

      it('waits a day for the customer at the provider (the seed shows no deadline)', () => {
        expect(seed.payment_deadline).toBeNull();
        expect(Date.parse(res.body.payment_deadline) - Date.parse(res.body.created_at)).toBe(DAY_MS);
      });

      it("redirects to this server's offsite simulator for this payment", () => {
        expect(res.body.payment_details.redirect_url).toBe(`${PUBLIC_URL}/offsite/new?uuid=${res.body.id}`);
      });

      it('prints ids and timestamps in KOMOJU form', () => {
        expect(res.body.id).toMatch(/^[0-9a-z]{25,26}$/);
        expect(res.body.resource).toBe('payment');
        expect(res.body.created_at).toMatch(ISO_SECONDS);
      });

      it('can be read back unchanged', async () => {
        const shown = await h.request({ url: `/api/v1/payments/${res.body.id}`, key: m.secretKey });
        expect(shown.status, shown.text).toBe(200);
        expect(shown.body).toEqual(res.body);
      });
    });
  },
);

describe.each(tokens.map((example) => [`${typeOf(example)}, seed line ${example.source_line}`, example] as const))(
  "POST /api/v1/payments with a token example's payment_details (%s)",
  (_name, example) => {
    const seedDetails = example.response.payment_details as Record<string, unknown>;
    const type = typeOf(example)!;
    const currency = TOKEN_CURRENCY[type] ?? 'JPY';
    const detailPairs = example.form.filter(([key]) => key.startsWith('payment_details['));

    it.each(['form', 'json'] as const)('is authorized with a redirect_url and shows what the token shows (%s)', async (encoding) => {
      const form: [string, string][] = [['amount', '1000'], ['currency', currency], ...detailPairs];
      const res =
        encoding === 'form'
          ? await h.request({ method: 'POST', url: '/api/v1/payments', key: m.secretKey, form })
          : await h.request({ method: 'POST', url: '/api/v1/payments', key: m.secretKey, json: nestForm(form) });
      expect(res.status, res.text).toBe(200);
      expect(res.body.status).toBe('authorized');
      expect(Date.parse(res.body.payment_deadline) - Date.parse(res.body.created_at)).toBe(DAY_MS);
      expect(res.body.payment_details.redirect_url).toBe(`${PUBLIC_URL}/offsite/new?uuid=${res.body.id}`);
      for (const [field, value] of Object.entries(seedDetails)) expect(res.body.payment_details[field], field).toEqual(value);
    });
  },
);
