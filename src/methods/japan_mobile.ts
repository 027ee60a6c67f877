import { Type } from '@sinclair/typebox';
import { offsiteMethod } from './_shared/offsite';

/** The carriers KOMOJU bills through: "Must be au, docomo, or softbank" (seeds/002, Japan Mobile). */
export const JAPAN_MOBILE_BRANDS = ['docomo', 'au', 'softbank'] as const;

/**
 * Carrier billing (d払い / auかんたん決済 / ソフトバンクまとめて支払い): the customer is sent to
 * the carrier to confirm. Request `brand` (required), response `provider` = that brand, as the
 * seed's example shows (`brand=docomo` → `"provider": "docomo"`).
 */
export const japanMobile = offsiteMethod({
  type: 'japan_mobile',
  names: { en: 'Carrier Billing', ja: 'キャリア決済', ko: '휴대폰 결제 (일본)' },
  currencies: ['JPY'],
  subtypes: JAPAN_MOBILE_BRANDS,
  fields: {
    brand: Type.Union(JAPAN_MOBILE_BRANDS.map((brand) => Type.Literal(brand))),
  },
  checkoutFields: [{ name: 'brand', label: { en: 'Mobile carrier', ja: '携帯電話会社', ko: '이동통신사' }, kind: 'select', required: true, options: JAPAN_MOBILE_BRANDS }],
  testScenarios: JAPAN_MOBILE_BRANDS.map((brand) => ({
    input: { brand },
    outcome: 'authorized' as const,
    note: `authorized with provider ${brand} and a redirect_url to the offsite simulator`,
  })),
  publicDetails: (details, { type, email, redirect_url }) => ({ type, email, provider: details.brand, redirect_url }),
});
