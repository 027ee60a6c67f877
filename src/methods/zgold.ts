import { offsiteMethod } from './_shared/offsite';

/**
 * zGold: the seed shows only a token example (`email`, `payment_details[return_url]`) — the
 * return_url is what marks it as a redirect method, and the digest's inference column says offsite.
 * No source names its currencies (the digest has "?"), so it takes every currency kessai knows
 * rather than guess a wrong one.
 */
export const zgold = offsiteMethod({
  type: 'zgold',
  names: { en: 'zGold', ja: 'zGold', ko: 'zGold' },
  currencies: 'all',
});
