import { Type } from '@sinclair/typebox';
import type { PaymentMethod } from './method';
import { daysAfter, OptionalEmail, PrepaidNumber, preparePrepaidNumber, redeemFirstCard, redeemNextCard } from './_shared/prepaid';
import { FIELD_LABELS } from './_shared/labels';

/** The seed's example: payment_deadline exactly 7 days after created_at, like NET CASH. */
const DEADLINE_DAYS = 7;

/**
 * nanaco gift card (seeds/002 example only; no description or test table).
 *
 * Continuation — the sources do not say (digest §5.4: "nanaco not stated"). We continue it like
 * WebMoney: the seed's nanaco response has exactly WebMoney's shape (`short_amount`,
 * `prepaid_cards`), which only means something when a payment can be short, and KOMOJU's SDK notes
 * on BitCash alone that it, "unlike other prepaid payment methods", cannot be updated with more
 * cards. Failure numbers: none documented; the test processor applies WebMoney's.
 */
export const nanaco: PaymentMethod = {
  type: 'nanaco',
  names: { en: 'nanaco', ja: 'nanaco', ko: '나나코' },
  currencies: ['JPY'],
  flow: 'immediate',
  refundable: true,
  detailsSchema: Type.Object(
    { type: Type.Literal('nanaco'), prepaid_number: PrepaidNumber, email: OptionalEmail },
    { additionalProperties: false },
  ),
  checkoutFields: [{ name: 'prepaid_number', label: FIELD_LABELS.prepaid_number, kind: 'text', required: true, autocomplete: 'off' }],
  testScenarios: [
    { input: { prepaid_number: '1111111111111111' }, outcome: 'captured', note: "the seed example's card; 2,000 yen like every test card (INF)" },
  ],

  prepare: (details) => preparePrepaidNumber(details),
  authorize: (details, context) => redeemFirstCard(details, context, daysAfter(context.now, DEADLINE_DAYS)),
  continue: (details, previous, context) => redeemNextCard(details, previous, context),
};
