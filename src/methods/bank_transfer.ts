import { Type } from '@sinclair/typebox';
import { PAYER_FIELDS, requirePayer } from './_shared/payer';
import { FULL_PAYER_CHECKOUT_FIELDS, TEST_FULL_PAYER } from './_shared/full-payer';
import type { PaymentMethod } from './method';

/**
 * Bank transfer (v1 reference, "Bank Transfer"): the customer wires the total to the account in
 * payment_details, writing `order_id` as the remitter's name so the transfer can be matched. The
 * payment stays `authorized` until the money arrives (`captured`; KOMOJU only in Japanese business
 * hours) or the deadline passes (`expired`). Cash: refunds go through refund requests.
 */

/**
 * "Payments expire after 14 days"; `expiry_days` up to 59. The reference's example sends
 * expiry_days=14 yet prints a deadline 7 days after creation; we honour expiry_days as given
 * (docs/decisions.md #5).
 */
const EXPIRY = { defaultDays: 14, maxDays: 59 };

/**
 * The collection account test-mode payments show: KOMOJU's own test-mode account as the
 * reference's example prints it. Only the account number (one virtual account per payment, as
 * Japanese banks issue them — 7 digits, the usual length) and `order_id` change per payment.
 * `account_type` is printed in Japanese as in the example, although the reference's table says
 * "savings or checking".
 */
export const TEST_COLLECTION_ACCOUNT = {
  bank_name: '三井住友銀行',
  account_branch_name: 'ひなぎく',
  account_type: '普通預金',
  account_name: '株式会社DEGICA(カブシキガイシャ デジカ)',
} as const;

const detailsSchema = Type.Object(
  {
    type: Type.Literal('bank_transfer'),
    ...PAYER_FIELDS,
    expiry_days: Type.Optional(Type.Integer({ minimum: 1, maximum: EXPIRY.maxDays })),
  },
  { additionalProperties: false },
);

export const bankTransfer: PaymentMethod = {
  type: 'bank_transfer',
  names: { en: 'Bank Transfer', ja: '銀行振込', ko: '은행 송금' },
  currencies: ['JPY'],
  // The reference documents no amount limits for bank transfers.
  expiry: EXPIRY,
  flow: 'async',
  refundable: false,
  detailsSchema,
  checkoutFields: FULL_PAYER_CHECKOUT_FIELDS,
  howToPay: {
    en: [
      'Transfer the exact total to the account above before the deadline.',
      'Enter the remitter name exactly as shown, so that your transfer can be matched to this payment.',
      'Transfer fees are paid by you.',
    ],
    ja: [
      'お支払い期限までに、上記の口座へお支払い金額ちょうどをお振り込みください。',
      '振込依頼人名は表示のとおりにご入力ください。ご入金の確認に使用します。',
      '振込手数料はお客様のご負担となります。',
    ],
    ko: [
      '결제 기한까지 위 계좌로 결제 금액을 정확히 송금하세요.',
      '송금인 이름은 표시된 그대로 입력하세요. 입금 확인에 사용됩니다.',
      '송금 수수료는 고객 부담입니다.',
    ],
  },
  testScenarios: [
    {
      input: TEST_FULL_PAYER,
      outcome: 'authorized',
      note: 'transfer details issued; pay them with POST /api/v1/test_helpers/payments/:id/pay or let them expire',
    },
  ],

  prepare(details) {
    // The reference marks only expiry_days optional; names (or `name`), kana, phone and e-mail
    // (here or top level) are required, as KOMOJU's SDK marks them.
    return requirePayer(details, { names: true, kana: true, phone: true, email: true });
  },

  async authorize(details, { urls, ids }) {
    return {
      outcome: 'authorized',
      publicDetails: {
        type: 'bank_transfer',
        email: details.email ?? null,
        // The example's `K6685338853`: a letter and ten digits, short enough for a remitter name.
        order_id: `K${ids.digits(10)}`,
        bank_name: TEST_COLLECTION_ACCOUNT.bank_name,
        account_branch_name: TEST_COLLECTION_ACCOUNT.account_branch_name,
        account_number: ids.digits(7),
        account_type: TEST_COLLECTION_ACCOUNT.account_type,
        account_name: TEST_COLLECTION_ACCOUNT.account_name,
        instructions_url: urls.instructions,
      },
    };
  },
};
