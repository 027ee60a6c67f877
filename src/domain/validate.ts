import type { Static, TSchema } from '@sinclair/typebox';
import { Ajv, type ErrorObject, type Options, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { ISO_TIME, parseIsoTime } from '../lib/iso-time';
import { isWebUrl, WEB_URL } from '../lib/web-url';
import { ApiError } from '../kernel/errors';

/**
 * Ajv options shared by route schemas (src/http/lazy-validators.ts) and method schemas
 * (payment_details): numeric strings become numbers where a number is expected ("1000", month
 * "01"), as KOMOJU accepts them, and properties a schema does not declare are dropped rather
 * than stored.
 */
const AJV_OPTIONS: Options = {
  coerceTypes: true,
  useDefaults: true,
  removeAdditional: true,
  allErrors: false,
  strict: false,
  // URLs a customer's browser is later sent to: http and https only (src/lib/web-url.ts).
  formats: {
    [WEB_URL]: { type: 'string', validate: isWebUrl },
    [ISO_TIME]: { type: 'string', validate: (text: string) => parseIsoTime(text) !== null },
  },
};

export function createAjv(options: Options = {}): Ajv {
  const ajv = new Ajv({ ...AJV_OPTIONS, ...options });
  (addFormats as unknown as (a: Ajv) => void)(ajv);
  return ajv;
}

const ajv = createAjv();
const compiled = new WeakMap<TSchema, ValidateFunction>();

/**
 * Validates (and coerces, in place) `value` against `schema`, or throws the KOMOJU error for the
 * first problem: missing_parameter or invalid_parameter naming the param in dotted form
 * (`payment_details.number`). `prefix` is the param path of `value` itself.
 */
export function check<T extends TSchema>(schema: T, value: unknown, prefix = ''): Static<T> {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  rejectCoercedNumbers(schema, value, prefix);
  if (!validate(value)) throw errorFromAjv(everyProblem(schema, value, validate.errors ?? []), prefix);
  return value as Static<T>;
}

let allErrorsAjv: Ajv | undefined;
const compiledForAll = new WeakMap<object, ValidateFunction>();

/**
 * Validation stops at the first problem (allErrors: false: cheaper, and that problem is the
 * error's code and param); a refused request is checked once more, by a validator that goes on,
 * so that the error's `details` can name every offending parameter. The first problem stays
 * first. Only refused requests pay for it. `context` is Fastify's (src/http/lazy-validators.ts).
 */
export function everyProblem(
  schema: object,
  data: unknown,
  first: readonly ErrorObject[],
  context?: Parameters<ValidateFunction>[1],
): ErrorObject[] {
  let validate = compiledForAll.get(schema);
  if (!validate) {
    validate = (allErrorsAjv ??= createAjv({ allErrors: true, addUsedSchema: false })).compile(schema);
    compiledForAll.set(schema, validate);
  }
  validate(data, context);
  return [...first, ...(validate.errors ?? [])];
}

/**
 * coerceTypes (which form strings like "25" need) also turns JSON true/false/null into 1/0/0
 * where a number is expected: `{"customer_age": true}` was stored as 1, `{"month": null}` as 0.
 * As the payments route does for amount and tax: a boolean there is invalid, null means "not
 * given". Shallow, like the method schemas (payment_details is a flat object).
 */
function rejectCoercedNumbers(schema: TSchema, value: unknown, prefix: string): void {
  const properties = (schema as { properties?: Record<string, TSchema> }).properties;
  if (!properties || typeof value !== 'object' || value === null || Array.isArray(value)) return;
  const record = value as Record<string, unknown>;
  for (const [key, property] of Object.entries(properties)) {
    if (property.type !== 'integer' && property.type !== 'number') continue;
    if (typeof record[key] === 'boolean') throw new ApiError('invalid_parameter', { param: prefix ? `${prefix}.${key}` : key });
    if (record[key] === null) delete record[key];
  }
}

/**
 * Maps Ajv's first error to KOMOJU's envelope, with `details` naming each offending parameter
 * (once, in the order Ajv met them) when it is a missing or invalid parameter. Also used for
 * Fastify's route validation.
 */
export function errorFromAjv(errors: readonly Partial<ErrorObject>[], prefix = ''): ApiError {
  const first = errors[0];
  if (!first) return new ApiError('bad_request');
  const main = errorFromOne(first, prefix);
  if (main.code !== 'missing_parameter' && main.code !== 'invalid_parameter') return main;
  const entries = new Map<string, { param: string; code: 'missing_parameter' | 'invalid_parameter'; message: string }>();
  for (const error of errors) {
    const one = errorFromOne(error, prefix);
    if ((one.code !== 'missing_parameter' && one.code !== 'invalid_parameter') || one.param === null || entries.has(one.param)) continue;
    entries.set(one.param, { param: one.param, code: one.code, message: one.message });
  }
  return new ApiError(main.code, { param: main.param, message: main.message, details: { errors: [...entries.values()] } });
}

function errorFromOne(error: Partial<ErrorObject>, prefix: string): ApiError {
  const path = (error.instancePath ?? '').split('/').filter(Boolean);
  if (prefix) path.unshift(prefix);
  if (error.keyword === 'required') {
    path.push(String((error.params as { missingProperty: string }).missingProperty));
    return new ApiError('missing_parameter', { param: path.join('.') });
  }
  // Nothing to name: the body as a whole is not an object (a JSON array, string or number, or a
  // text/plain body). "The value of  is invalid" would tell the client nothing.
  if (path.length === 0) return new ApiError('bad_request', { message: 'The request body must be a JSON object or form fields.' });
  if (error.keyword === 'format' && (error.params as { format?: string } | undefined)?.format === WEB_URL) {
    return new ApiError('invalid_parameter', { param: path.join('.'), message: `${path.join('.')} must be an absolute http or https URL` });
  }
  return new ApiError('invalid_parameter', { param: path.join('.') });
}
