import { Type } from '@sinclair/typebox';
import { invalid } from '../kernel/errors';
import { MAX_AMOUNT } from '../kernel/money';
import { offsiteMethod, present } from './_shared/offsite';

const text = Type.Optional(Type.String({ minLength: 1, maxLength: 255 }));
/** Whole numbers only: "25" is coerced to 25 (form bodies), "2.5" and "-1" are refused. */
const count = (maximum: number) => Type.Optional(Type.Integer({ minimum: 0, maximum }));

/**
 * The buyer data Paidy uses for its credit decision (seeds/002, Paidy → Payment Details), in the
 * seed's order. All are optional: the table marks none of them required, the seed's own example
 * breaks the "separated by a space" rule for `customer_name` ("山田太郎"), and most are facts only
 * the merchant knows (last order, lifetime value), which the hosted page cannot ask the customer.
 * What is sent is checked: postal code, whole non-negative numbers, katakana.
 */
const BUYER_FIELDS = {
  billing_address_city: text,
  billing_address_line1: text,
  billing_address_line2: text,
  billing_address_state: text,
  /** "Japanese postal code; format is NNN-NNNN" — the seed's example sends 1800004, so both. */
  billing_address_zip: Type.Optional(Type.String({ pattern: '^[0-9]{3}-?[0-9]{4}$' })),
  customer_age: count(150),
  /** Yen. */
  customer_last_order_amount: count(MAX_AMOUNT),
  /** Days since the last order. */
  customer_last_order_at: count(100_000),
  /** Yen. */
  customer_lifetime_value: count(Number.MAX_SAFE_INTEGER),
  customer_name: text,
  customer_name_kana: text,
  customer_order_count: count(MAX_AMOUNT),
};

/** Full-width katakana, the prolonged-sound mark and the middle dot, words separated by spaces. */
const KATAKANA = /^[\u30A1-\u30FA\u30FC\u30FB]+( [\u30A1-\u30FA\u30FC\u30FB]+)*$/;

/**
 * Paidy: buy now, pay later; the customer confirms on Paidy's page (seeds/002, "in development"
 * there; docs/decisions.md #20). Response `type, email, redirect_url`; the buyer data is kept
 * encrypted for the provider and never shown.
 */
export const paidy = offsiteMethod({
  type: 'paidy',
  names: { en: 'Paidy', ja: 'ペイディ', ko: 'Paidy' },
  currencies: ['JPY'],
  fields: BUYER_FIELDS,
  // The hosted page asks nothing: Paidy's own page collects the customer's e-mail and phone.
  checkoutFields: [],
  prepare(details) {
    const prepared = { ...details };
    const zip = details.billing_address_zip as string | undefined;
    if (zip !== undefined) prepared.billing_address_zip = zip.includes('-') ? zip : `${zip.slice(0, 3)}-${zip.slice(3)}`;
    const kana = details.customer_name_kana as string | undefined;
    if (kana !== undefined) {
      // NFKC turns half-width katakana (ﾔﾏﾀﾞ) and the ideographic space into their usual forms.
      const normalised = kana.normalize('NFKC').trim().replace(/\s+/g, ' ');
      if (!KATAKANA.test(normalised)) throw invalid('payment_details.customer_name_kana', 'customer_name_kana must be written in katakana');
      prepared.customer_name_kana = normalised;
    }
    return prepared;
  },
  secretDetails: (details) => present(details, Object.keys(BUYER_FIELDS)),
});
