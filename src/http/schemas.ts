import { Type, type Static } from '@sinclair/typebox';
import { MAX_AMOUNT } from '../domain/money';
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
export const WebUrl = Type.String({ format: WEB_URL, maxLength: 2048 });

export const Locale = Type.Union([Type.Literal('ja'), Type.Literal('en'), Type.Literal('ko')]);

export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
export type IdParams = Static<typeof IdParams>;

export const Pagination = {
  // Bounded so that (page - 1) * per_page stays a valid SQL OFFSET: page=1e20 was a 500.
  page: Type.Integer({ minimum: 1, maximum: 2147483647, default: 1 }),
  per_page: Type.Integer({ minimum: 1, maximum: 100, default: 10 }),
  start_time: Type.Optional(Type.String({ format: 'date-time' })),
  end_time: Type.Optional(Type.String({ format: 'date-time' })),
};

export function parseWindow(query: { start_time?: string; end_time?: string }) {
  return {
    start_time: query.start_time ? new Date(query.start_time) : undefined,
    end_time: query.end_time ? new Date(query.end_time) : undefined,
  };
}
