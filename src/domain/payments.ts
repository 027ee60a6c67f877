import { isIP } from 'node:net';
import { endOfDayTokyo } from '../lib/clock';
import { newId } from '../lib/random';
import { withArticle } from '../lib/words';
import { methodFor } from '../methods';
import type { AuthorizeContext, Authorization, PaymentMethod } from '../methods/method';
import { parseScenario, scenarioProcessor } from '../processors/scenario-processor';
import type { Db } from '../store/db';
import * as paymentsRepo from '../store/payments.repo';
import type { Actor, Services } from './context';
import { customerDetails, customerScenario } from './customers';
import { enabledMethod } from './details';
import { ApiError, type DeclineCode } from '../kernel/errors';
import { paymentEventRow, recordPaymentEvent, type PaymentEventType } from './events';
import { CURRENCIES, parseCurrency, resolveTax, type Currency } from '../kernel/money';
import { transition, type PaymentAction } from './payment-state';
import { completeSessionOf, lockPaymentAndSession } from './session-completion';
import { processorFor } from './upstream';
import { checkTokenCurrency, redeemToken, type RedeemedToken } from './tokens';
import { check } from './validate';
import type { Payment, PaymentStatus } from '../model/payment';

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
  /** The token of payment_details, claimed and opened by the caller (a session payment): charged as it is. */
  redeemed?: RedeemedToken;
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
 * Creates a payment: validates everything, asks the method (and through it the processor) for the
 * outcome, then writes the payment and its event. A decline is an outcome, not an exception: the
 * payment is stored as `failed` with a `payment.failed` event, and the caller answers 502.
 * The write is a single statement, so this command is atomic even outside a transaction.
 */
export async function createPayment(
  trx: Db,
  services: Services,
  actor: Actor,
  input: CreatePaymentInput,
  options: CreatePaymentOptions = {},
): Promise<PaymentOutcome> {
  const now = actor.clock.now();
  if (input.webhooks !== undefined) {
    throw new ApiError('invalid_parameter', { param: 'webhooks', message: 'Per-payment webhooks are not supported; register an endpoint with POST /api/v1/webhooks' });
  }
  const currency = parseCurrency(input.currency);
  if (input.payment_details !== undefined && input.customer !== undefined) {
    throw new ApiError('invalid_parameter', { param: 'customer', message: 'Send either payment_details or customer, not both' });
  }
  if (input.payment_details === undefined && input.customer === undefined) throw new ApiError('missing_parameter', { param: 'payment_details' });
  const source = options.redeemed ?? (await detailsToCharge(trx, services, actor, input, now));
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
  if (method.limits && (total < method.limits.min || total > method.limits.max)) {
    throw new ApiError('invalid_parameter', {
      param: 'amount',
      message: `The total of ${withArticle(method.type)} payment must be between ${method.limits.min} and ${method.limits.max} ${currency}`,
    });
  }
  if (input.fraud_details) checkFraudDetails(input.fraud_details, input.email ?? (details.email as string | undefined));
  if (details.email === undefined && input.email !== undefined) details.email = input.email;
  const prepared = method.prepare(details, { now });

  // Checked once the request is known to be valid, before the payment is written.
  const processor = processorFor(services, actor);
  const id = newId();
  const locale = input.locale ?? 'ja';
  const expiryDays = (prepared.expiry_days as number | undefined) ?? method.expiry?.defaultDays;
  const context: AuthorizeContext = {
    now,
    paymentId: id,
    amount,
    total,
    currency,
    locale,
    capture: input.capture ?? true,
    processor,
    urls: paymentUrls(services, id, locale),
    deadline: expiryDays !== undefined ? endOfDayTokyo(now, expiryDays) : null,
  };
  // The request's Komoju-Scenario, else the one its customer was created with.
  const customerId = source.customerId ?? options.customerId ?? null;
  const scenario = options.scenario ?? (customerId ? await customerScenario(trx, actor, customerId) : undefined);
  const authorization = scenario
    ? await forceScenario(method, prepared, context, parseScenario(scenario))
    : await method.authorize(prepared, context);

  const status: PaymentStatus = authorization.outcome === 'declined' ? 'failed' : authorization.outcome;
  const deadline = authorization.deadline !== undefined ? authorization.deadline : context.deadline;
  const fee = authorization.fee ?? 0;
  const payment: Payment = {
    id,
    merchant_id: actor.merchant.id,
    status,
    payment_type: method.type,
    amount,
    tax,
    payment_method_fee: fee,
    total: total + fee,
    currency,
    amount_refunded: 0,
    customer_id: customerId,
    session_id: options.sessionId ?? null,
    payment_deadline: deadline,
    payment_details: authorization.publicDetails,
    secret_details: authorization.secretDetails ? services.vault.seal(authorization.secretDetails) : null,
    description: input.description ?? null,
    external_order_num: input.external_order_num ?? null,
    metadata: input.metadata ?? {},
    locale,
    email: (prepared.email as string | undefined) ?? null,
    // return_url may come inside payment_details (the method tables) or top level (the examples).
    return_url: (prepared.return_url as string | undefined) ?? input.return_url ?? null,
    fraud_details: input.fraud_details ?? null,
    failure_code: authorization.declineCode ?? null,
    captured_at: status === 'captured' ? now : null,
    created_at: now,
    updated_at: now,
    session_amount: options.exchange?.session_amount ?? null,
    session_currency: options.exchange?.session_currency ?? null,
    exchange_rate: options.exchange?.exchange_rate ?? null,
    uncaptured_amount: 0,
    uncaptured_tax: 0,
    refunds: [],
    refund_requests: [],
  };
  const event = EVENT_ON_CREATE[status];
  await paymentsRepo.insertPaymentWithEvent(trx, payment, event ? paymentEventRow(event, payment, now) : null);
  return { payment, decline: authorization.declineCode };
}

/** The event a new payment announces; a pending one (waiting for more input) announces nothing yet. */
const EVENT_ON_CREATE: Partial<Record<PaymentStatus, PaymentEventType>> = {
  authorized: 'payment.authorized',
  captured: 'payment.captured',
  failed: 'payment.failed',
};

/**
 * What a payment charges: the details hash as sent, a token's details (the token is used up in
 * the caller's transaction), or a customer's stored details; with what a token binds it to.
 */
async function detailsToCharge(trx: Db, services: Services, actor: Actor, input: CreatePaymentInput, now: Date): Promise<RedeemedToken> {
  if (input.customer !== undefined) {
    return { details: await customerDetails(trx, services, actor, input.customer), currency: null, amount: null, customerId: input.customer };
  }
  if (typeof input.payment_details === 'string') return redeemToken(trx, services, actor, input.payment_details, now);
  return { details: input.payment_details!, currency: null, amount: null, customerId: null };
}

/** Links to the pages this server hosts for a payment (instructions, offsite simulator). */
export function paymentUrls(services: Services, id: string, locale: string): AuthorizeContext['urls'] {
  return {
    instructions: `${services.publicUrl}/${locale}/instructions/${id}`,
    offsite: `${services.publicUrl}/offsite/new?uuid=${id}`,
  };
}

/**
 * `Komoju-Scenario: <code>` makes the payment fail with that code: the method runs against a
 * processor that refuses everything, and a method that never asks the processor (a konbini slip)
 * is refused all the same, keeping the details it would have shown.
 */
async function forceScenario(method: PaymentMethod, details: Record<string, unknown>, context: AuthorizeContext, code: DeclineCode): Promise<Authorization> {
  const result = await method.authorize(details, { ...context, processor: scenarioProcessor(code) });
  return result.outcome === 'declined' ? result : { outcome: 'declined', declineCode: code, publicDetails: result.publicDetails };
}


function checkFraudDetails(fraud: Record<string, string>, email: string | undefined): void {
  if (!fraud.customer_ip) throw new ApiError('missing_parameter', { param: 'fraud_details.customer_ip' });
  if (isIP(fraud.customer_ip) === 0) throw new ApiError('invalid_parameter', { param: 'fraud_details.customer_ip' });
  if (!fraud.customer_email && !email) throw new ApiError('missing_parameter', { param: 'fraud_details.customer_email' });
}

export async function getPayment(db: Db, actor: Actor, id: string): Promise<Payment> {
  const payment = await paymentsRepo.findPayment(db, actor.merchant.id, id);
  if (!payment) throw new ApiError('not_found', { param: 'id' });
  return payment;
}

export interface ListPaymentsQuery {
  page: number;
  per_page: number;
  status?: string;
  external_order_num?: string;
  currency?: string;
  start_time?: Date;
  end_time?: Date;
}

export async function listPayments(db: Db, actor: Actor, query: ListPaymentsQuery) {
  const statuses = query.status?.split(',').map((s) => s.trim()).filter(Boolean) as PaymentStatus[] | undefined;
  // A currency KOMOJU does not know is a bad value (422), like an unknown status; a known one
  // with no payment is an empty list (the list rule, src/http/schemas.ts).
  if (query.currency !== undefined && !(CURRENCIES as readonly string[]).includes(query.currency.toUpperCase())) {
    throw new ApiError('invalid_parameter', { param: 'currency', message: `currency must be one of ${CURRENCIES.join(', ')}` });
  }
  return paymentsRepo.listPayments(
    db,
    {
      merchantId: actor.merchant.id,
      statuses,
      externalOrderNum: query.external_order_num,
      currency: query.currency?.toUpperCase(),
      startTime: query.start_time,
      endTime: query.end_time,
    },
    query.page,
    query.per_page,
  );
}

/**
 * Locks the payment and checks the action against the state table. Commands read the clock only
 * once they hold the lock: a command that waited behind another then stamps its refund and events
 * later than the one it waited for, so a payment's events list in the order they happened (10
 * concurrent refunds otherwise put `payment.refunded` before the last `payment.refund.created`).
 */
/**
 * Locks the payment and checks `action` against the state table. `withSession`: a command that may
 * complete the payment's session takes the session's lock first, in the order every session path
 * uses (lockPaymentAndSession); locking the session after the payment deadlocks against a pay.
 */
async function lockFor(trx: Db, actor: Actor, id: string, action: PaymentAction, withSession = false): Promise<{ payment: Payment; next: PaymentStatus }> {
  const payment = withSession
    ? await lockPaymentAndSession(trx, actor.merchant.id, id)
    : await paymentsRepo.lockPayment(trx, actor.merchant.id, id);
  if (!payment) throw new ApiError('not_found', { param: 'id' });
  const step = transition(payment.status, action);
  if (!step.ok) throw new ApiError(step.error);
  return { payment, next: step.next };
}

async function save(trx: Db, payment: Payment, changes: Parameters<typeof paymentsRepo.updatePayment>[2]): Promise<Payment> {
  const row = await paymentsRepo.updatePayment(trx, payment.id, changes);
  return { ...row, refunds: payment.refunds, refund_requests: payment.refund_requests };
}

export interface CaptureInput {
  amount?: number;
  tax?: number | string;
}

/** Captures an authorized card payment, optionally for less than was authorized. */
export async function capturePayment(trx: Db, actor: Actor, id: string, input: CaptureInput): Promise<Payment> {
  const { payment, next } = await lockFor(trx, actor, id, 'capture');
  const now = actor.clock.now(); // after the lock: see lockFor
  if (methodFor(payment.payment_type)?.flow !== 'card') throw new ApiError('not_capturable');
  let amount = payment.amount;
  let tax = payment.tax;
  if (input.amount !== undefined) {
    if (input.amount > payment.amount) {
      throw new ApiError('invalid_parameter', { param: 'amount', message: 'The capture amount cannot exceed the authorized amount' });
    }
    amount = input.amount;
    tax = resolveTax(amount, input.tax);
  } else if (input.tax !== undefined) {
    tax = resolveTax(amount, input.tax);
  }
  if (amount + tax > payment.total) throw new ApiError('invalid_parameter', { param: 'tax', message: 'The capture total cannot exceed the authorized total' });
  // The remainder is kept for API versions before 2025-01-28, which show it as refunded.
  const uncaptured = { uncaptured_amount: payment.amount - amount, uncaptured_tax: payment.tax - tax };
  const captured = await save(trx, payment, { status: next, captured_at: now, updated_at: now, amount, tax, ...uncaptured });
  await recordPaymentEvent(trx, 'payment.captured', captured, now);
  return captured;
}

export interface RefundInput {
  amount?: number;
  description?: string;
}

/** Refunds all that remains, or `amount` of it; the payment becomes `refunded` once nothing remains. */
export async function refundPayment(trx: Db, actor: Actor, id: string, input: RefundInput): Promise<Payment> {
  const payment = await paymentsRepo.lockPayment(trx, actor.merchant.id, id);
  if (!payment) throw new ApiError('not_found', { param: 'id' });
  const now = actor.clock.now(); // after the lock: see lockFor
  if (!methodFor(payment.payment_type)?.refundable) throw new ApiError('not_refundable');
  const remaining = payment.total - payment.amount_refunded;
  return applyRefund(trx, payment, input.amount ?? remaining, input.description ?? null, now);
}

/**
 * Records a refund of `amount` (at most what remains) on a locked payment: the refunds[] entry,
 * amount_refunded, `refunded` once nothing remains, and the events `payment.refund.created`
 * (+ `payment.refunded`). Shared by /refund and completed refund requests.
 */
export async function applyRefund(trx: Db, payment: Payment, amount: number, description: string | null, now: Date): Promise<Payment> {
  const remaining = payment.total - payment.amount_refunded;
  const full = amount === remaining;
  const step = transition(payment.status, full ? 'refund_full' : 'refund_partial');
  if (!step.ok) throw new ApiError(step.error);
  if (amount < 1 || amount > remaining) {
    throw new ApiError('invalid_parameter', { param: 'amount', message: `The refund amount must be between 1 and ${remaining}` });
  }
  const refund = {
    id: newId(),
    merchant_id: payment.merchant_id,
    payment_id: payment.id,
    amount,
    currency: payment.currency,
    description,
    created_at: now,
  };
  await paymentsRepo.insertRefund(trx, refund);
  const refunded = await save(trx, { ...payment, refunds: [...payment.refunds, refund] }, {
    status: step.next,
    amount_refunded: payment.amount_refunded + amount,
    updated_at: now,
  });
  await recordPaymentEvent(trx, 'payment.refund.created', refunded, now);
  if (full) await recordPaymentEvent(trx, 'payment.refunded', refunded, now);
  return refunded;
}

export async function cancelPayment(trx: Db, actor: Actor, id: string): Promise<Payment> {
  const { payment, next } = await lockFor(trx, actor, id, 'cancel');
  const now = actor.clock.now(); // after the lock: see lockFor
  const cancelled = await save(trx, payment, { status: next, updated_at: now });
  await recordPaymentEvent(trx, 'payment.cancelled', cancelled, now);
  return cancelled;
}

export interface UpdatePaymentInput {
  description?: string;
  metadata?: Record<string, string>;
  external_order_num?: string;
  /** Continues a pending payment (another prepaid card); see PaymentMethod.continue. */
  payment_details?: Record<string, unknown>;
}

/**
 * PATCH /payments/:id: changes description, metadata or external_order_num (`payment.updated`),
 * and continues a pending prepaid payment with another card: enough to cover the rest captures
 * it (`payment.captured`), too little keeps it pending with a smaller `short_amount`, and a
 * refused card leaves it as it was and answers the decline.
 */
export async function updatePayment(trx: Db, services: Services, actor: Actor, id: string, input: UpdatePaymentInput): Promise<PaymentOutcome> {
  // Another prepaid card may capture the payment and so complete its session.
  const { payment } = await lockFor(trx, actor, id, 'update', input.payment_details !== undefined);
  const now = actor.clock.now(); // after the lock: see lockFor
  const changes: Parameters<typeof paymentsRepo.updatePayment>[2] = { updated_at: now };
  // Only what differs is a change: a PATCH that sends nothing new (no fields, unknown fields, the
  // values the payment already has) writes nothing and no `payment.updated`, so a merchant that
  // re-sends its order data does not wake its own webhook with an event that says nothing.
  let changed = false;
  if (input.description !== undefined && input.description !== payment.description) {
    changes.description = input.description;
    changed = true;
  }
  if (input.external_order_num !== undefined && input.external_order_num !== payment.external_order_num) {
    changes.external_order_num = input.external_order_num;
    changed = true;
  }
  if (input.metadata !== undefined && !sameMetadata(input.metadata, payment.metadata)) {
    changes.metadata = JSON.stringify(input.metadata);
    changed = true;
  }
  let event: PaymentEventType = 'payment.updated';
  if (input.payment_details !== undefined) {
    const continued = await continuePayment(services, actor, payment, input.payment_details, now);
    if (continued.outcome === 'declined') return { payment, decline: continued.declineCode };
    changes.payment_details = JSON.stringify(continued.publicDetails);
    // The new card's secrets join those kept from the earlier ones (shallow merge, one key per card).
    if (continued.secretDetails) {
      const kept = payment.secret_details ? services.vault.open(payment.secret_details) : {};
      changes.secret_details = services.vault.seal({ ...kept, ...continued.secretDetails });
    }
    if (continued.deadline !== undefined) changes.payment_deadline = continued.deadline;
    if (continued.outcome === 'captured') {
      const step = transition(payment.status, 'complete');
      if (!step.ok) throw new ApiError(step.error);
      changes.status = step.next;
      changes.captured_at = now;
      event = 'payment.captured';
    }
    changed = true;
  }
  if (!changed) return { payment };
  const updated = await save(trx, payment, changes);
  await recordPaymentEvent(trx, event, updated, now);
  // The last prepaid card of a session's payment pays the session.
  if (event === 'payment.captured') await completeSessionOf(trx, updated, now);
  return { payment: updated };
}

/** Metadata is a flat string map: the same pairs in any order are the same metadata. */
function sameMetadata(a: Record<string, string>, b: Record<string, string> | null): boolean {
  const keys = Object.keys(a);
  return b !== null && keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && b[key] === a[key]);
}

async function continuePayment(services: Services, actor: Actor, payment: Payment, details: Record<string, unknown>, now: Date) {
  const method = methodFor(payment.payment_type);
  if (payment.status !== 'pending' || !method?.continue) {
    throw new ApiError('invalid_parameter', { param: 'payment_details', message: 'Only a pending prepaid payment can be continued with more payment details' });
  }
  if (details.type !== undefined && details.type !== method.type) {
    throw new ApiError('invalid_payment_type', { param: 'payment_details.type', provided: String(details.type), allowed: [method.type] });
  }
  // Past its deadline the payment is over even if the expiry sweep has not reached it yet (as
  // completePayment says for a konbini slip).
  if (payment.payment_deadline && payment.payment_deadline < now) {
    throw new ApiError('unprocessable_entity', { message: 'The payment is past its deadline and can no longer be paid' });
  }
  const typed = { ...details, type: method.type };
  check(method.detailsSchema, typed, 'payment_details');
  const prepared = method.prepare(typed, { now });
  return method.continue(prepared, payment.payment_details, {
    now,
    paymentId: payment.id,
    amount: payment.amount,
    total: payment.total,
    currency: payment.currency as Currency,
    locale: payment.locale as Locale,
    capture: true,
    processor: processorFor(services, actor),
    urls: paymentUrls(services, payment.id, payment.locale),
    deadline: payment.payment_deadline,
  });
}
