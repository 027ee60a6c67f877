import { Type, type TProperties } from '@sinclair/typebox';
import type { Currency } from '../../kernel/money';
import type { CheckoutField, PaymentMethod } from '../method';
import { offsiteMethod, present } from './offsite';
import { FIELD_LABELS } from './labels';

/**
 * KOMOJU's other offsite types: every slug of the SDK's PaymentType enum (digest §5.1, "others in
 * SDK enum") that has no module of its own, as one table. Each row becomes a PaymentMethod through
 * the shared offsite helper: `authorized` with a redirect_url to the offsite simulator, refundable
 * through /refund, expiring a day after creation when the customer never finishes (OFFSITE_WAIT_MS).
 *
 * Columns:
 * - `currencies`: the provider's home currencies that KOMOJU's currency enum has, the one
 *   GET /payment_methods shows first. No KOMOJU source lists them per method (INF), except
 *   komoju-fields' test session: aupay, alipay in JPY and giropay in EUR.
 * - `fields` = KOMOJU's `additional_fields`, the inputs the hosted page must collect. komoju-fields
 *   renders `name`, `email` and `phone` and requires them on the page. Sourced: alipay, giropay
 *   `["name"]`, paypay/aupay `[]` (komoju-fields test-app/test-session.mjs). Inferred (INF, from the
 *   providers' own APIs): Przelewy24 and Dragonpay e-mail the payer, OVO pushes the payment to
 *   the customer's phone number. Every other row: `[]`.
 *   Through the API these inputs are optional — the SDK's PaymentDetails models for these types
 *   require only `type` — but validated when sent, and kept encrypted, never echoed.
 * - names as GET /payment_methods shows them (`name_en`, `name_ja`, `name_ko`).
 *
 * `credit_card_korea` and `credit_card_brazil` are card schemes KOMOJU routes to a local acquirer;
 * here the card is entered on the simulator page like any offsite payment, so card fields sent to
 * the API are dropped, never stored.
 */
type AdditionalField = 'name' | 'email' | 'phone';

interface OffsiteRow {
  type: string;
  currencies: readonly Currency[];
  fields: readonly AdditionalField[];
  names: [en: string, ja: string, ko: string];
}

export const OFFSITE_TABLE: readonly OffsiteRow[] = [
  { type: 'alipay', currencies: ['JPY', 'CNY', 'USD'], fields: ['name'], names: ['Alipay', 'Alipay（支付宝）', '알리페이'] },
  { type: 'alipay_hk', currencies: ['HKD'], fields: [], names: ['AlipayHK', 'AlipayHK', '알리페이HK'] },
  { type: 'amazon_pay', currencies: ['JPY'], fields: [], names: ['Amazon Pay', 'Amazon Pay', '아마존 페이'] },
  { type: 'au', currencies: ['JPY'], fields: [], names: ['au Carrier Billing', 'auかんたん決済', 'au 간편결제'] },
  { type: 'aupay', currencies: ['JPY'], fields: [], names: ['au PAY', 'au PAY', 'au PAY'] },
  { type: 'bancontact', currencies: ['EUR'], fields: [], names: ['Bancontact', 'Bancontact', '방콘택트'] },
  { type: 'banrisul', currencies: ['BRL'], fields: [], names: ['Banrisul', 'Banrisul', '반리술'] },
  { type: 'blik', currencies: ['PLN'], fields: [], names: ['BLIK', 'BLIK', 'BLIK'] },
  { type: 'credit_card_korea', currencies: ['KRW'], fields: [], names: ['Korean Credit Card', '韓国クレジットカード', '국내 신용카드'] },
  { type: 'credit_card_brazil', currencies: ['BRL'], fields: [], names: ['Brazilian Credit Card', 'ブラジルクレジットカード', '브라질 신용카드'] },
  { type: 'dana', currencies: ['IDR'], fields: [], names: ['DANA', 'DANA', 'DANA'] },
  { type: 'docomo', currencies: ['JPY'], fields: [], names: ['docomo Carrier Billing', 'ドコモ払い', '도코모 휴대폰 결제'] },
  { type: 'doku_wallet', currencies: ['IDR'], fields: [], names: ['DOKU Wallet', 'DOKU Wallet', 'DOKU 월렛'] },
  { type: 'dragonpay', currencies: ['PHP'], fields: ['email'], names: ['Dragonpay', 'Dragonpay', '드래곤페이'] },
  { type: 'enets', currencies: ['SGD'], fields: [], names: ['eNETS', 'eNETS', 'eNETS'] },
  { type: 'epospay', currencies: ['JPY'], fields: [], names: ['EPOS Pay', 'エポスPay', 'EPOS Pay'] },
  { type: 'eps', currencies: ['EUR'], fields: [], names: ['EPS', 'EPS', 'EPS'] },
  { type: 'fpx', currencies: ['MYR'], fields: [], names: ['FPX', 'FPX', 'FPX'] },
  { type: 'gcash', currencies: ['PHP'], fields: [], names: ['GCash', 'GCash', 'GCash'] },
  { type: 'giropay', currencies: ['EUR'], fields: ['name'], names: ['giropay', 'giropay', '지로페이'] },
  { type: 'ideal', currencies: ['EUR'], fields: [], names: ['iDEAL', 'iDEAL', 'iDEAL'] },
  { type: 'kakaopay', currencies: ['KRW'], fields: [], names: ['KakaoPay', 'カカオペイ', '카카오페이'] },
  { type: 'multibanco', currencies: ['EUR'], fields: [], names: ['Multibanco', 'Multibanco', '멀티방코'] },
  { type: 'mybank', currencies: ['EUR'], fields: [], names: ['MyBank', 'MyBank', 'MyBank'] },
  { type: 'narvesen', currencies: ['EUR'], fields: [], names: ['Narvesen', 'Narvesen', 'Narvesen'] },
  { type: 'naverpay', currencies: ['KRW'], fields: [], names: ['Naver Pay', 'NAVER Pay', '네이버페이'] },
  { type: 'ovo', currencies: ['IDR'], fields: ['phone'], names: ['OVO', 'OVO', 'OVO'] },
  { type: 'payco', currencies: ['KRW'], fields: [], names: ['PAYCO', 'PAYCO', '페이코'] },
  { type: 'paypost', currencies: ['EUR'], fields: [], names: ['PayPost', 'PayPost', 'PayPost'] },
  { type: 'paysera', currencies: ['EUR'], fields: [], names: ['Paysera', 'Paysera', 'Paysera'] },
  { type: 'payu', currencies: ['PLN'], fields: [], names: ['PayU', 'PayU', 'PayU'] },
  { type: 'perlas', currencies: ['EUR'], fields: [], names: ['Perlas', 'Perlas', 'Perlas'] },
  { type: 'pix', currencies: ['BRL'], fields: [], names: ['Pix', 'Pix', '픽스'] },
  { type: 'poli', currencies: ['AUD', 'NZD'], fields: [], names: ['POLi', 'POLi', 'POLi'] },
  { type: 'przelewy24', currencies: ['PLN', 'EUR'], fields: ['email'], names: ['Przelewy24', 'Przelewy24', 'Przelewy24'] },
  { type: 'rakutenpay', currencies: ['JPY'], fields: [], names: ['Rakuten Pay', '楽天ペイ', '라쿠텐 페이'] },
  { type: 'sofortbanking', currencies: ['EUR', 'GBP', 'CHF', 'PLN'], fields: [], names: ['Sofort', 'Sofort', '소포트'] },
  { type: 'softbank', currencies: ['JPY'], fields: [], names: ['SoftBank Carrier Billing', 'ソフトバンクまとめて支払い', '소프트뱅크 휴대폰 결제'] },
  { type: 'tng', currencies: ['MYR'], fields: [], names: ["Touch 'n Go eWallet", "Touch 'n Go eWallet", '터치앤고'] },
  { type: 'truemoney', currencies: ['THB'], fields: [], names: ['TrueMoney Wallet', 'TrueMoney Wallet', '트루머니'] },
  { type: 'unionpay', currencies: ['JPY', 'CNY', 'USD'], fields: [], names: ['UnionPay', '銀聯（UnionPay）', '은련카드'] },
  { type: 'wechatpay', currencies: ['JPY', 'CNY', 'USD'], fields: [], names: ['WeChat Pay', 'WeChat Pay', '위챗페이'] },
];

/** How the hosted page asks for each additional field, and what the API accepts for it. */
const FIELD_INPUTS: Record<AdditionalField, { checkout: CheckoutField; schema: TProperties[string] }> = {
  name: {
    checkout: { name: 'name', label: FIELD_LABELS.name, kind: 'text', required: true, autocomplete: 'name' },
    schema: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
  },
  email: {
    checkout: { name: 'email', label: FIELD_LABELS.email, kind: 'email', required: true, autocomplete: 'email' },
    schema: Type.Optional(Type.String({ format: 'email', maxLength: 255 })),
  },
  phone: {
    checkout: { name: 'phone', label: FIELD_LABELS.phone, kind: 'tel', required: true, autocomplete: 'tel' },
    schema: Type.Optional(Type.String({ pattern: '^\\+?[0-9][0-9 -]{5,30}$' })),
  },
};

function methodFromRow(row: OffsiteRow): PaymentMethod {
  const [en, ja, ko] = row.names;
  // `email` is a common offsite field already: it is public (echoed) rather than secret.
  const secretKeys = row.fields.filter((field) => field !== 'email');
  return offsiteMethod({
    type: row.type,
    names: { en, ja, ko },
    currencies: row.currencies,
    fields: Object.fromEntries(row.fields.map((field) => [field, FIELD_INPUTS[field].schema])),
    checkoutFields: row.fields.map((field) => FIELD_INPUTS[field].checkout),
    secretDetails: (details) => present(details, secretKeys),
  });
}

/** One PaymentMethod per row; spread into the registry. */
export const OFFSITE_TABLE_METHODS: readonly PaymentMethod[] = OFFSITE_TABLE.map(methodFromRow);
