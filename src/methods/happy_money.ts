import { Type } from '@sinclair/typebox';
import type { PaymentMethod } from './method';
import { Credential, OptionalEmail, redeemWhole } from './_shared/prepaid';

/**
 * Happy Money gift card (해피머니), Korea (seeds/002 example): `happy_money_id` and
 * `happy_money_password`, KRW, captured at once. The response shows `type`, `email` (null unless
 * sent) and `happy_money_id`, never the password, which goes to the issuer and is not kept. No test
 * table in the seed: its example id/password `11111111` succeeds, every voucher holds 2,000 won in
 * test mode, and a larger total is declined `insufficient_funds` (all or nothing, INF).
 */
export const happyMoney: PaymentMethod = {
  type: 'happy_money',
  names: { en: 'Happy Money', ja: 'ハッピーマネー', ko: '해피머니' },
  currencies: ['KRW'],
  flow: 'immediate',
  refundable: true,
  detailsSchema: Type.Object(
    { type: Type.Literal('happy_money'), happy_money_id: Credential, happy_money_password: Credential, email: OptionalEmail },
    { additionalProperties: false },
  ),
  checkoutFields: [
    { name: 'happy_money_id', label: { en: 'Gift card PIN', ja: 'ギフトカードのPIN番号', ko: '상품권 PIN 번호' }, kind: 'text', required: true, autocomplete: 'username' },
    { name: 'happy_money_password', label: { en: 'Gift card password', ja: 'ギフトカードのパスワード', ko: '상품권 비밀번호' }, kind: 'password', required: true, autocomplete: 'current-password' },
  ],
  testScenarios: [
    { input: { happy_money_id: '11111111', happy_money_password: '11111111' }, outcome: 'captured', note: "the seed example's voucher (2,000 won in test mode)" },
  ],

  prepare: (details) => details,
  authorize(details, context) {
    const id = details.happy_money_id as string;
    return redeemWhole(
      'happy_money',
      {
        number: id,
        password: details.happy_money_password as string,
        publicDetails: { type: 'happy_money', email: details.email ?? null, happy_money_id: id },
      },
      context,
    );
  },
};
