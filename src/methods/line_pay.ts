import { offsiteMethod } from './_shared/offsite';

/**
 * LINE Pay: a wallet app; the customer pays on LINE's page (seeds/002, LINE Pay — marked "in
 * development" there, implemented like the other offsite methods per docs/decisions.md #20).
 * Request `email`, `return_url`; response `type, email, redirect_url`.
 */
export const linePay = offsiteMethod({
  type: 'line_pay',
  names: { en: 'LINE Pay', ja: 'LINE Pay', ko: 'LINE Pay' },
  currencies: ['JPY'],
});
