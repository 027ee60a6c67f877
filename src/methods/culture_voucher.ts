import { Type } from '@sinclair/typebox';
import type { PaymentMethod } from './method';
import { Credential, OptionalEmail, redeemWhole } from './_shared/prepaid';

/**
 * Culture Land voucher (문화상품권), Korea (seeds/002 example): `culture_id` and `culture_password`,
 * KRW, captured at once. The response shows `type`, `email` (null unless sent) and `culture_id`,
 * never the password, which goes to the issuer and is not kept. The seed has no test table: its
 * example id/password `11111111` succeeds, and every voucher holds 2,000 won in test mode, so a
 * larger total is declined `insufficient_funds` (all or nothing, INF: no continuation documented).
 */
export const cultureVoucher: PaymentMethod = {
  type: 'culture_voucher',
  names: { en: 'Culture Voucher', ja: 'カルチャーランド商品券', ko: '문화상품권' },
  currencies: ['KRW'],
  flow: 'immediate',
  refundable: true,
  detailsSchema: Type.Object(
    { type: Type.Literal('culture_voucher'), culture_id: Credential, culture_password: Credential, email: OptionalEmail },
    { additionalProperties: false },
  ),
  checkoutFields: [
    { name: 'culture_id', label: { en: 'Voucher PIN', ja: '商品券のPIN番号', ko: '상품권 PIN 번호' }, kind: 'text', required: true, autocomplete: 'username' },
    { name: 'culture_password', label: { en: 'Voucher password', ja: '商品券のパスワード', ko: '상품권 비밀번호' }, kind: 'password', required: true, autocomplete: 'current-password' },
  ],
  testScenarios: [
    { input: { culture_id: '11111111', culture_password: '11111111' }, outcome: 'captured', note: "the seed example's voucher (2,000 won in test mode)" },
  ],

  prepare: (details) => details,
  authorize(details, context) {
    const id = details.culture_id as string;
    return redeemWhole(
      'culture_voucher',
      {
        number: id,
        password: details.culture_password as string,
        publicDetails: { type: 'culture_voucher', email: details.email ?? null, culture_id: id },
      },
      context,
    );
  },
};
