import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type ApiResponse, type Harness, type TestMerchant } from '../helpers/harness';
import {
  DETERMINISTIC_PAYMENT_FIELDS,
  expectSeedPaymentShape,
  formValue,
  ISO_SECONDS,
  paymentExamples,
  replayAtSeedTime,
  replayExample,
  type SeedExample,
  tokyoEndOfDay,
} from '../helpers/seed-fixture';

/**
 * Replays the v1 reference's payment examples for the cash methods (konbini, bank_transfer,
 * pay_easy; seeds/002, "Create a payment") as form and as JSON, and holds each answer against the
 * example response printed for it: the same keys at every level (plus `session`, null, which the
 * 2020 examples predate), the same JSON types, the same status, every value the request fixes, and
 * codes of the example's shape.
 */

type Shapes = Record<string, RegExp | string>;

/**
 * Per type: payment_details values every payment shows exactly as the example does, and the shape
 * of the values issued per payment (checked against the example too, so the patterns stay honest).
 */
const DETAILS: Record<string, { fixed: readonly string[]; issued: Shapes }> = {
  // The example's Lawson slip confirms with the phone's last four digits (090-1111-2222 → 2222).
  konbini: { fixed: ['type', 'email', 'store', 'confirmation_code'], issued: { receipt: /^\d{11}$/ } },
  bank_transfer: {
    fixed: ['type', 'email', 'bank_name', 'account_branch_name', 'account_type', 'account_name'],
    issued: { order_id: /^K\d{10}$/, account_number: /^\d+$/ },
  },
  pay_easy: {
    fixed: ['type', 'email', 'bank_id'],
    issued: { customer_id: /^\d{20}$/, confirmation_id: /^\d{6}$/ },
  },
};

/** Days to pay when the request sends no expiry_days (reference: konbini 3, PayEasy 10, bank transfer 14). */
const DEFAULT_DAYS: Record<string, number> = { konbini: 3, pay_easy: 10, bank_transfer: 14 };

const INSTRUCTIONS = /^https?:\/\/[^/]+\/(ja|en|ko)\/instructions\/([0-9a-z]{25,26})$/;

const examples = Object.keys(DETAILS).flatMap((type) => paymentExamples(type).map((example) => ({ type, example })));

function expiryDays(type: string, example: SeedExample): number {
  const sent = formValue(example, 'payment_details[expiry_days]');
  return sent === undefined ? DEFAULT_DAYS[type] : Number(sent);
}

let h: Harness;
let m: TestMerchant;

beforeAll(async () => {
  h = await startHarness();
  m = await h.merchant();
});
afterAll(() => h.close());

describe('seed fixture', () => {
  it('holds one payment example for each cash method', () => {
    expect(examples.map(({ type }) => type).sort()).toEqual(['bank_transfer', 'konbini', 'pay_easy']);
  });

  it("the shapes this test expects match the examples' own values", () => {
    for (const { type, example } of examples) {
      const details = example.response.payment_details as Record<string, unknown>;
      for (const [field, shape] of Object.entries(DETAILS[type].issued)) expect(details[field], `${type}.${field}`).toMatch(shape);
      const url = INSTRUCTIONS.exec(details.instructions_url as string);
      expect(url?.[2], `${type}.instructions_url`).toBe(example.response.id);
    }
  });

  it("the deadline rule reproduces the konbini and PayEasy examples' deadlines", () => {
    for (const { type, example } of examples.filter(({ type }) => type !== 'bank_transfer')) {
      expect(tokyoEndOfDay(example.response.created_at as string, expiryDays(type, example)), type).toBe(example.response.payment_deadline);
    }
  });

  it('the bank-transfer example sends expiry_days=14 but prints created + 7 days (docs/decisions.md #5)', () => {
    const [{ example }] = examples.filter(({ type }) => type === 'bank_transfer');
    expect(formValue(example, 'payment_details[expiry_days]')).toBe('14');
    expect(tokyoEndOfDay(example.response.created_at as string, 7)).toBe(example.response.payment_deadline);
  });
});

describe.each(examples.map(({ type, example }) => [`${type}, seed line ${example.source_line}`, type, example] as const))(
  'POST /api/v1/payments, %s',
  (_name, type, example) => {
    const seed = example.response;
    const seedDetails = seed.payment_details as Record<string, unknown>;

    describe.each(['form', 'json'] as const)('sent as %s', (encoding) => {
      let res: ApiResponse;
      beforeAll(async () => {
        res = await replayExample(h, m.secretKey, example, encoding);
      });

      it('answers 200 with the status the seed shows', () => {
        expect(res.status, res.text).toBe(200);
        expect(res.body.status).toBe(seed.status);
        expect(res.body.status).toBe('authorized');
      });

      it('has the same keys and JSON types at every level, plus only `session` (null)', () => {
        expectSeedPaymentShape(res.body, seed);
        expect(Object.keys(res.body.payment_details)).toEqual(Object.keys(seedDetails));
      });

      it('matches the seed on every deterministic field', () => {
        for (const field of DETERMINISTIC_PAYMENT_FIELDS) expect(res.body[field], field).toEqual(seed[field]);
        for (const field of DETAILS[type].fixed) expect(res.body.payment_details[field], `payment_details.${field}`).toEqual(seedDetails[field]);
      });

      it("issues codes of the example's shape", () => {
        for (const [field, shape] of Object.entries(DETAILS[type].issued)) expect(res.body.payment_details[field], `payment_details.${field}`).toMatch(shape);
      });

      it("links instructions_url to this server's page for this payment, in the seed's locale", () => {
        const [, seedLocale] = INSTRUCTIONS.exec(seedDetails.instructions_url as string)!;
        expect(res.body.payment_details.instructions_url).toBe(`http://kessai.test/${seedLocale}/instructions/${res.body.id}`);
      });

      it('prints ids and timestamps in KOMOJU form', () => {
        expect(res.body.id).toMatch(/^[0-9a-z]{25,26}$/);
        expect(res.body.resource).toBe('payment');
        for (const field of ['created_at', 'payment_deadline']) expect(res.body[field], field).toMatch(ISO_SECONDS);
      });

      it(`sets payment_deadline to 23:59:59 Tokyo time, expiry_days (or the default) after creation`, () => {
        expect(res.body.payment_deadline).toBe(tokyoEndOfDay(res.body.created_at, expiryDays(type, example)));
      });
    });

    it("gives the seed's deadline when created at the seed's creation time (bank transfer: expiry_days as sent)", async () => {
      const { res } = await replayAtSeedTime(h, m.secretKey, example);
      if (type === 'bank_transfer') {
        // docs/decisions.md #5: expiry_days as given, so 14 days (2020-06-23), not the example's 7.
        expect(res.body.payment_deadline).toBe(tokyoEndOfDay(seed.created_at as string, 14));
      } else {
        expect(res.body.payment_deadline).toBe(seed.payment_deadline);
      }
    });
  },
);
