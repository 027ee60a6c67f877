import { Type } from '@sinclair/typebox';
import type { PaymentMethod } from './method';
import { OptionalEmail, PrepaidNumber, preparePrepaidNumber, redeemFirstCard, redeemNextCard } from './_shared/prepaid';
import { FIELD_LABELS } from './_shared/labels';

/**
 * WebMoney prepaid card (seeds/002, "WebMoney"): one 16-character `prepaid_number` per request.
 * A card that covers the total captures the payment; a short one leaves it `pending` (HTTP 202)
 * with `short_amount`, and PATCH /payments/:id with `payment_details[prepaid_number]` adds the next
 * card until it is captured. payment_deadline is null once captured, as the seed's example shows;
 * pending, the payment waits PENDING_WAIT_DAYS for the next card (prepaid.ts).
 */
export const webMoney: PaymentMethod = {
  type: 'web_money',
  names: { en: 'WebMoney', ja: 'WebMoney', ko: '웹머니' },
  currencies: ['JPY'],
  flow: 'immediate',
  refundable: true,
  detailsSchema: Type.Object(
    { type: Type.Literal('web_money'), prepaid_number: PrepaidNumber, email: OptionalEmail },
    { additionalProperties: false },
  ),
  checkoutFields: [{ name: 'prepaid_number', label: FIELD_LABELS.prepaid_number, kind: 'text', required: true, autocomplete: 'off' }],
  testScenarios: [
    { input: { prepaid_number: '1111111111111111' }, outcome: 'captured', note: '2,000-yen balance; a larger total stays pending (202) for another card' },
    { input: { prepaid_number: 'e111111111111112' }, outcome: 'invalid_number', note: 'invalid card number' },
    { input: { prepaid_number: 'e111111111111113' }, outcome: 'used_number', note: 'card already used' },
    { input: { prepaid_number: 'e111111111111114' }, outcome: 'card_declined', note: 'declined for an unknown reason' },
  ],

  prepare: (details) => preparePrepaidNumber(details),
  authorize: (details, context) => redeemFirstCard(details, context, null),
  continue: (details, previous, context) => redeemNextCard(details, previous, context, null),
};
