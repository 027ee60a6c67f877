import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness, type TestMerchant } from '../helpers/harness';
import { ISO_SECONDS, formValue, nestForm, seedExamples, shapeDifferences } from '../helpers/seed-fixture';

/**
 * Replays every POST /tokens example of the v1 reference (seeds/002, "Tokens": 23 payment types)
 * as the curl form and as the Ruby example's JSON, with the publishable key (what the reference
 * says tokens are for) and the secret key (what its curl uses), and holds each answer against
 * the example response: same keys at every level, same JSON types, same values — the id and
 * created_at aside, which come from the id generator and the clock. No number, CVV, password or
 * birthday comes back.
 */

const tokenExamples = seedExamples.filter((example) => example.method === 'POST' && example.path === '/api/v1/tokens');

/** The examples' cards expire in 2025, which has passed. */
const FUTURE_YEAR = String(new Date().getUTCFullYear() + 5);

function replayable(form: [string, string][]): [string, string][] {
  return form.map(([key, value]) => [key, key === 'payment_details[year]' ? FUTURE_YEAR : value]);
}

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

describe('POST /api/v1/tokens: the seed examples', () => {
  it('covers the 23 payment types of the reference', () => {
    const types = tokenExamples.map((example) => formValue(example, 'payment_details[type]'));
    expect(types).toHaveLength(23);
    expect(new Set(types).size).toBe(23);
  });

  for (const example of tokenExamples) {
    const type = formValue(example, 'payment_details[type]')!;
    const secrets = example.form
      .filter(([key]) => /\[(number|verification_value|prepaid_number|\w*password|birthday|user_no|culture_id|happy_money_id)\]$/.test(key))
      .map(([, value]) => value);

    describe(`${type} (seeds/002 line ${example.source_line})`, () => {
      let m: TestMerchant;
      beforeAll(async () => {
        m = await h.merchant();
      });

      for (const [encoding, keyKind] of [
        ['form', 'publishableKey'],
        ['json', 'secretKey'],
      ] as const) {
        it(`answers like the example (${encoding}, ${keyKind === 'publishableKey' ? 'publishable' : 'secret'} key)`, async () => {
          const form = replayable(example.form);
          const res = await h.request({
            method: 'POST',
            url: '/api/v1/tokens',
            key: m[keyKind],
            ...(encoding === 'form' ? { form } : { json: nestForm(form) }),
          });
          expect(res.status, res.text).toBe(200);
          expect(shapeDifferences(res.body, example.response)).toEqual([]);
          expect(res.body.id).toMatch(/^tok_[0-9a-z]{25}$/);
          expect(res.body.created_at).toMatch(ISO_SECONDS);
          expect(res.body.resource).toBe('token');
          expect(res.body.payment_details).toEqual(example.response.payment_details);
          for (const secret of secrets) expect(res.text).not.toContain(secret);
        });
      }
    });
  }
});
