import { Type } from '@sinclair/typebox';
import type { PaymentMethod } from './method';
import { Credential, OptionalEmail, redeemWhole } from './_shared/prepaid';

/**
 * Dospara account payment. The seed shows only a token example (`user_no`, `user_password`; the
 * token echoes `type` alone), so the rest is inferred (digest §5.1 "JPY (INF)", "IMM (INF)"),
 * stated here:
 * - JPY (Dospara is a Japanese shop) and captured at once from the account's balance, all or
 *   nothing: a short balance is declined `insufficient_funds` (no continuation is documented).
 * - Response `type, email, user_no` — KOMOJU's SDK response model for dospara; never the password,
 *   which goes to the issuer and is not kept.
 * - payment_deadline null; every account holds 2,000 yen in test mode (the seed's `12345` works).
 */
export const dospara: PaymentMethod = {
  type: 'dospara',
  names: { en: 'Dospara', ja: 'ドスパラ', ko: '도스파라' },
  currencies: ['JPY'],
  flow: 'immediate',
  refundable: true,
  detailsSchema: Type.Object(
    { type: Type.Literal('dospara'), user_no: Credential, user_password: Credential, email: OptionalEmail },
    { additionalProperties: false },
  ),
  checkoutFields: [
    { name: 'user_no', label: { en: 'Member number', ja: '会員番号', ko: '회원 번호' }, kind: 'text', required: true, autocomplete: 'username' },
    { name: 'user_password', label: { en: 'Password', ja: 'パスワード', ko: '비밀번호' }, kind: 'password', required: true, autocomplete: 'current-password' },
  ],
  testScenarios: [
    { input: { user_no: '12345', user_password: 'password' }, outcome: 'captured', note: "the seed's token example account (2,000 yen in test mode)" },
  ],

  prepare: (details) => details,
  authorize(details, context) {
    const userNo = details.user_no as string;
    return redeemWhole(
      'dospara',
      {
        number: userNo,
        password: details.user_password as string,
        publicDetails: { type: 'dospara', email: details.email ?? null, user_no: userNo },
      },
      context,
    );
  },
};
