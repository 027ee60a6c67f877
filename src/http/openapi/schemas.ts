import { Type, type TSchema } from '@sinclair/typebox';
import { ERROR_CATALOGUE } from '../../kernel/errors';
import { ChargebackEventData, ChargebackPaymentMethod, ChargebackRequestDetail, ChargebackRequestListItem } from './chargeback-schemas';
import { ShowBarcodeResponse } from './barcode-schema';
import { Email } from './email-schema';
import { TestClock, TestDataReset } from './test-helper-schemas';
import { WebhookAttempt } from './webhook-simulation';
import { Id, literals, nullable, ref, Timestamp } from './schema-primitives';
import { DeletedWebhook, Webhook, WebhookDelivery } from './webhook-schemas';

export { ref };
import { TestSeed } from './test-seed-schema';
import { LEDGER_COMPONENTS } from './ledger-schemas';
import { Subscription } from './subscription-schema';

/**
 * The response bodies of the API as JSON Schema (TypeBox), for the OpenAPI document only: routes
 * send pre-rendered JSON strings (so that idempotent replays are byte for byte the same), which
 * Fastify never re-serialises, so these schemas cannot drop a field. They describe what the
 * serialisers in src/wire/ print, field for field; test/http/openapi.test.ts and the response
 * check of the test harness (test/helpers/response-check.ts) hold every response the test suite
 * receives against them, with undeclared fields refused — so a serialiser cannot drift from them.
 *
 * Each schema has an `$id`: registered with `app.addSchema`, it becomes
 * `#/components/schemas/<$id>` in the document, and `ref('Payment')` points at it.
 */

const Metadata = Type.Record(Type.String(), Type.String(), { description: 'String keys (≤ 30 characters) to string values (≤ 2,000); `{}` when none.' });

const PAYMENT_STATUSES = ['pending', 'authorized', 'captured', 'refunded', 'cancelled', 'expired', 'failed'] as const;

export const ErrorObject = Type.Object(
  {
    code: literals(Object.keys(ERROR_CATALOGUE), 'Machine-readable code; the HTTP status follows from it (see docs/api.md).'),
    message: Type.String({ description: 'English, for people.' }),
    param: nullable(Type.String(), 'The offending parameter in dotted form (`payment_details.number`), or null.'),
    details: Type.Optional(
      Type.Object(
        {
          errors: Type.Array(
            Type.Object({
              param: Type.String({ description: 'An offending parameter, dotted.' }),
              code: literals(['missing_parameter', 'invalid_parameter'], 'What is wrong with it.'),
              message: Type.String({ description: 'English, for people.' }),
            }),
            { description: "Every parameter the request got wrong, the error's own `param` first." },
          ),
        },
        { description: "KOMOJU's SDK APIErrorBody `details`: sent on `missing_parameter` and `invalid_parameter` errors naming a param, only." },
      ),
    ),
  },
  { $id: 'ErrorObject' },
);

export const ErrorBody = Type.Object(
  { error: ref('ErrorObject') },
  { $id: 'Error', description: "KOMOJU's error envelope, for every 4xx and 5xx answer." },
);

export const PaySessionError = Type.Object(
  { error: ref('ErrorObject'), status: Type.Literal('error') },
  { $id: 'PaySessionError', description: 'A failed `POST /sessions/:id/pay`: the error envelope plus `"status": "error"`.' },
);

export const PaymentDetails = Type.Object(
  {
    type: Type.String({ description: 'The payment method (`credit_card`, `konbini`, …).' }),
    email: Type.Optional(nullable(Type.String())),
    brand: Type.Optional(Type.String({ description: 'credit_card: `visa`, `master`, `jcb`, `american_express`, `diners_club`.' })),
    last_four_digits: Type.Optional(Type.String()),
    month: Type.Optional(Type.Integer()),
    year: Type.Optional(Type.Integer()),
    redirect_url: Type.Optional(nullable(Type.String(), 'Offsite methods: where to send the customer.')),
    instructions_url: Type.Optional(Type.String({ description: 'konbini, bank_transfer, pay_easy: the payment instructions page.' })),
    store: Type.Optional(Type.String({ description: 'konbini: the store chain slug.' })),
    confirmation_code: Type.Optional(nullable(Type.String())),
    receipt: Type.Optional(Type.String()),
    barcode_url: Type.Optional(Type.String({ description: 'konbini at a store whose till scans barcodes: GET /barcodes/:payment_id.' })),
    short_amount: Type.Optional(Type.Integer({ description: 'Prepaid cards: what is still to be paid (HTTP 202 while > 0).' })),
  },
  {
    $id: 'PaymentDetails',
    additionalProperties: true,
    description:
      'What the method shows of the details: its `type` and non-secret fields, which vary per method (see the examples). Never a full card number, CVV, password or birthday.',
  },
);

export const Refund = Type.Object(
  {
    id: Id,
    resource: Type.Literal('refund'),
    amount: Type.Integer({ description: 'Tax-inclusive, minor units.' }),
    currency: Type.String(),
    payment: Id,
    description: nullable(Type.String()),
    created_at: Timestamp,
    chargeback: Type.Boolean(),
  },
  { $id: 'Refund' },
);

export const RefundRequest = Type.Object(
  {
    id: Id,
    resource: Type.Literal('refund_request'),
    payment: Id,
    amount: Type.Integer(),
    customer_name: Type.String(),
    bank_name: Type.String(),
    bank_code: nullable(Type.String()),
    branch_name: nullable(Type.String()),
    branch_number: Type.String(),
    account_type: literals(['normal', 'checking', 'savings']),
    account_number: Type.String(),
    include_payment_method_fee: Type.Boolean(),
    description: nullable(Type.String()),
    status: literals(['pending', 'completed', 'rejected']),
    created_at: Timestamp,
  },
  { $id: 'RefundRequest', description: 'A refund of a cash payment by bank transfer.' },
);

const STATEMENT_DESCRIPTOR_FIELDS = ['statement_descriptor', 'statement_descriptor_alpha', 'statement_descriptor_kana', 'statement_city', 'contact_phone'];
/** An object of optional strings, nothing else. */
const optionalStrings = (names: string[]) => Type.Object(Object.fromEntries(names.map((name) => [name, Type.Optional(Type.String())])), { additionalProperties: false });

export const Payment = Type.Object(
  {
    id: Id,
    resource: Type.Literal('payment'),
    status: literals(PAYMENT_STATUSES),
    amount: Type.Integer({ description: 'Before tax, minor units.' }),
    tax: Type.Integer(),
    customer: nullable(Id, 'The customer whose stored card paid, or null.'),
    payment_deadline: nullable(Timestamp, 'When a pending or authorized payment expires.'),
    payment_details: ref('PaymentDetails'),
    payment_method_fee: Type.Integer(),
    total: Type.Integer({ description: '`amount + tax + payment_method_fee`.' }),
    currency: Type.String(),
    description: nullable(Type.String()),
    captured_at: nullable(Timestamp),
    external_order_num: nullable(Type.String()),
    metadata: Metadata,
    created_at: Timestamp,
    amount_refunded: Type.Integer(),
    locale: literals(['ja', 'en', 'ko']),
    refunds: Type.Array(ref('Refund')),
    refund_requests: Type.Array(ref('RefundRequest')),
    session: nullable(Id, 'The Hosted Page session that made the payment, or null.'),
    customer_family_name: Type.Optional(nullable(Type.String(), "The card details' `family_name`, or null. With `X-KOMOJU-API-VERSION` only (as the next three).")),
    customer_given_name: Type.Optional(nullable(Type.String(), "The card details' `given_name`, or null.")),
    mcc: Type.Optional(nullable(Type.String(), 'The Merchant Category Code the request gave (`mcc`, or a session\'s `payment_data.mcc`), or null.')),
    statement_descriptor: Type.Optional(nullable(optionalStrings(STATEMENT_DESCRIPTOR_FIELDS), 'The statement descriptor the request gave, or null.')),
    session_amount: Type.Optional(Type.Integer({ description: 'Payments made through a session: the amount the session asked for.' })),
    session_currency: Type.Optional(Type.String({ description: "Payments made through a session: the session's currency." })),
    exchange_rate: Type.Optional(Type.Number({ description: 'Payments made through a session: the rate that made `amount` of `session_amount` (1 without conversion).' })),
  },
  { $id: 'Payment' },
);

export const Token = Type.Object(
  {
    id: Type.String({ description: '`tok_` and 25 lowercase alphanumerics.' }),
    resource: Type.Literal('token'),
    created_at: Timestamp,
    payment_details: ref('PaymentDetails'),
  },
  { $id: 'Token', description: 'One-time payment details, usable once within 30 days.' },
);

export const SecureToken = Type.Object(
  {
    id: Type.String(),
    verification_status: literals(['NEEDS_VERIFY', 'OK', 'ERRORED'], '`NEEDS_VERIFY` until the customer went through `authentication_url`.'),
    authentication_url: Type.String({ format: 'uri' }),
    created_at: Timestamp,
  },
  { $id: 'SecureToken' },
);

export const CustomerSource = Type.Object(
  {
    type: Type.String(),
    brand: Type.String(),
    last_four_digits: Type.String(),
    month: Type.Integer(),
    year: Type.Integer(),
  },
  { $id: 'CustomerSource', description: 'The stored card, without its number.' },
);

export const Customer = Type.Object(
  {
    id: Id,
    resource: Type.Literal('customer'),
    email: nullable(Type.String()),
    source: nullable(ref('CustomerSource')),
    metadata: Metadata,
    created_at: Timestamp,
  },
  { $id: 'Customer' },
);

export const SessionPaymentMethod = Type.Object(
  {
    type: Type.String(),
    brands: Type.Optional(
      Type.Union(
        [
          Type.Array(Type.String(), { description: 'credit_card: the accepted card brands (slugs, as `subtypes` of GET /payment_methods).' }),
          Type.Record(Type.String(), Type.Object({ icon: Type.String() }), {
            description: 'konbini: store slug → `{icon}`, the path of its logo on this server (prefix the API base URL).',
          }),
        ],
        { description: 'credit_card: brand slugs (logos at /assets/cards/<brand>.svg); konbini: store slug → logo.' },
      ),
    ),
    amount: Type.Optional(Type.Integer()),
    currency: Type.Optional(Type.String()),
    exchange_rate: Type.Number(),
    customer_fee: Type.Integer(),
    offsite: Type.Boolean(),
    additional_fields: Type.Array(Type.String()),
  },
  { $id: 'SessionPaymentMethod' },
);

export const Session = Type.Object(
  {
    id: Id,
    resource: Type.Literal('session'),
    mode: literals(['payment', 'customer', 'customer_payment']),
    amount: Type.Optional(Type.Integer({ description: 'Absent in `customer` mode without `X-KOMOJU-API-VERSION`; 0 there with it.' })),
    currency: Type.Optional(Type.String({ description: 'Absent in `customer` mode without `X-KOMOJU-API-VERSION`.' })),
    payment: nullable(ref('Payment'), 'The payment once the customer paid (or tried to).'),
    session_url: Type.String({ format: 'uri', description: 'The Hosted Page: send the customer there.' }),
    return_url: nullable(Type.String()),
    default_locale: literals(['ja', 'en', 'ko']),
    payment_methods: Type.Array(ref('SessionPaymentMethod')),
    created_at: Timestamp,
    cancelled_at: nullable(Timestamp),
    completed_at: nullable(Timestamp),
    status: literals(['pending', 'completed', 'cancelled']),
    expired: Type.Boolean(),
    expires_at: Timestamp,
    metadata: Metadata,
    payment_data: Type.Object({}, { additionalProperties: true, description: 'As given at creation (`external_order_num`, `capture`, names, addresses).' }),
    email: nullable(Type.String()),
    external_customer_id: nullable(Type.String()),
    customer_id: Type.Optional(nullable(Id, 'Customer modes only.')),
    secure_token: Type.Null(),
    merchant: Type.Optional(Type.Object({ name: Type.String() }, { description: "With `X-KOMOJU-API-VERSION`: the merchant's display name (`kessai merchants create --name`)." })),
    line_items: Type.Optional(Type.Array(Type.Composite([optionalStrings(['description', 'image', 'external_product_num']), Type.Object({ amount: Type.Optional(Type.Integer()), quantity: Type.Integer() })]), { description: "With `X-KOMOJU-API-VERSION`, when given: the order's lines (`quantity` 1 when not given)." })),
  },
  { $id: 'Session' },
);

export const SessionPayResult = Type.Object(
  {
    status: literals(['pending', 'completed', 'cancelled'], "The session's status after paying."),
    redirect_url: nullable(Type.String(), 'The offsite page, the instructions, or `return_url` with `session_id`.'),
    payment: nullable(ref('Payment')),
    customer: Type.Optional(ref('Customer')),
  },
  { $id: 'SessionPayResult' },
);

export const WebhookPing = Type.Object(
  { resource: Type.Literal('webhook'), id: Id, url: Type.String() },
  { $id: 'WebhookPing', description: 'The `data` of a `ping` event.' },
);

export const Event = Type.Object(
  {
    id: Id,
    type: Type.String({ description: '`payment.captured`, `customer.created`, `settlement.created`, `ping`, … (docs/webhooks.md)' }),
    resource: Type.Literal('event'),
    data: Type.Unsafe({
      oneOf: [ref('Payment'), ref('Customer'), ref('Subscription'), ref('WebhookPing'), ref('ChargebackEventData'), ref('SettlementShow'), ref('DisbursementEventData')],
      discriminator: {
        propertyName: 'resource',
        mapping: {
          payment: '#/components/schemas/Payment',
          customer: '#/components/schemas/Customer',
          subscription: '#/components/schemas/Subscription',
          webhook: '#/components/schemas/WebhookPing',
          chargeback: '#/components/schemas/ChargebackEventData',
          settlement: '#/components/schemas/SettlementShow',
          disbursement: '#/components/schemas/DisbursementEventData',
        },
      },
      description: 'The resource as it was when the event happened, told apart by its `resource`.',
    }),
    created_at: Timestamp,
    reason: nullable(Type.String()),
  },
  { $id: 'Event', description: 'Also the body of every webhook delivery.' },
);

export const AvailablePaymentMethod = Type.Object(
  {
    type_slug: Type.String(),
    name_en: Type.String(),
    name_ja: Type.String(),
    name_ko: Type.String(),
    currency: Type.String(),
    subtypes: Type.Array(Type.String(), { description: 'credit_card: the accepted brands.' }),
  },
  { $id: 'AvailablePaymentMethod' },
);

export const DeletedExternalCustomer = Type.Object(
  { id: Id },
  { $id: 'DeletedExternalCustomer', description: 'The id of the saved card that was erased.' },
);

export const AvailablePaymentMethodList = Type.Array(ref('AvailablePaymentMethod'), { $id: 'AvailablePaymentMethodList' });

export const Health = Type.Object({ status: Type.Literal('ok') }, { $id: 'Health' });

/** KOMOJU's list envelope around `item`. */
function list(id: string, item: string): TSchema {
  return Type.Object(
    {
      resource: Type.Literal('list'),
      total: Type.Integer(),
      page: Type.Integer(),
      per_page: Type.Integer(),
      last_page: Type.Integer({ description: '`ceil(total / per_page)`, 0 when empty.' }),
      start_time: nullable(Type.String(), 'The window asked for, or null.'),
      end_time: nullable(Type.String()),
      data: Type.Array(ref(item)),
    },
    { $id: id },
  );
}

/** Every component, in the order the document lists them. */
export const COMPONENTS: readonly TSchema[] = [
  ErrorBody,
  ErrorObject,
  PaySessionError,
  Payment,
  PaymentDetails,
  Refund,
  RefundRequest,
  list('PaymentList', 'Payment'),
  AvailablePaymentMethod,
  AvailablePaymentMethodList,
  Token,
  SecureToken,
  Customer,
  CustomerSource,
  list('CustomerList', 'Customer'),
  Subscription,
  list('SubscriptionList', 'Subscription'),
  Session,
  SessionPaymentMethod,
  DeletedExternalCustomer,
  SessionPayResult,
  Event,
  WebhookPing,
  list('EventList', 'Event'),
  Webhook,
  DeletedWebhook,
  list('WebhookList', 'Webhook'),
  WebhookDelivery,
  WebhookAttempt,
  list('WebhookDeliveryList', 'WebhookDelivery'),
  ChargebackPaymentMethod,
  ChargebackRequestListItem,
  list('ChargebackRequestList', 'ChargebackRequestListItem'),
  ChargebackRequestDetail,
  ChargebackEventData,
  TestClock,
  Email,
  list('EmailList', 'Email'),
  TestDataReset,
  TestSeed,
  ...LEDGER_COMPONENTS,
  ShowBarcodeResponse,
  Health,
];
