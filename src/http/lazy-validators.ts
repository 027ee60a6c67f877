import type { Ajv, ValidateFunction } from 'ajv';
import type { FastifySchemaCompiler } from 'fastify';
import { createAjv, everyProblem } from '../domain/validate';

/**
 * Fastify's validator compiler, compiling each route's schema on the route's first request
 * instead of when the app starts. Compiling all of them (and making Ajv, with its meta-schema)
 * was 100–200 ms of every start on the 2-core machine, for routes a server may never see.
 * Same Ajv options as the method schemas (AJV_OPTIONS), plus `addUsedSchema: false` as Fastify's
 * own compiler has. Route schemas are self-contained: no `$ref` to schemas added with
 * `app.addSchema` (there are none). test/http/route-schemas.test.ts compiles every route's
 * schema, so a broken one still fails a test rather than its first request.
 */
export function lazyValidatorCompiler(): FastifySchemaCompiler<unknown> {
  let ajv: Ajv | undefined;
  return ({ schema }) => {
    let validate: ValidateFunction | undefined;
    const lazy = Object.assign(
      (data: unknown, context?: Parameters<ValidateFunction>[1]) => {
        validate ??= (ajv ??= createAjv({ addUsedSchema: false })).compile(schema as object);
        const valid = validate(data, context);
        // Fastify reads a failed validation's errors from the function it was given: every
        // problem, the first first, for the error's details (src/domain/validate.ts).
        lazy.errors = valid ? null : everyProblem(schema as object, data, validate.errors ?? [], context);
        return valid;
      },
      {
        errors: null as ValidateFunction['errors'],
        // Fastify passes the request as the parent of the validated part (so that Ajv may replace
        // the part itself when coercing) only to a function that has Ajv's schemaEnv.
        schemaEnv: true,
      },
    );
    return lazy;
  };
}
