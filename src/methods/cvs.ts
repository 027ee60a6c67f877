import { Type } from '@sinclair/typebox';
import { PAYER_FIELDS, requirePayer } from './_shared/payer';
import type { PaymentMethod } from './method';
import { FIELD_LABELS } from './_shared/labels';

/**
 * `cvs` (convenience-store payment without a chosen store). The seed shows it only in a token
 * example — request `{type: 'cvs', email}`, echoed back — and KOMOJU's SDK adds a barcode to its
 * response. Where the seed is silent we infer (issue 3: "the closest documented behaviour") that it
 * is an async konbini-like method: JPY, konbini's total limits (1–300,000) and expiry (3 days, up
 * to 59), `authorized` until paid or expired, refunded only through refund requests. Its
 * payment_details are konbini's without the store: `type, email, receipt, instructions_url`, the
 * receipt being the 13-digit number a store's till scans or types in.
 */

const EXPIRY = { defaultDays: 3, maxDays: 59 };

const detailsSchema = Type.Object(
  {
    type: Type.Literal('cvs'),
    email: PAYER_FIELDS.email,
    phone: PAYER_FIELDS.phone,
    expiry_days: Type.Optional(Type.Integer({ minimum: 1, maximum: EXPIRY.maxDays })),
  },
  { additionalProperties: false },
);

export const cvs: PaymentMethod = {
  type: 'cvs',
  names: { en: 'Convenience Store', ja: 'コンビニ払い', ko: '편의점 결제' },
  currencies: ['JPY'],
  limits: { min: 1, max: 300_000 },
  expiry: EXPIRY,
  flow: 'async',
  refundable: false,
  detailsSchema,
  checkoutFields: [{ name: 'email', label: FIELD_LABELS.email, kind: 'email', required: false, autocomplete: 'email' }],
  howToPay: {
    en: [
      'Go to a convenience store before the deadline.',
      'Give the receipt number at the till.',
      'Pay the total in cash and keep the receipt.',
    ],
    ja: [
      'お支払い期限までに、コンビニへお越しください。',
      'レジで受付番号をお伝えください。',
      '現金でお支払いいただき、領収書をお受け取りください。',
    ],
    ko: [
      '결제 기한까지 편의점을 방문하세요.',
      '계산대에서 접수 번호를 알려 주세요.',
      '현금으로 결제하고 영수증을 받으세요.',
    ],
  },
  testScenarios: [
    {
      input: { email: 'foo@bar.com' },
      outcome: 'authorized',
      note: 'payment number issued; pay it with POST /api/v1/test_helpers/payments/:id/pay or let it expire',
    },
  ],

  prepare(details) {
    return requirePayer(details, { names: false, kana: false, phone: false, email: false });
  },

  async authorize(details, { urls, ids }) {
    return {
      outcome: 'authorized',
      publicDetails: {
        type: 'cvs',
        email: details.email ?? null,
        receipt: ids.digits(13),
        instructions_url: urls.instructions,
      },
    };
  },
};
