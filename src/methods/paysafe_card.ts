import { offsiteMethod } from './_shared/offsite';

/**
 * paysafecard: prepaid voucher (a 16-digit PIN bought at a kiosk) redeemed on paysafecard's own
 * page. The seed shows only a token example (`email`); per the digest's inference column it is
 * offsite, in the currencies paysafecard sells vouchers in that KOMOJU knows, EUR first.
 */
export const paysafeCard = offsiteMethod({
  type: 'paysafe_card',
  names: { en: 'paysafecard', ja: 'ペイセーフカード', ko: '페이세이프카드' },
  currencies: ['EUR', 'USD', 'GBP', 'CHF', 'PLN', 'CAD', 'AUD', 'NZD'],
});
