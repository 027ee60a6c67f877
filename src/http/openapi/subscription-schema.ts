import { Type, type TSchema } from '@sinclair/typebox';

/**
 * The Subscription resource (src/wire/subscription.ts), field for field as the official SDK's
 * models/subscription.ts, subscription-customer.ts and subscription-payment-details.ts; a
 * component of ./schemas.ts's COMPONENTS, in a file of its own as schemas.ts is at its size limit.
 */

const Timestamp = Type.String({ format: 'date-time', description: 'ISO 8601 in UTC, whole seconds (`2020-06-09T07:41:50Z`).' });
const nullable = <T extends TSchema>(schema: T, description?: string) => Type.Union([schema, Type.Null()], description ? { description } : {});
const literals = (values: readonly string[], description?: string) => Type.Unsafe<string>({ type: 'string', enum: [...values], ...(description ? { description } : {}) });

export const Subscription = Type.Object(
  {
    id: Type.String({ description: '25 lowercase alphanumerics.' }),
    resource: Type.Literal('subscription'),
    status: literals(['active', 'suspended', 'cancelled'], '`active` (also while a declined charge is retried), `suspended` (every retry declined), `cancelled` (deleted).'),
    amount: Type.Integer({ minimum: 0, description: 'Charged each period, in minor units (tax 0).' }),
    currency: Type.String({ description: 'ISO 4217.' }),
    customer: Type.Object(
      {
        id: Type.Integer({ description: "The customer's internal number." }),
        uuid: Type.String({ description: "The customer's id." }),
        merchant_id: Type.Integer({ description: "The merchant's internal number." }),
        created_at: Timestamp,
        updated_at: Timestamp,
        email: nullable(Type.String()),
        currency: Type.String(),
        locale: literals(['ja', 'en', 'ko']),
        name: nullable(Type.String()),
        phone: nullable(Type.String()),
        archived_at: nullable(Timestamp, 'When the customer was deleted (which cancels its subscriptions).'),
      },
      { additionalProperties: false },
    ),
    period: literals(['weekly', 'monthly', 'yearly']),
    day: Type.Integer({ minimum: 1, maximum: 366, description: 'Day of the period it charges on (Japan time): weekday 1 (Monday)–7, day of month, day of year.' }),
    payment_details: Type.Object(
      { type: Type.String(), month: Type.String(), year: Type.String(), email: Type.String() },
      { additionalProperties: false, description: "The customer's stored card, scrubbed." },
    ),
    retry_count: Type.Integer({ minimum: 0, description: 'Retries made of the declined charge being retried; 0 when none.' }),
    retry_at: nullable(Timestamp, 'When the declined charge is tried again; null when none is.'),
    next_capture_at: Timestamp,
    created_at: Timestamp,
    ended_at: nullable(Timestamp, 'When it stopped charging (suspended or cancelled); null while active.'),
    metadata: Type.Record(Type.String(), Type.String()),
    payments: Type.Array(Type.String(), { description: "The subscription's payments' ids, oldest first." }),
  },
  { $id: 'Subscription' },
);
