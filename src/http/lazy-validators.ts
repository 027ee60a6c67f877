import type { Ajv, ValidateFunction } from 'ajv';
import type { FastifySchemaCompiler } from 'fastify';
import { createAjv } from '../domain/validate';

/**
 * Fastify's validator compiler, compiling each route's schema on the route's first request
 * instead of when the app starts. Compiling all of them (and making Ajv, with its meta-schema)
 * was 100–200 ms of every start on the 2-core machine, for routes a server may never see.
 * Same Ajv options as the method schemas (AJV_OPTIONS). test/http/route-schemas.test.ts compiles
 * every route's schema, so a broken one still fails a test rather than its first request.
 */
export function lazyValidatorCompiler(): FastifySchemaCompiler<unknown> {
  let ajv: Ajv | undefined;
  return ({ schema }) => {
    let validate: ValidateFunction | undefined;
    // Fastify reads a failed validation's errors from the function it was given.
    const lazy = Object.assign(
      (data: unknown) => {
        validate ??= (ajv ??= createAjv()).compile(schema as object);
        const valid = validate(data);
        lazy.errors = validate.errors;
        return valid;
      },
      { errors: null as ValidateFunction['errors'] },
    );
    return lazy;
  };
}
