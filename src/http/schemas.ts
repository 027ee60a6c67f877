import { Type, type Static } from '@sinclair/typebox';
import { MAX_AMOUNT } from '../kernel/money';
import { ISO_TIME, parseIsoTime } from '../lib/iso-time';
import { WEB_URL } from '../lib/web-url';

/** Schemas shared by several routes. Route-specific ones live in the route's file. */

export const Amount = Type.Integer({ minimum: 0, maximum: MAX_AMOUNT });

export const Tax = Type.Union([Type.Integer({ minimum: 0, maximum: MAX_AMOUNT }), Type.Literal('auto')]);

/** KOMOJU metadata: string keys of at most 30 characters, string values of at most 2,000. */
export const Metadata = Type.Unsafe<Record<string, string>>({
  type: 'object',
  propertyNames: { maxLength: 30 },
  additionalProperties: { type: 'string', maxLength: 2000 },
});

/** A URL the customer's browser is sent to (return_url, cancel_url): http or https only. */
/** KOMOJU's StatementDescriptor (SDK models/statement-descriptor.ts): five optional strings. */
export const StatementDescriptor = Type.Object(
  {
    statement_descriptor: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    statement_descriptor_alpha: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    statement_descriptor_kana: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    statement_city: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    contact_phone: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  },
  { additionalProperties: false },
);

/** A Merchant Category Code: four digits (ISO 18245). */
export const Mcc = Type.String({ pattern: '^[0-9]{4}$' });

export const WebUrl = Type.String({ format: WEB_URL, maxLength: 2048 });

export const Locale = Type.Union([Type.Literal('ja'), Type.Literal('en'), Type.Literal('ko')]);

export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
export type IdParams = Static<typeof IdParams>;

/**
 * Query parameters of every list (payments, customers, events, webhooks, deliveries), and the
 * one rule for each kind of filter, so that no list answers one way and another the other:
 *
 * - A value the parameter cannot take — outside its range (`per_page` 0 or 101, `page` 0), not
 *   of its enumeration (`status=paid`, `currency=XYZ`), not a time — is 422 `invalid_parameter`
 *   naming the param, as KOMOJU answers an invalid value anywhere: a typo must not look like
 *   "nothing matched".
 * - A valid value that matches nothing (`currency=USD` with no USD payment, an
 *   `external_order_num`, event `type` or `resource_id` no row has) is an empty 200 list. Event
 *   types and ids are open sets (KOMOJU adds types), so they are matched, never enumerated.
 * - Times (`start_time`, `end_time`) are ISO 8601 dates or date-times, as KOMOJU's Rails parses
 *   them: `2026-12-01` is 00:00 UTC that day, a date-time without offset is UTC; the envelope
 *   echoes the instant used (UTC, `…Z`).
 */
export const Pagination = {
  // Bounded so that (page - 1) * per_page stays a valid SQL OFFSET: page=1e20 was a 500.
  page: Type.Integer({ minimum: 1, maximum: 2147483647, default: 1 }),
  // KOMOJU: "per_page parameter has a maximum value of 100" (seeds/002).
  per_page: Type.Integer({ minimum: 1, maximum: 100, default: 10 }),
  start_time: Type.Optional(Type.String({ format: ISO_TIME, maxLength: 64 })),
  end_time: Type.Optional(Type.String({ format: ISO_TIME, maxLength: 64 })),
};

/** The time window of a list query, as instants (the schema has checked both parse). */
export function parseWindow(query: { start_time?: string; end_time?: string }): { start_time: Date | undefined; end_time: Date | undefined } {
  return {
    start_time: query.start_time ? (parseIsoTime(query.start_time) ?? undefined) : undefined,
    end_time: query.end_time ? (parseIsoTime(query.end_time) ?? undefined) : undefined,
  };
}
