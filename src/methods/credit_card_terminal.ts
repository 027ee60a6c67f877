import { Type } from '@sinclair/typebox';
import { invalid } from '../kernel/errors';
import { TEST_CARD_DECLINES, TEST_CARDS_APPROVED } from '../processors/test-processor';
import { cardBrand, cardExpired, creditCard, luhnValid } from './credit_card';
import type { PaymentMethod } from './method';

/**
 * A card present at the merchant's terminal (the SDK's PaymentDetailsCreditCardTerminal and
 * ResponsePaymentDetailsCreditCardTerminal). The terminal sends the card number, the chip's EMV
 * data (`field55`), track 2 and `flowType` ("1" EMV chip, "2" magnetic stripe).
 *
 * An EMV chip payment is authorized online first and always stays `authorized`: the chip takes the
 * final decision after the issuer's answer, and the terminal reports it through POST
 * /payments/:id/finalize (TC approved → captured, AAC declined or a fault → cancelled; see
 * domain/payments/finalize.ts). A magnetic-stripe payment has no second step: captured at once,
 * or authorized with `capture: false`, as a typed card. KOMOJU's test cards decide the
 * authorization as for `credit_card`.
 */

/**
 * Whether a credit_card_terminal payment was made with the chip (EMV): only those carry the
 * issuer's `field55` in their details (authorize, below); a magnetic-stripe one has none.
 */
export function isEmvPayment(payment: { payment_type: string; payment_details: Record<string, unknown> }): boolean {
  return payment.payment_type === 'credit_card_terminal' && 'field55' in payment.payment_details;
}

/** EMV chip (`flowType` "1", the default) or magnetic stripe ("2"). */
export const TERMINAL_FLOW_TYPES = { emv: '1', magstripe: '2' } as const;

const optionalText = (maxLength: number) => Type.Optional(Type.String({ maxLength }));

const detailsSchema = Type.Object(
  {
    type: Type.Literal('credit_card_terminal'),
    number: Type.String({ minLength: 1, maxLength: 40 }),
    month: Type.Optional(Type.Integer({ minimum: 1, maximum: 12 })),
    year: Type.Optional(Type.Integer({ minimum: 0, maximum: 9999 })),
    sequence_number: optionalText(16),
    field55: Type.Optional(Type.String({ pattern: '^[0-9A-Fa-f]*$', maxLength: 2048 })),
    posDataCode: optionalText(64),
    track2: optionalText(128),
    flowType: Type.Optional(Type.Union([Type.Literal(TERMINAL_FLOW_TYPES.emv), Type.Literal(TERMINAL_FLOW_TYPES.magstripe)])),
  },
  { additionalProperties: false },
);

/** The expiry in track 2 (`PAN=YYMM…`, or `D` as separator in EMV tag 57), when there is one. */
function expiryFromTrack2(track2: string | undefined): { month: number; year: number } | null {
  const match = /^;?\d{12,19}[=Dd](\d{2})(\d{2})/.exec(track2 ?? '');
  if (!match) return null;
  const month = Number(match[2]);
  return month >= 1 && month <= 12 ? { month, year: 2000 + Number(match[1]) } : null;
}

/**
 * The `field55` a payment answers: the issuer's EMV data for the chip's second decision, as an
 * authorization response carries it (ISO 8583 field 55), never the terminal's request data (which
 * may hold the card number): tag 8A, the authorization response code ("00" approved, "05"
 * declined), and tag 91, the issuer authentication data, when approved.
 */
function issuerData(responseCode: string, authentication: string): string {
  const hex = (text: string) => Buffer.from(text, 'ascii').toString('hex').toUpperCase();
  return `8A02${hex(responseCode)}${authentication ? `9108${authentication}` : ''}`;
}

export const creditCardTerminal: PaymentMethod = {
  type: 'credit_card_terminal',
  names: { en: 'Credit Card (terminal)', ja: 'クレジットカード（端末）', ko: '신용카드 (단말기)' },
  currencies: 'all',
  // An authorization not finalized (or, after tc with capture false, not captured) lapses as a
  // typed card's does: 7 days (credit_card.ts); the sweep then expires it.
  expiry: { defaultDays: 7, maxDays: 7 },
  flow: 'terminal',
  refundable: true,
  subtypes: creditCard.subtypes,
  detailsSchema,
  // Never on the hosted page: the card is in the terminal, not typed by the customer.
  checkoutFields: [],
  testScenarios: [
    ...Object.entries(TEST_CARDS_APPROVED).map(([brand, number]) => ({
      input: { number },
      outcome: 'authorized' as const,
      note: `${brand} test card at an EMV terminal: authorized until POST /payments/:id/finalize`,
    })),
    ...Object.entries(TEST_CARD_DECLINES).map(([number, code]) => ({ input: { number }, outcome: code, note: code })),
  ],

  prepare(details, { now }) {
    const number = String(details.number).replace(/[\s-]/g, '');
    if (!/^\d{12,19}$/.test(number) || !luhnValid(number)) throw invalid('payment_details.number');
    const brand = cardBrand(number);
    if (!brand) throw invalid('payment_details.number');
    const fromTrack = expiryFromTrack2(details.track2 as string | undefined);
    const month = (details.month as number | undefined) ?? fromTrack?.month;
    let year = (details.year as number | undefined) ?? fromTrack?.year;
    if (year !== undefined && year < 100) year += 2000;
    if (month !== undefined && year !== undefined && cardExpired(month, year, now)) throw invalid('payment_details.year', 'The card has expired');
    const flowType = (details.flowType as string | undefined) ?? TERMINAL_FLOW_TYPES.emv;
    return { ...details, number, month, year, brand, flowType };
  },

  async authorize(details, { amount, currency, capture, processor, ids }) {
    const number = details.number as string;
    const publicDetails: Record<string, unknown> = {
      type: 'credit_card_terminal',
      brand: details.brand,
      last_four_digits: number.slice(-4),
      ...(details.month !== undefined ? { month: details.month } : {}),
      ...(details.year !== undefined ? { year: details.year } : {}),
    };
    const result = await processor.authorizeCard({
      number,
      month: (details.month as number | undefined) ?? 12,
      year: (details.year as number | undefined) ?? 9999,
      verificationValue: null,
      amount,
      currency,
    });
    const emv = details.flowType === TERMINAL_FLOW_TYPES.emv;
    if (!result.approved) return { outcome: 'declined', declineCode: result.code, publicDetails: { ...publicDetails, ...(emv ? { field55: issuerData('05', '') } : {}) } };
    return {
      outcome: capture && !emv ? 'captured' : 'authorized',
      publicDetails: { ...publicDetails, ...(emv ? { field55: issuerData('00', ids.digits(16)) } : {}), approval_number: ids.digits(6) },
      secretDetails: { number },
    };
  },
};
