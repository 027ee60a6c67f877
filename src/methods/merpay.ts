import { offsiteMethod } from './_shared/offsite';

/**
 * Merpay (メルペイ): QR wallet, paid on Merpay's page. "Merpay payments have a minimum of ¥1 and a
 * maximum of ¥1,000,000" (seeds/002, Merpay → Restrictions); like konbini's limit it bounds the
 * total the customer pays.
 */
export const merpay = offsiteMethod({
  type: 'merpay',
  names: { en: 'Merpay', ja: 'メルペイ', ko: 'Merpay' },
  currencies: ['JPY'],
  limits: { min: 1, max: 1_000_000 },
  testScenarios: [
    { input: {}, outcome: 'authorized', note: 'a total of ¥1 to ¥1,000,000: authorized with a redirect_url' },
  ],
});
