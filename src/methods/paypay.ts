import { offsiteMethod } from './_shared/offsite';

/**
 * PayPay: QR wallet. Not in the seed; KOMOJU's SDK (ResponsePaymentDetailsPayPay) shows the
 * response `type, email, redirect_url, external_payment_id` ("Payment identifier returned by
 * PayPay") and komoju-fields' test session lists it with no additional inputs.
 *
 * There is no PayPay upstream here, so the identifier PayPay would return is made up when the
 * payment is created: 25 lowercase alphanumerics, like every other kessai id (from the
 * merchant's id source, so a seeded merchant's repeat).
 */
export const paypay = offsiteMethod({
  type: 'paypay',
  names: { en: 'PayPay', ja: 'PayPay', ko: 'PayPay' },
  currencies: ['JPY'],
  // Customer-mode sessions offer it when asked for: it has nothing to store, so never by default.
  customerMode: true,
  publicDetails: (_details, base, { ids }) => ({ ...base, external_payment_id: ids.alphanumeric(25) }),
});
