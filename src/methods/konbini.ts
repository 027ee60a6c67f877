import { Type } from '@sinclair/typebox';
import { notOneOf, PAYER_FIELDS, requirePayer } from './_shared/payer';
import type { PaymentMethod } from './method';
import { FIELD_LABELS } from './_shared/labels';

/**
 * Convenience-store payment (v1 reference, "Convenience Store (Konbini)"): the customer pays a slip
 * at the store's till. The payment stays `authorized` until paid (`captured`) or past its deadline
 * (`expired`). Cash: refunds go through refund requests, never /refund.
 */

/** The store slugs the reference's table lists, in its order; GET /payment_methods shows them as subtypes. */
export const KONBINI_STORES = ['daily-yamazaki', 'family-mart', 'lawson', 'ministop', 'seicomart', 'seven-eleven'] as const;
export type KonbiniStore = (typeof KONBINI_STORES)[number];

/** The stores as KOMOJU's Hosted Page lists them for the customer: by how many shops each has. */
export const KONBINI_PICKER_ORDER: readonly KonbiniStore[] = ['seven-eleven', 'family-mart', 'lawson', 'ministop', 'daily-yamazaki', 'seicomart'];

/**
 * What each store prints or asks for. The reference says the confirmation code is "used by some
 * konbini"; its one example (Lawson, phone 090-1111-2222) shows receipt `90865708838` (11 digits)
 * and confirmation code `2222`, the phone's last four digits. So, as Lawson, Ministop, FamilyMart
 * and Seicomart do through the Japanese collection agencies (Stripe's konbini API likewise gives a
 * `confirmation_number` for exactly those four), the confirmation code is the phone's last four
 * digits (four random digits without a phone). Seven-Eleven prints a 13-digit payment slip number
 * (払込票番号) and asks for nothing else; Daily Yamazaki takes its 11-digit online payment number
 * alone: their confirmation_code is null.
 *
 * `barcode`: the store's till scans a barcode shown on the customer's phone, so the payment gets
 * a `barcode_url` (GET /barcodes/:payment_id). KOMOJU says only that "not all konbini payments are
 * compatible with barcodes"; kessai gives one to the four chains whose tills take a smartphone
 * barcode slip, and none to Daily Yamazaki and Seicomart (their number is typed at the till),
 * so both cases can be tested (docs/compatibility.md, "Barcodes and finalize").
 */
const SLIPS: Readonly<Record<KonbiniStore, { receiptDigits: number; confirmation: boolean; barcode: boolean }>> = {
  'daily-yamazaki': { receiptDigits: 11, confirmation: false, barcode: false },
  'family-mart': { receiptDigits: 11, confirmation: true, barcode: true },
  lawson: { receiptDigits: 11, confirmation: true, barcode: true },
  ministop: { receiptDigits: 11, confirmation: true, barcode: true },
  seicomart: { receiptDigits: 11, confirmation: true, barcode: false },
  'seven-eleven': { receiptDigits: 13, confirmation: false, barcode: true },
};

/** Default and maximum days to pay: "Payments expire after 3 days"; `expiry_days` up to 59. */
const EXPIRY = { defaultDays: 3, maxDays: 59 };

const detailsSchema = Type.Object(
  {
    type: Type.Literal('konbini'),
    store: Type.String({ minLength: 1, maxLength: 32 }),
    ...PAYER_FIELDS,
    expiry_days: Type.Optional(Type.Integer({ minimum: 1, maximum: EXPIRY.maxDays })),
  },
  { additionalProperties: false },
);

/**
 * A store as sent: the slug, or the same with underscores (the reference's own response table
 * writes `family_mart`), in any case.
 */
export function konbiniStore(value: string): KonbiniStore | null {
  const slug = value.trim().toLowerCase().replace(/_/g, '-');
  return (KONBINI_STORES as readonly string[]).includes(slug) ? (slug as KonbiniStore) : null;
}

export const konbini: PaymentMethod = {
  type: 'konbini',
  names: { en: 'Konbini', ja: 'コンビニ', ko: '편의점' },
  currencies: ['JPY'],
  // "minimum of 1 and a maximum of 300,000 JPY. The total is based on the amount + tax + transaction fee"
  limits: { min: 1, max: 300_000 },
  expiry: EXPIRY,
  flow: 'async',
  refundable: false,
  subtypes: KONBINI_STORES,
  storePicker: true,
  barcodes: true,
  detailsSchema,
  checkoutFields: [
    // The method's own heading already says コンビニ: the picker's legend says what to choose.
    { name: 'store', label: { en: 'Store to pay at', ja: 'お支払いするコンビニ', ko: '결제할 편의점' }, kind: 'select', required: true, options: KONBINI_PICKER_ORDER },
    { name: 'name', label: FIELD_LABELS.name, kind: 'text', required: false, autocomplete: 'name' },
    { name: 'email', label: FIELD_LABELS.email, kind: 'email', required: false, autocomplete: 'email' },
    { name: 'phone', label: FIELD_LABELS.phone, kind: 'tel', required: false, autocomplete: 'tel' },
  ],
  howToPay: {
    en: [
      'Go to the store named above before the deadline.',
      'Give the receipt number (and the confirmation code, if shown) at the till or the in-store terminal.',
      'Pay the total in cash and keep the receipt.',
    ],
    ja: [
      'お支払い期限までに、上記のコンビニへお越しください。',
      'レジまたは店頭端末で受付番号（表示があれば確認番号も）をお伝えください。',
      '現金でお支払いいただき、領収書をお受け取りください。',
    ],
    ko: [
      '결제 기한까지 위 편의점을 방문하세요.',
      '계산대 또는 매장 단말기에서 접수 번호(표시된 경우 확인 코드도)를 알려 주세요.',
      '현금으로 결제하고 영수증을 받으세요.',
    ],
  },
  testScenarios: KONBINI_STORES.map((store) => ({
    input: { store },
    outcome: 'authorized' as const,
    note: `${store} slip issued; pay it with POST /api/v1/test_helpers/payments/:id/pay or let it expire`,
  })),

  prepare(details) {
    const store = konbiniStore(String(details.store));
    if (!store) throw notOneOf('payment_details.store', String(details.store), KONBINI_STORES);
    // Email and phone are optional for konbini (docs/decisions.md #15); present ones must be valid.
    return { ...requirePayer(details, { names: false, kana: false, phone: false, email: false }), store };
  },

  async authorize(details, { urls, ids }) {
    const store = details.store as KonbiniStore;
    const slip = SLIPS[store];
    const phone = details.phone as string | undefined;
    const confirmationCode = slip.confirmation ? (phone ? phone.replace(/\D/g, '').slice(-4) : ids.digits(4)) : null;
    return {
      outcome: 'authorized',
      publicDetails: {
        type: 'konbini',
        email: details.email ?? null,
        store,
        confirmation_code: confirmationCode,
        receipt: ids.digits(slip.receiptDigits),
        instructions_url: urls.instructions,
        ...(slip.barcode ? { barcode_url: urls.barcode } : {}),
      },
    };
  },
};
