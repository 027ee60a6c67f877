import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type ApiResponse, type Harness, type TestMerchant } from '../helpers/harness';
import {
  DETERMINISTIC_PAYMENT_FIELDS,
  expectSeedPaymentShape,
  ISO_SECONDS,
  paymentExamples,
  replayAtSeedTime,
  replayExample,
} from '../helpers/seed-fixture';

/**
 * Replays the v1 reference's payment examples for the prepaid cards and vouchers (seeds/002:
 * bit_cash, net_cash, happy_money, culture_voucher, web_money, nanaco) as form and as JSON, and
 * holds each answer against the example response printed for it: the same keys at every level
 * (plus `session`, null, which the 2020 examples predate), the same JSON types, the same HTTP
 * status and `status`, and every value the request fixes — here all of payment_details
 * (`short_amount`, `prepaid_cards`, `culture_id` …) and the null or non-null payment_deadline.
 */

const TYPES = ['bit_cash', 'net_cash', 'happy_money', 'culture_voucher', 'web_money', 'nanaco'] as const;

/** payment_deadline in the examples: null, or exactly this many days after created_at. */
const DEADLINE_DAYS: Record<(typeof TYPES)[number], number | null> = {
  bit_cash: null,
  web_money: null,
  happy_money: null,
  culture_voucher: null,
  net_cash: 7,
  nanaco: 7,
};

/** The creation and capture times come from the clock; everything else the request fixes. */
const FIXED_FIELDS = DETERMINISTIC_PAYMENT_FIELDS.filter((field) => field !== 'captured_at');

const DAY_MS = 86_400_000;

const examples = TYPES.flatMap((type) => paymentExamples(type).map((example) => ({ type, example })));

/** Values the examples send that are secret: the prepaid number and voucher passwords. */
function secretsOf(form: [string, string][]): string[] {
  return form.filter(([key]) => /prepaid_number|password/.test(key)).map(([, value]) => value);
}

let h: Harness;
let m: TestMerchant;

beforeAll(async () => {
  h = await startHarness();
  m = await h.merchant();
});
afterAll(() => h.close());

describe('seed fixture', () => {
  it('holds one payment example for each prepaid type it shows', () => {
    expect(examples.map(({ type }) => type).sort()).toEqual([...TYPES].sort());
  });

  it("the deadline rule reproduces the examples' own deadlines (null, or created + 7 days to the second)", () => {
    for (const { type, example } of examples) {
      const { created_at, payment_deadline } = example.response as { created_at: string; payment_deadline: string | null };
      const days = DEADLINE_DAYS[type];
      if (days === null) expect(payment_deadline, type).toBeNull();
      else expect(Date.parse(payment_deadline!) - Date.parse(created_at), type).toBe(days * DAY_MS);
    }
  });

  it('the examples show the voucher ids but not their passwords, and no prepaid number', () => {
    for (const { type, example } of examples) {
      const text = JSON.stringify(example.response);
      expect(text, type).not.toMatch(/password|prepaid_number/);
    }
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
        expect(res.body.status).toBe('captured');
      });

      it('has the same keys and JSON types at every level, plus only `session` (null)', () => {
        expectSeedPaymentShape(res.body, seed);
        expect(Object.keys(res.body.payment_details)).toEqual(Object.keys(seedDetails));
      });

      it('matches the seed on every deterministic field, payment_details whole', () => {
        for (const field of FIXED_FIELDS) expect(res.body[field], field).toEqual(seed[field]);
        expect(res.body.payment_details).toEqual(seedDetails);
      });

      it('prints ids and timestamps in KOMOJU form; captured at creation', () => {
        expect(res.body.id).toMatch(/^[0-9a-z]{25,26}$/);
        expect(res.body.resource).toBe('payment');
        expect(res.body.created_at).toMatch(ISO_SECONDS);
        expect(res.body.captured_at).toBe(res.body.created_at);
      });

      it(`sets payment_deadline as the seed does (${DEADLINE_DAYS[type] === null ? 'null' : `created + ${DEADLINE_DAYS[type]} days`})`, () => {
        const days = DEADLINE_DAYS[type];
        if (days === null) {
          expect(res.body.payment_deadline).toBeNull();
        } else {
          expect(res.body.payment_deadline).toMatch(ISO_SECONDS);
          expect(Date.parse(res.body.payment_deadline) - Date.parse(res.body.created_at)).toBe(days * DAY_MS);
        }
      });

      it('never echoes a prepaid number or password', () => {
        for (const secret of secretsOf(example.form)) {
          // Voucher ids equal their passwords in the examples (11111111): the id is shown, so look
          // for the password under its own name only.
          if (Object.values(seedDetails).includes(secret)) expect(res.text).not.toMatch(/password/);
          else expect(res.text).not.toContain(secret);
        }
        expect(res.text).not.toMatch(/prepaid_number|password/);
      });
    });

    it("gives the seed's exact deadline when created at the seed's creation time", async () => {
      const { res, late } = await replayAtSeedTime(h, m.secretKey, example);
      const expected = seed.payment_deadline === null ? null : new Date(Date.parse(seed.payment_deadline as string) + late).toISOString().replace('.000Z', 'Z');
      expect(res.body.payment_deadline).toBe(expected);
      if (late === 0) expect(res.body.payment_deadline).toBe(seed.payment_deadline);
    });
  },
);
