import { Type } from '@sinclair/typebox';
import type { PaymentMethod } from './method';
import { daysAfter, OptionalEmail, PrepaidNumber, preparePrepaidNumber, redeemFirstCard, redeemNextCard } from './_shared/prepaid';
import { FIELD_LABELS } from './_shared/labels';

/**
 * The seed's example has payment_deadline exactly 7 days after created_at (07:42:12Z → 07:42:12Z),
 * not end of day Tokyo like the async methods.
 */
const DEADLINE_DAYS = 7;

/**
 * NET CASH prepaid card (seeds/002, "NET CASH": "Same case of WebMoney"): one 16-character
 * `prepaid_number` per request, continued through PATCH /payments/:id while the payment is
 * `pending` with a `short_amount`. The seed documents only the 2,000-yen card; the test processor
 * applies WebMoney's failure numbers to NET CASH too.
 */
export const netCash: PaymentMethod = {
  type: 'net_cash',
  names: { en: 'NET CASH', ja: 'NET CASH', ko: '넷캐시' },
  currencies: ['JPY'],
  flow: 'immediate',
  refundable: true,
  detailsSchema: Type.Object(
    { type: Type.Literal('net_cash'), prepaid_number: PrepaidNumber, email: OptionalEmail },
    { additionalProperties: false },
  ),
  checkoutFields: [{ name: 'prepaid_number', label: FIELD_LABELS.prepaid_number, kind: 'text', required: true, autocomplete: 'off' }],
  testScenarios: [
    { input: { prepaid_number: '1111111111111111' }, outcome: 'captured', note: '2,000-yen balance; a larger total stays pending (202) for another card' },
    { input: { prepaid_number: 'e111111111111112' }, outcome: 'invalid_number', note: "invalid card number (WebMoney's table)" },
    { input: { prepaid_number: 'e111111111111113' }, outcome: 'used_number', note: "card already used (WebMoney's table)" },
    { input: { prepaid_number: 'e111111111111114' }, outcome: 'card_declined', note: "declined for an unknown reason (WebMoney's table)" },
  ],

  prepare: (details) => preparePrepaidNumber(details),
  authorize: (details, context) => redeemFirstCard(details, context, daysAfter(context.now, DEADLINE_DAYS)),
  continue: (details, previous, context) => redeemNextCard(details, previous, context),
};
