import { Type } from '@sinclair/typebox';
import { invalid } from '../kernel/errors';
import type { PaymentMethod } from './method';
import { OptionalEmail, PrepaidNumber, preparePrepaidNumber, redeemFirstCard, redeemNextCard } from './_shared/prepaid';
import { FIELD_LABELS } from './_shared/labels';

/**
 * Steam prepaid card. The seed shows only a token example (`prepaid_number`, `email`; the token
 * echoes `type, email`), so the rest is inferred (digest §5.1: "IMM (INF)"), stated here:
 * - JPY: KOMOJU's hosted page lists it for JPY sessions (komoju-fields test session).
 * - Multi-card flow and response shape of WebMoney (`short_amount`, `prepaid_cards`): KOMOJU's SDK
 *   says BitCash alone of the prepaid methods cannot take more cards.
 * - The SDK also lists `prepaid_numbers` (several cards in one request). We take one card per
 *   request and continue through PATCH, so a refused card never leaves a half-spent request; a
 *   request naming `prepaid_numbers` is refused (invalid_parameter) rather than silently ignored.
 * - payment_deadline as for WebMoney (null, or PENDING_WAIT_DAYS while pending); no failure numbers
 *   documented (WebMoney's apply).
 */
export const steamPrepaidCard: PaymentMethod = {
  type: 'steam_prepaid_card',
  names: { en: 'Steam Prepaid Card', ja: 'Steamプリペイドカード', ko: '스팀 선불카드' },
  currencies: ['JPY'],
  flow: 'immediate',
  refundable: true,
  detailsSchema: Type.Object(
    {
      type: Type.Literal('steam_prepaid_card'),
      prepaid_number: PrepaidNumber,
      email: OptionalEmail,
      // Declared so that it is refused explicitly: `removeAdditional` would drop it without a word.
      prepaid_numbers: Type.Optional(Type.Unknown()),
    },
    { additionalProperties: false },
  ),
  checkoutFields: [{ name: 'prepaid_number', label: FIELD_LABELS.prepaid_number, kind: 'text', required: true, autocomplete: 'off' }],
  testScenarios: [
    { input: { prepaid_number: '1111111111111111' }, outcome: 'captured', note: "the seed's token example card; 2,000 yen like every test card (INF)" },
  ],

  prepare(details) {
    if (details.prepaid_numbers !== undefined) {
      throw invalid('payment_details.prepaid_numbers', 'Send one prepaid_number per request; add more cards with PATCH /payments/:id');
    }
    return preparePrepaidNumber(details);
  },
  authorize: (details, context) => redeemFirstCard(details, context, null),
  continue: (details, previous, context) => redeemNextCard(details, previous, context, null),
};
