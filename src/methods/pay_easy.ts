import { Type } from '@sinclair/typebox';
import { PAYER_FIELDS, requirePayer } from './_shared/payer';
import { FULL_PAYER_CHECKOUT_FIELDS, TEST_FULL_PAYER } from './_shared/full-payer';
import type { PaymentMethod } from './method';

/**
 * PayEasy (v1 reference, "PayEasy"): the customer pays from online banking or an ATM with three
 * codes. The payment stays `authorized` until paid (`captured`) or past its deadline (`expired`).
 * Cash: refunds go through refund requests.
 */

/**
 * "Payments expire after 10 days". The reference lists no expiry_days for PayEasy; we accept it
 * up to 59 days like the other cash methods rather than silently dropping it.
 */
const EXPIRY = { defaultDays: 10, maxDays: 59 };

/**
 * The collection agency's number (収納機関番号) is fixed per agency, so every payment shows the
 * example's `58191`. The customer number (20 digits) and confirmation number (6 digits) are
 * issued per payment, with the lengths the example prints.
 */
export const PAY_EASY_BANK_ID = '58191';

const detailsSchema = Type.Object(
  {
    type: Type.Literal('pay_easy'),
    ...PAYER_FIELDS,
    expiry_days: Type.Optional(Type.Integer({ minimum: 1, maximum: EXPIRY.maxDays })),
  },
  { additionalProperties: false },
);

export const payEasy: PaymentMethod = {
  type: 'pay_easy',
  names: { en: 'PayEasy', ja: 'ペイジー', ko: '페이지' },
  currencies: ['JPY'],
  // "PayEasy payments have a minimum of ¥1 and a maximum of ¥999,999."
  limits: { min: 1, max: 999_999 },
  expiry: EXPIRY,
  flow: 'async',
  refundable: false,
  detailsSchema,
  checkoutFields: FULL_PAYER_CHECKOUT_FIELDS,
  howToPay: {
    en: [
      'In online banking or at an ATM showing the Pay-easy mark, choose “Pay-easy”.',
      'Enter the collection agency number, the customer number and the confirmation number above.',
      'Check the amount and confirm the payment before the deadline.',
    ],
    ja: [
      'ペイジーマークのあるATMまたはインターネットバンキングで「税金・料金払込み」を選びます。',
      '上記の収納機関番号、お客様番号、確認番号を入力します。',
      '金額を確認し、お支払い期限までにお支払いください。',
    ],
    ko: [
      'Pay-easy 마크가 있는 ATM 또는 인터넷 뱅킹에서 “Pay-easy”를 선택하세요.',
      '위의 수납기관 번호, 고객 번호, 확인 번호를 입력하세요.',
      '금액을 확인하고 결제 기한까지 결제하세요.',
    ],
  },
  testScenarios: [
    {
      input: TEST_FULL_PAYER,
      outcome: 'authorized',
      note: 'PayEasy codes issued; pay them with POST /api/v1/test_helpers/payments/:id/pay or let them expire',
    },
  ],

  prepare(details) {
    // The reference marks none of the fields optional; the bank's customer record needs the names
    // in kanji and katakana and the phone, and the codes go out by e-mail (here or top level).
    return requirePayer(details, { names: true, kana: true, phone: true, email: true });
  },

  async authorize(details, { urls, ids }) {
    return {
      outcome: 'authorized',
      publicDetails: {
        type: 'pay_easy',
        email: details.email ?? null,
        bank_id: PAY_EASY_BANK_ID,
        customer_id: ids.digits(20),
        confirmation_id: ids.digits(6),
        instructions_url: urls.instructions,
      },
    };
  },
};
