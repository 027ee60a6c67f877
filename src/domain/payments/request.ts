import { isIP } from 'node:net';
import { withArticle } from '../../lib/words';
import type { PaymentMethod } from '../../methods/method';
import type { Db } from '../../store/db';
import { ApiError, type DeclineCode } from '../../kernel/errors';
import { parseCurrency, resolveTax, type Currency } from '../../kernel/money';
import type { Payment, StatementDescriptor } from '../../model/payment';
import type { Actor, Services } from '../context';
import { customerDetails } from '../customers';
import { enabledMethod } from '../details';
import { checkTokenCurrency, readToken, type RedeemedToken, type UnusedToken } from '../tokens';
import { check } from '../validate';

/**
 * What POST /payments asks for, and every check of it: all of this runs before the payment's
 * first write (using up a token), so a refused request changes nothing, even outside a transaction.
 */

export type Locale = 'ja' | 'en' | 'ko';

/** The request of POST /payments after the route's schema has coerced and checked its types. */
export interface CreatePaymentInput {
  amount: number;
  currency: string;
  payment_details?: Record<string, unknown> | string;
  customer?: string;
  tax?: number | string;
  capture?: boolean;
  external_order_num?: string;
  metadata?: Record<string, string>;
  description?: string;
  locale?: Locale;
  email?: string;
  return_url?: string;
  fraud_details?: Record<string, string>;
  webhooks?: unknown;
  /** Merchant Category Code (four digits) and statement descriptor, kept on the payment as given. */
  mcc?: string;
  statement_descriptor?: StatementDescriptor;
}

export interface CreatePaymentOptions {
  /** `Komoju-Scenario` header (test mode): force this error code. */
  scenario?: string;
  /** The session this payment pays (POST /sessions/:id/pay): shown as `session` in its JSON and events. */
  sessionId?: string;
  /** The session's own amount and currency, and the rate that converted them to this payment's (spec §6.3). */
  exchange?: SessionExchange;
  /** The customer the payment is for when its details are not a customer's (a customer_payment session). */
  customerId?: string;
  /**
   * The details, read by the caller but not used up (a session payment reads them to decide how
   * to pay): charged as they are, their token used up once every check has passed.
   */
  source?: ChargeSource;
}

/** What a session payment records of the session's price: `amount` = session amount × rate, in the payment's currency. */
export interface SessionExchange {
  session_amount: number;
  session_currency: string;
  exchange_rate: number;
}

/** A payment and, when the processor refused it, the decline the API answers with (HTTP 502). */
export interface PaymentOutcome {
  payment: Payment;
  decline?: DeclineCode;
}

/**
 * The checks that need nothing but the request: no per-payment webhooks, a known currency, and
 * either payment_details or a customer. Returns the currency.
 */
export function checkCreateRequest(input: CreatePaymentInput): Currency {
  if (input.webhooks !== undefined) {
    throw new ApiError('invalid_parameter', { param: 'webhooks', message: 'Per-payment webhooks are not supported; register an endpoint with POST /api/v1/webhooks' });
  }
  const currency = parseCurrency(input.currency);
  if (input.payment_details !== undefined && input.customer !== undefined) {
    throw new ApiError('invalid_parameter', { param: 'customer', message: 'Send either payment_details or customer, not both' });
  }
  if (input.payment_details === undefined && input.customer === undefined) throw new ApiError('missing_parameter', { param: 'payment_details' });
  return currency;
}

/**
 * What a payment charges, read but not used up: the details hash as sent, a token's details, or
 * a customer's stored details; with what a token binds them to. `token` is set while the token is
 * still to be used up, which createPayment does once every check has passed.
 */
export interface ChargeSource extends RedeemedToken {
  token?: UnusedToken;
}

/**
 * Reads the details a payment charges; nothing is written (createPayment uses the token up later).
 * A caller that has read them already passes them as `source` in CreatePaymentOptions instead.
 */
export async function detailsToCharge(trx: Db, services: Services, actor: Actor, input: CreatePaymentInput, now: Date): Promise<ChargeSource> {
  if (input.customer !== undefined) {
    return { details: await customerDetails(trx, services, actor, input.customer), currency: null, amount: null, customerId: input.customer };
  }
  if (typeof input.payment_details === 'string') {
    const token = await readToken(trx, services, actor, input.payment_details, now);
    return { details: token.details, currency: token.currency, amount: token.amount, customerId: token.customerId, token };
  }
  return { details: input.payment_details!, currency: null, amount: null, customerId: null };
}

/** A create request checked against its method: what authorize needs, in the request's terms. */
export interface CheckedCharge {
  method: PaymentMethod;
  /** The details as the method's prepare hook made them (email filled in from the request). */
  prepared: Record<string, unknown>;
  currency: Currency;
  amount: number;
  tax: number;
  /** amount + tax, before the method's fee. */
  total: number;
}

/**
 * Checks the details against the request and the method: a token's currency and authenticated
 * amount, the method enabled for this merchant, its schema, currencies and amount limits, and the
 * fraud details. Fills the details' email from the request's, and runs the method's prepare hook.
 */
export function checkCharge(actor: Actor, input: CreatePaymentInput, currency: Currency, source: ChargeSource, now: Date): CheckedCharge {
  checkTokenCurrency(source, currency);
  if (source.amount !== null && source.amount !== input.amount) {
    throw new ApiError('invalid_parameter', { param: 'amount', message: `The customer authenticated a payment of ${source.amount} ${source.currency}` });
  }
  const details = source.details;
  const method = enabledMethod(actor, details.type);
  check(method.detailsSchema, details, 'payment_details');
  if (method.currencies !== 'all' && !method.currencies.includes(currency)) throw new ApiError('invalid_currency', { param: 'currency' });
  const amount = input.amount;
  const tax = resolveTax(amount, input.tax);
  const total = amount + tax;
  checkLimits(method, total, currency);
  if (input.fraud_details) checkFraudDetails(input.fraud_details, input.email ?? (details.email as string | undefined));
  if (details.email === undefined && input.email !== undefined) details.email = input.email;
  return { method, prepared: method.prepare(details, { now }), currency, amount, tax, total };
}

function checkLimits(method: PaymentMethod, total: number, currency: Currency): void {
  if (method.limits && (total < method.limits.min || total > method.limits.max)) {
    throw new ApiError('invalid_parameter', {
      param: 'amount',
      message: `The total of ${withArticle(method.type)} payment must be between ${method.limits.min} and ${method.limits.max} ${currency}`,
    });
  }
}

function checkFraudDetails(fraud: Record<string, string>, email: string | undefined): void {
  if (!fraud.customer_ip) throw new ApiError('missing_parameter', { param: 'fraud_details.customer_ip' });
  if (isIP(fraud.customer_ip) === 0) throw new ApiError('invalid_parameter', { param: 'fraud_details.customer_ip' });
  if (!fraud.customer_email && !email) throw new ApiError('missing_parameter', { param: 'fraud_details.customer_email' });
}
