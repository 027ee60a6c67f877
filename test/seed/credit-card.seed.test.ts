import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type ApiResponse, type Harness, type TestMerchant } from '../helpers/harness';
import {
  DETERMINISTIC_PAYMENT_FIELDS,
  expectSeedPaymentShape,
  ISO_SECONDS,
  paymentExamples,
  replayAtSeedTime,
  replayExample,
  type SeedExample,
  tokyoEndOfDay,
} from '../helpers/seed-fixture';

/**
 * Replays the v1 reference's credit-card example (seeds/002, "Payment Details" → Credit Card) and
 * holds our answer against the example response printed under it. The fixture is the repository's
 * verbatim copy of `shared/fixtures/seed-examples.json` (see test/helpers/seed-fixture.ts).
 *
 * What must match: the set of keys at every level, each value's JSON type, the status, and every
 * field that does not depend on the clock or the id generator. Allowed difference, exactly one:
 * `session` (null), a key the 2020 example predates.
 */

/** The credit-card payment examples; the other methods' have seed test files of their own. */
const cardPayments = paymentExamples('credit_card');

/** The examples' cards expire in 2025, which has passed. */
const SEED_CARD_YEAR = '2025';
const FUTURE_YEAR = String(new Date().getUTCFullYear() + 5);

/** Fields whose value the example fixes (the rest come from the clock or the id generator). */
const DETERMINISTIC = DETERMINISTIC_PAYMENT_FIELDS.filter((field) => field !== 'captured_at');
const DETERMINISTIC_DETAILS = ['type', 'brand', 'last_four_digits', 'month', 'email'] as const;

function replayForm(example: SeedExample): [string, string][] {
  return example.form.map(([key, value]) => [key, key === 'payment_details[year]' && value === SEED_CARD_YEAR ? FUTURE_YEAR : value]);
}

let h: Harness;
let m: TestMerchant;

beforeAll(async () => {
  h = await startHarness();
  m = await h.merchant();
});
afterAll(() => h.close());

describe('seed fixture', () => {
  it('holds the credit-card payment example', () => {
    expect(cardPayments.length).toBeGreaterThanOrEqual(1);
    for (const example of cardPayments) expect(example.form).toContainEqual(['payment_details[year]', SEED_CARD_YEAR]);
  });

  it("the test's deadline rule reproduces the seed's own numbers (created + 7 days, end of day Tokyo)", () => {
    for (const { response } of cardPayments) {
      expect(tokyoEndOfDay(response.created_at as string, 7)).toBe(response.payment_deadline);
    }
    expect(tokyoEndOfDay('2020-06-09T07:42:14Z', 7)).toBe('2020-06-16T14:59:59Z');
    // After 15:00Z it is already the next day in Tokyo.
    expect(tokyoEndOfDay('2020-06-09T15:00:00Z', 7)).toBe('2020-06-17T14:59:59Z');
  });
});

describe.each(cardPayments.map((example) => [`seed line ${example.source_line}`, example] as const))(
  'POST /api/v1/payments, credit card example (%s)',
  (_name, example) => {
    const seed = example.response;

    describe.each(['form', 'json'] as const)('sent as %s', (encoding) => {
      let res: ApiResponse;
      beforeAll(async () => {
        res = await replayExample(h, m.secretKey, example, encoding, replayForm(example));
      });

      it('answers 200 with the status the seed shows', () => {
        expect(res.status, res.text).toBe(200);
        expect(res.body.status).toBe(seed.status);
      });

      it('has the same keys and JSON types at every level, plus only `session` (null)', () => {
        expectSeedPaymentShape(res.body, seed);
      });

      it('matches the seed on every deterministic field', () => {
        for (const field of DETERMINISTIC) expect(res.body[field], field).toEqual(seed[field]);
        const details = seed.payment_details as Record<string, unknown>;
        for (const field of DETERMINISTIC_DETAILS) expect(res.body.payment_details[field], `payment_details.${field}`).toEqual(details[field]);
        expect(res.body.payment_details.year).toBe(Number(FUTURE_YEAR));
      });

      it('prints ids and timestamps in KOMOJU form', () => {
        expect(res.body.id).toMatch(/^[0-9a-z]{25,26}$/);
        expect(res.body.resource).toBe('payment');
        for (const field of ['created_at', 'captured_at', 'payment_deadline']) expect(res.body[field], field).toMatch(ISO_SECONDS);
        expect(res.body.captured_at).toBe(res.body.created_at);
      });

      it('sets payment_deadline to 23:59:59 Tokyo time 7 days after creation', () => {
        expect(res.body.payment_deadline).toBe(tokyoEndOfDay(res.body.created_at, 7));
      });

      it('never echoes the card number or CVV', () => {
        const number = example.form.find(([key]) => key === 'payment_details[number]')![1];
        expect(res.text).not.toContain(number);
        expect(res.text).not.toContain('verification_value');
      });
    });

    it("gives the seed's exact deadline when created at the seed's creation time", async () => {
      const { res } = await replayAtSeedTime(h, m.secretKey, example, replayForm(example));
      expect(res.body.payment_deadline).toBe(seed.payment_deadline);
    });
  },
);
