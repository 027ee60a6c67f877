import { offsiteMethod } from './_shared/offsite';

/**
 * Korean carrier billing (휴대폰 결제): the seed's first example (KRW, `tax=0`). The customer
 * picks the carrier on the PG's page, so the response's `provider` is null at creation — the
 * example shows exactly `"provider": null` — and `redirect_url` points at that page (here: the
 * offsite simulator instead of the example's testpg.payletter.com).
 */
export const mobile = offsiteMethod({
  type: 'mobile',
  names: { en: 'Mobile Payments (Korea)', ja: '携帯決済（韓国）', ko: '휴대폰 결제' },
  currencies: ['KRW'],
  publicDetails: (_details, { type, email, redirect_url }) => ({ type, email, provider: null, redirect_url }),
});
