import { Type } from '@sinclair/typebox';
import type { PaymentMethod } from './method';
import { OptionalEmail, PrepaidNumber, preparePrepaidNumber, redeemWhole } from './_shared/prepaid';
import { FIELD_LABELS } from './_shared/labels';

/**
 * BitCash prepaid card (seeds/002, "BitCash"): like WebMoney, except that it "does not support
 * continuing requests with additional prepaid cards" — the customer merges cards on the BitCash
 * site. So a balance short of the total is a decline (`insufficient_funds`, HTTP 502) that spends
 * nothing, and the response shows only `type` and `email`. payment_deadline null (seed example).
 */
export const bitCash: PaymentMethod = {
  type: 'bit_cash',
  names: { en: 'BitCash', ja: 'ビットキャッシュ', ko: '비트캐시' },
  currencies: ['JPY'],
  flow: 'immediate',
  refundable: true,
  detailsSchema: Type.Object(
    { type: Type.Literal('bit_cash'), prepaid_number: PrepaidNumber, email: OptionalEmail },
    { additionalProperties: false },
  ),
  checkoutFields: [{ name: 'prepaid_number', label: FIELD_LABELS.prepaid_number, kind: 'text', required: true, autocomplete: 'off' }],
  testScenarios: [
    { input: { prepaid_number: '1111111111111111' }, outcome: 'captured', note: '2,000-yen balance; a larger total is declined insufficient_funds' },
    { input: { prepaid_number: 'e111111111111112' }, outcome: 'invalid_number', note: 'invalid card number' },
    { input: { prepaid_number: 'e111111111111113' }, outcome: 'card_declined', note: 'declined for an unknown reason' },
  ],

  prepare: (details) => preparePrepaidNumber(details),
  authorize(details, context) {
    const number = details.prepaid_number as string;
    return redeemWhole(
      'bit_cash',
      { number, password: null, publicDetails: { type: 'bit_cash', email: details.email ?? null }, secretDetails: { prepaid_number: number } },
      context,
    );
  },
};
