import { Type } from '@sinclair/typebox';
import { invalid } from '../kernel/errors';
import { TEST_CARD_DECLINES, TEST_CARD_DISPUTES, TEST_CARDS_APPROVED } from '../processors/test-processor';
import type { PaymentMethod } from './method';

/** Card brands by prefix, as KOMOJU names them. Order matters: the first match wins. */
const BRANDS: readonly [brand: string, prefix: RegExp][] = [
  ['visa', /^4/],
  ['master', /^(5[1-5]|2(2[2-9]|[3-6]\d|7[01]|720))/],
  ['american_express', /^3[47]/],
  ['diners_club', /^3(0[0-5]|[689])/],
  ['jcb', /^35(2[89]|[3-8])/],
  ['discover', /^6(011|4[4-9]|5)/],
  ['unionpay', /^62/],
];

/** The number prefix of `brand`, as a RegExp source: the Hosted Page's script marks the brand being typed. */
export function cardBrandPrefix(brand: string): string | null {
  return BRANDS.find(([name]) => name === brand)?.[1].source ?? null;
}

export function cardBrand(number: string): string | null {
  return BRANDS.find(([, prefix]) => prefix.test(number))?.[0] ?? null;
}

/**
 * Whether a card expiring at the end of `month`/`year` (four digits) has expired at `now`: a card
 * is good through the last day of its month (UTC). One rule for typed cards and saved ones.
 *
 *   cardExpired(11, 2026, new Date('2026-11-30T23:00:00Z')); // false
 *   cardExpired(11, 2026, new Date('2026-12-01T00:00:00Z')); // true
 */
export function cardExpired(month: number, year: number, now: Date): boolean {
  return year * 12 + month < now.getUTCFullYear() * 12 + now.getUTCMonth() + 1;
}

export function luhnValid(number: string): boolean {
  let sum = 0;
  for (let i = 0; i < number.length; i++) {
    let digit = number.charCodeAt(number.length - 1 - i) - 48;
    if (i % 2 === 1) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
    sum += digit;
  }
  return sum % 10 === 0;
}

const optionalText = Type.Optional(Type.String({ maxLength: 255 }));

/** The address lines KOMOJU's card details take, flat: `shipping_address_city`, `billing_address_zip` … */
const ADDRESS_FIELDS = ['name', 'line1', 'line2', 'city', 'state', 'zip', 'country'] as const;
const addressFields = (prefix: string) => Object.fromEntries(ADDRESS_FIELDS.map((field) => [`${prefix}_address_${field}`, optionalText]));

/**
 * The request fields a card payment's `payment_details` shows back when given (the official SDK's
 * ResponsePaymentDetailsAll): never the number or the CVV.
 */
export const CARD_ECHOED_FIELDS: readonly string[] = [
  'name', 'given_name', 'family_name', 'expiry_days', 'intent', 'initiator', 'usage', 'scheme_reference',
  ...ADDRESS_FIELDS.map((field) => `shipping_address_${field}`),
  ...ADDRESS_FIELDS.map((field) => `billing_address_${field}`),
];

const detailsSchema = Type.Object(
  {
    type: Type.Literal('credit_card'),
    number: Type.String({ minLength: 1, maxLength: 40 }),
    month: Type.Integer({ minimum: 1, maximum: 12 }),
    year: Type.Integer({ minimum: 0, maximum: 9999 }),
    verification_value: Type.Optional(Type.String({ pattern: '^[0-9]{3,4}$' })),
    name: optionalText,
    given_name: optionalText,
    family_name: optionalText,
    email: Type.Optional(Type.String({ format: 'email', maxLength: 255 })),
    expiry_days: Type.Optional(Type.Integer({ minimum: 1, maximum: 59 })),
    // What may raise authorization rates with a stored card (SDK PaymentDetailsCreditCard, Intent).
    intent: Type.Optional(Type.Union(['one_time', 'card_on_file', 'subscription', 'installment'].map((value) => Type.Literal(value)))),
    initiator: Type.Optional(Type.Union([Type.Literal('customer'), Type.Literal('merchant')])),
    usage: Type.Optional(Type.Union([Type.Literal('first'), Type.Literal('used')])),
    scheme_reference: optionalText,
    ...addressFields('shipping'),
    ...addressFields('billing'),
  },
  { additionalProperties: false },
);

/** Days an uncaptured authorization stays valid; the seed's card example shows created + 7 days. */
const AUTHORIZATION_DAYS = 7;

export const creditCard: PaymentMethod = {
  type: 'credit_card',
  names: { en: 'Credit Card', ja: 'クレジットカード', ko: '신용카드' },
  currencies: 'all',
  expiry: { defaultDays: AUTHORIZATION_DAYS, maxDays: 59 },
  flow: 'card',
  refundable: true,
  customerMode: true,
  oneClick: true,
  subtypes: BRANDS.map(([brand]) => brand),
  echoedFields: CARD_ECHOED_FIELDS,
  detailsSchema,
  checkoutFields: [
    { name: 'name', label: { en: 'Name on card', ja: 'カード名義', ko: '카드 소유자 이름' }, kind: 'text', required: true, autocomplete: 'cc-name' },
    { name: 'number', label: { en: 'Card number', ja: 'カード番号', ko: '카드 번호' }, kind: 'card_number', required: true, autocomplete: 'cc-number' },
    { name: 'expiry', label: { en: 'Expiry (MM/YY)', ja: '有効期限 (MM/YY)', ko: '유효기간 (MM/YY)' }, kind: 'card_expiry', required: true, autocomplete: 'cc-exp' },
    { name: 'verification_value', label: { en: 'Security code (CVV)', ja: 'セキュリティコード (CVV)', ko: '보안 코드 (CVV)' }, kind: 'card_cvc', required: true, autocomplete: 'cc-csc' },
  ],
  testScenarios: [
    ...Object.entries(TEST_CARDS_APPROVED).map(([brand, number]) => ({
      input: { number },
      outcome: 'captured' as const,
      note: `${brand} test card`,
    })),
    ...Object.entries(TEST_CARD_DECLINES).map(([number, code]) => ({ input: { number }, outcome: code, note: code })),
    ...Object.entries(TEST_CARD_DISPUTES).map(([number, plan]) => ({
      input: { number },
      outcome: 'captured' as const,
      note: `disputed (${plan.reasonCode}) after capture`,
    })),
  ],

  prepare(details, { now }) {
    const number = String(details.number).replace(/[\s-]/g, '');
    if (!/^\d{12,19}$/.test(number) || !luhnValid(number)) throw invalid('payment_details.number');
    const brand = cardBrand(number);
    if (!brand) throw invalid('payment_details.number');
    const month = details.month as number;
    let year = details.year as number;
    if (year < 100) year += 2000;
    if (year < 1000) throw invalid('payment_details.year');
    if (cardExpired(month, year, now)) {
      throw invalid(year < now.getUTCFullYear() ? 'payment_details.year' : 'payment_details.month', 'The card has expired');
    }
    // `name` wins over given/family names when both are sent.
    const name = details.name ?? ([details.given_name, details.family_name].filter(Boolean).join(' ') || undefined);
    return { ...details, number, month, year, brand, name };
  },

  async authorize(details, { amount, currency, capture, processor }) {
    const number = details.number as string;
    const publicDetails = {
      type: 'credit_card',
      email: details.email ?? null,
      brand: details.brand,
      last_four_digits: number.slice(-4),
      month: details.month,
      year: details.year,
      ...echoed(details),
    };
    const result = await processor.authorizeCard({
      number,
      month: details.month as number,
      year: details.year as number,
      verificationValue: (details.verification_value as string | undefined) ?? null,
      amount,
      currency,
    });
    if (!result.approved) return { outcome: 'declined', declineCode: result.code, publicDetails };
    return {
      outcome: capture ? 'captured' : 'authorized',
      publicDetails,
      secretDetails: { number, name: details.name ?? null },
      ...(result.dispute && { dispute: result.dispute }),
    };
  },

  store(details, prepared) {
    // A CVV authorizes one payment; payments by customer go without it.
    const { verification_value: _cvv, ...kept } = details;
    const number = prepared.number as string;
    return {
      kept,
      source: { type: 'credit_card', brand: prepared.brand, last_four_digits: number.slice(-4), month: prepared.month, year: prepared.year },
    };
  },
};

/** The echoed request fields that were given, in CARD_ECHOED_FIELDS's order. */
function echoed(details: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(CARD_ECHOED_FIELDS.filter((field) => details[field] !== undefined).map((field) => [field, details[field]]));
}
