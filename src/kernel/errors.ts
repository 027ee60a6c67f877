/**
 * KOMOJU's error catalogue: every code with its HTTP status and English message, as the v1 API
 * reference lists them. The error table in docs/api.md is checked against this module by a test.
 * Messages may interpolate %{param}, %{provided} and %{allowed}.
 */
export const ERROR_CATALOGUE = {
  bad_request: [400, 'The server cannot or will not process the request due to something that is perceived to be a client error.'],
  unauthorized: [401, 'User authorization failed.'],
  request_failed: [402, 'The request failed'],
  forbidden: [403, 'You are not authorized to perform that action.'],
  not_found: [404, 'The requested resource could not be found but may be available again in the future.'],
  request_timeout: [408, 'The request did not arrive in time.'],
  conflict: [409, 'A request with this idempotency key is still being processed. Retry it later.'],
  request_entity_too_large: [413, 'The request body is too large.'],
  unprocessable_entity: [422, 'The request was well-formed but was unable to be followed due to semantic errors.'],
  invalid_payment_type: [422, 'Payment method was invalid. %{provided} is not one of %{allowed}.'],
  invalid_token: [422, 'The token you requested is invalid'],
  invalid_currency: [422, 'The currency you requested is invalid.'],
  not_refundable: [422, 'The payment you requested is not refundable.'],
  not_capturable: [422, 'The payment you requested is not capturable.'],
  not_cancellable: [422, 'This payment is noncancellable.'],
  not_chargebackable: [422, 'The payment you requested cannot be charged back.'],
  fraudulent: [422, 'This payment is fraudulent.'],
  invalid_parameter: [422, 'The value of %{param} is invalid'],
  missing_parameter: [422, 'A required parameter (%{param}) is missing'],
  too_many_requests: [429, 'Too many requests. Retry later.'],
  request_header_fields_too_large: [431, 'The request headers are too large.'],
  internal_server_error: [500, "We're sorry but something went wrong. Please try your request again."],
  bad_gateway: [502, 'We are unable to process your request due to an invalid response from the upstream server.'],
  insufficient_funds: [502, 'Insufficient funds'],
  used_number: [502, 'Used number'],
  card_declined: [502, 'Card declined'],
  invalid_password: [502, 'Invalid password'],
  bad_verification_value: [502, 'Bad verification value'],
  exceeds_limit: [502, 'Exceeds limit'],
  card_expired: [502, 'Card expired'],
  invalid_number: [502, 'The number you requested is invalid.'],
  invalid_account: [502, 'Invalid account'],
  restricted_account: [502, 'The account is restricted.'],
  other_error: [502, 'The payment processor returned an error.'],
  invalid_user_key: [502, 'The user key is invalid.'],
  other_invalid: [502, 'Invalid card'],
  service_unavailable: [503, 'The server is down for maintenance. Please try again later.'],
  gateway_timeout: [504, 'When attempting to process your payment, we encountered a gateway timeout. Fear not, we have not processed the payment. Please try your payment again.'],
} as const satisfies Record<string, readonly [number, string]>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/** Codes an upstream processor can answer with (HTTP 502): the declines. */
export type DeclineCode = {
  [K in ErrorCode]: (typeof ERROR_CATALOGUE)[K][0] extends 502 ? K : never;
}[ErrorCode];

export function isErrorCode(value: string): value is ErrorCode {
  return Object.hasOwn(ERROR_CATALOGUE, value);
}

export interface ApiErrorOptions {
  param?: string | null;
  provided?: string;
  allowed?: readonly string[];
  /** Overrides the catalogue's message (rarely: when the generic text would mislead). */
  message?: string;
  /** The envelope's `details` (SDK APIErrorBody); a parameter's error names itself by default. */
  details?: ErrorDetailsBody;
}

/** What `details` holds on a validation error: the offending parameters (the error's own first). */
export interface ErrorDetailsBody {
  errors: readonly { param: string; code: 'missing_parameter' | 'invalid_parameter'; message: string }[];
}

/**
 * An error the API answers with KOMOJU's envelope. Thrown for malformed requests and illegal
 * actions; a declined card is not thrown but recorded (see domain/payments/create.ts).
 */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly param: string | null;
  readonly details: ErrorDetailsBody | undefined;

  constructor(code: ErrorCode, options: ApiErrorOptions = {}) {
    const [status, template] = ERROR_CATALOGUE[code];
    const param = options.param ?? null;
    super(
      options.message ??
        template
          .replace('%{param}', param ?? '')
          .replace('%{provided}', options.provided ?? '')
          .replace('%{allowed}', (options.allowed ?? []).join(', ')),
    );
    this.code = code;
    this.status = status;
    this.param = param;
    this.details = options.details ?? ownDetails(code, param, this.message);
  }
}

/**
 * A missing or invalid parameter names itself in `details`, so that every validation error has
 * them: a check made by hand finds one parameter; the schema's (src/domain/validate.ts) give all.
 */
function ownDetails(code: ErrorCode, param: string | null, message: string): ErrorDetailsBody | undefined {
  if (param === null || (code !== 'missing_parameter' && code !== 'invalid_parameter')) return undefined;
  return { errors: [{ param, code, message }] };
}

export const missing = (param: string) => new ApiError('missing_parameter', { param });
export const invalid = (param: string, message?: string) => new ApiError('invalid_parameter', { param, message });
