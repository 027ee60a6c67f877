import { offsiteMethod } from './_shared/offsite';

/**
 * Paysafecash: the customer gets a barcode on Paysafe's page and pays it in cash at a shop. The
 * seed shows only a token example (`email`); per the digest's inference column it is offsite (the
 * barcode lives on Paysafe's page, not ours), in paysafecash's currencies that KOMOJU knows.
 */
export const paysafeCash = offsiteMethod({
  type: 'paysafe_cash',
  names: { en: 'Paysafecash', ja: 'ペイセーフキャッシュ', ko: '페이세이프캐시' },
  currencies: ['EUR', 'USD', 'GBP', 'CHF', 'PLN', 'CAD'],
});
