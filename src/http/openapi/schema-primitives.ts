import { Type, type TSchema } from '@sinclair/typebox';

/** The building blocks the API's schemas share (./schemas.ts and the files beside it). */

/** A reference to a component by its `$id` (as @fastify/swagger resolves shared schemas). */
export function ref(id: string): TSchema {
  return Type.Unsafe({ $ref: `${id}#` });
}

export const nullable = <T extends TSchema>(schema: T, description?: string) =>
  Type.Union([schema, Type.Null()], description ? { description } : {});

export const Timestamp = Type.String({ format: 'date-time', description: 'ISO 8601 in UTC, whole seconds (`2020-06-09T07:41:50Z`).' });
export const Id = Type.String({ description: '25 lowercase alphanumerics.' });

/** One of `values`: a plain `enum`, which documentation renders as a list (a union of literals reads `string | string | …`). */
export const literals = (values: readonly string[], description?: string) =>
  Type.Unsafe<string>({ type: 'string', enum: [...values], ...(description ? { description } : {}) });
