import { Type, type TSchema } from '@sinclair/typebox';
import { CHARGEBACK_STATUSES } from '../../model/chargeback';

/**
 * The chargeback answers (src/wire/chargeback.ts) as KOMOJU's SDK models them
 * (ChargebackRequestListItem, ChargebackRequestDetail, ChargebackRequestList …), components of
 * ./schemas.ts's COMPONENTS; a file of their own because schemas.ts is near its size limit.
 */

const Timestamp = Type.String({ format: 'date-time', description: 'ISO 8601 in UTC, whole seconds (`2020-06-09T07:41:50Z`).' });
const Id = Type.String({ description: '25 lowercase alphanumerics.' });
const nullable = <T extends TSchema>(schema: T, description?: string) => Type.Union([schema, Type.Null()], description ? { description } : {});
const orNull = (description: string) => nullable(Type.String(), description);

const Status = Type.Unsafe<string>({
  type: 'string',
  enum: [...CHARGEBACK_STATUSES],
  description:
    '`pending` (awaiting the merchant, until `due_date`), `accepted`, `defended` (the issuer reviews the defense), `cancelled` (the defense won), `lost`, `expired` (unanswered by the due date: lost).',
});

const ReasonCode = Type.String({ description: 'Internal codes: `CB_Fraud`, `CB_ProductNotReceived`, `CB_ProductNotAsDescribed`, `CB_Duplicate`, `CB_Cancelled`, `CB_Other`.' });

export const ChargebackPaymentMethod = Type.Object(
  {
    type: Type.String({ description: 'Payment method type slug (a card method).' }),
    brand: orNull('Card brand, or null.'),
    last_four_digits: orNull('Last four digits of the card, or null.'),
  },
  { $id: 'ChargebackPaymentMethod' },
);

const methodRef = Type.Unsafe({ $ref: 'ChargebackPaymentMethod#' });

export const ChargebackRequestListItem = Type.Object(
  {
    id: Id,
    payment_id: Id,
    amount: Type.Integer({ minimum: 0, description: 'The disputed amount, in minor units.' }),
    currency: Type.String(),
    payment_method: methodRef,
    reason_code: ReasonCode,
    reason: Type.String({ description: 'Human-readable reason for the reason code.' }),
    created_at: Timestamp,
    due_date: { ...Timestamp, description: 'Deadline by which the merchant must accept or defend.' },
    status: Status,
  },
  { $id: 'ChargebackRequestListItem' },
);

const Defense = Type.Object({
  product_name: orNull('Name of the product or service, or null.'),
  reason: Type.String({ description: "The merchant's defense (the request's `description`)." }),
  shipping_info: Type.Object({
    company_name: orNull('Carrier, or null.'),
    shipping_date: orNull('`YYYY-MM-DD`, or null.'),
    tracking_number: orNull('Tracking number, or null.'),
    shipping_address: orNull('Destination address, or null.'),
  }),
  recipient_info: Type.Object({ name: orNull("Recipient's name, or null."), phone: orNull('Phone, or null.'), email: orNull('E-mail, or null.') }),
  documents: Type.Array(
    Type.Object({
      file_name: Type.String(),
      content_type: Type.String({ description: 'Inferred from the bytes: `application/pdf`, `image/jpeg`, `image/png`, `image/gif`.' }),
      file_size: Type.Integer({ description: 'Bytes.' }),
      uploaded_at: Timestamp,
      url: Type.String({ description: 'Temporary signed download URL (valid one hour; GET the chargeback again for a fresh one).' }),
    }),
  ),
});

const detailFields = {
  id: Id,
  status: Status,
  reason_code: ReasonCode,
  reason: Type.String(),
  created_at: Timestamp,
  due_date: Timestamp,
  last_updated_at: Timestamp,
  timeline: Type.Array(
    Type.Object({
      type: Type.String({ description: '`created`, `accepted`, `defended`, `won`, `lost`, `expired`.' }),
      occurred_at: Timestamp,
    }),
    { description: 'Chronological list of the chargeback’s steps.' },
  ),
  payment: Type.Object({
    id: Id,
    amount: Type.Integer({ description: "The payment's total." }),
    currency: Type.String(),
    created_at: Timestamp,
    captured_at: nullable(Timestamp),
    payment_method: methodRef,
    masked_card_number: orNull('`**** **** **** 1111`, or null.'),
  }),
  customer: Type.Object({ name: orNull("Customer's name, or null."), email: orNull("Customer's e-mail, or null.") }),
  defense: nullable(Defense, 'The defense, or null until one is submitted.'),
};

export const ChargebackRequestDetail = Type.Object(detailFields, { $id: 'ChargebackRequestDetail' });

/** The `data` of a `chargeback.*` event: the detail, tagged so events can be told apart. */
export const ChargebackEventData = Type.Object(
  { resource: Type.Literal('chargeback'), ...detailFields },
  { $id: 'ChargebackEventData', description: 'The `data` of a `chargeback.*` event: the chargeback in full, with `resource: "chargeback"`.' },
);
