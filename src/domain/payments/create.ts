import { endOfDayTokyo } from '../../lib/clock';
import type { AuthorizeContext, Authorization, PaymentMethod } from '../../methods/method';
import { parseScenario, scenarioProcessor } from '../../processors/scenario-processor';
import type { Processor } from '../../processors/processor';
import type { Db } from '../../store/db';
import * as paymentsRepo from '../../store/payments.repo';
import type { DeclineCode } from '../../kernel/errors';
import type { Payment, PaymentStatus } from '../../model/payment';
import type { Actor, Services } from '../context';
import { planChargeback } from '../chargeback-plans';
import { customerScenario } from '../customers';
import { paymentEventRow, type PaymentEventType } from '../events';
import { paymentMail } from '../mail';
import { processorFor } from '../upstream';
import { isPaid } from '../payment-state';
import { useToken } from '../tokens';
import {
  checkCharge,
  checkCreateRequest,
  detailsToCharge,
  type ChargeSource,
  type CheckedCharge,
  type CreatePaymentInput,
  type CreatePaymentOptions,
  type PaymentOutcome,
} from './request';

/**
 * Creates a payment: checks everything (checkPayment), then writes it (writePayment). A decline
 * is an outcome, not an exception: the payment is stored as `failed` with a `payment.failed`
 * event, and the caller answers 502. With the details in the request the write is a single
 * statement, so this command is atomic even outside a transaction.
 */
export async function createPayment(
  trx: Db,
  services: Services,
  actor: Actor,
  input: CreatePaymentInput,
  options: CreatePaymentOptions = {},
): Promise<PaymentOutcome> {
  return writePayment(trx, services, actor, await checkPayment(trx, services, actor, input, options));
}

/** A create request that passed every check: what writePayment charges, and with what. */
export interface CheckedPayment {
  input: CreatePaymentInput;
  options: CreatePaymentOptions;
  source: ChargeSource;
  charge: CheckedCharge;
  processor: Processor;
  scenario?: DeclineCode;
  customerId: string | null;
}

/**
 * Every check of a create request (request.ts), reading only: the request, the details it
 * charges (a token read, not used), the method, a live merchant's processor, the scenario. A
 * caller with writes of its own to make (a session payment) checks first and writes after.
 */
export async function checkPayment(
  db: Db,
  services: Services,
  actor: Actor,
  input: CreatePaymentInput,
  options: CreatePaymentOptions = {},
): Promise<CheckedPayment> {
  const now = actor.clock.now();
  const currency = checkCreateRequest(input);
  const source = options.source ?? (await detailsToCharge(db, services, actor, input, now));
  const charge = checkCharge(actor, input, currency, source, now);
  // Checked once the request is known to be valid: a live merchant without a processor.
  const processor = processorFor(services, actor);
  const customerId = source.customerId ?? options.customerId ?? null;
  const scenario = await scenarioFor(db, actor, options, customerId);
  return { input, options, source, charge, processor, scenario, customerId };
}

/**
 * Writes a checked payment: uses up the token if the details came in one, asks the method (and
 * through it the processor) for the outcome, then inserts the payment and its event.
 */
export async function writePayment(trx: Db, services: Services, actor: Actor, checked: CheckedPayment): Promise<PaymentOutcome> {
  const { source, charge, scenario } = checked;
  // Read again: a caller may have written in between (a session's abandoned attempt, cancelled
  // first), and the payment comes after it.
  const now = actor.clock.now();
  if (source.token) await useToken(trx, actor, source.token, now);
  const id = actor.ids.id();
  const context = authorizeContext(services, checked, id, now, actor);
  const authorization = scenario ? await forceScenario(charge.method, charge.prepared, context, scenario) : await charge.method.authorize(charge.prepared, context);
  const payment = newPayment(services, actor, checked, { id, context, authorization, now });
  const type = EVENT_ON_CREATE[payment.status];
  const event = type ? paymentEventRow(actor.ids, type, payment, now) : null;
  // The mail the event sends (instructions, receipt) is inserted by the same statement (domain/mail.ts).
  const mail = type && event ? paymentMail(actor.ids, type, event.id, payment, actor.merchant.name, now) : null;
  await paymentsRepo.insertPaymentWithEvent(trx, payment, event, mail);
  await planChargeback(trx, payment, authorization.dispute);
  return { payment, decline: authorization.declineCode };
}

/** The event a new payment announces; a pending one (waiting for more input) announces nothing yet. */
const EVENT_ON_CREATE: Partial<Record<PaymentStatus, PaymentEventType>> = {
  authorized: 'payment.authorized',
  captured: 'payment.captured',
  failed: 'payment.failed',
};

/** The request's Komoju-Scenario, else the one its customer was created with; checked, or none. */
async function scenarioFor(trx: Db, actor: Actor, options: CreatePaymentOptions, customerId: string | null): Promise<DeclineCode | undefined> {
  const scenario = options.scenario ?? (customerId ? await customerScenario(trx, actor, customerId) : undefined);
  return scenario ? parseScenario(scenario) : undefined;
}

function authorizeContext(services: Services, { input, charge, processor }: CheckedPayment, id: string, now: Date, actor: Actor): AuthorizeContext {
  const locale = input.locale ?? 'ja';
  const expiryDays = (charge.prepared.expiry_days as number | undefined) ?? charge.method.expiry?.defaultDays;
  return {
    now,
    paymentId: id,
    amount: charge.amount,
    total: charge.total,
    currency: charge.currency,
    locale,
    capture: input.capture ?? true,
    processor,
    ids: actor.ids,
    urls: paymentUrls(services, id, locale),
    deadline: expiryDays !== undefined ? endOfDayTokyo(now, expiryDays) : null,
  };
}

/** Links to the pages this server hosts for a payment (instructions, offsite simulator, barcode). */
export function paymentUrls(services: Services, id: string, locale: string): AuthorizeContext['urls'] {
  return {
    instructions: `${services.publicUrl}/${locale}/instructions/${id}`,
    offsite: `${services.publicUrl}/offsite/new?uuid=${id}`,
    barcode: `${services.publicUrl}/api/v1/barcodes/${id}`,
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

interface Authorized {
  id: string;
  context: AuthorizeContext;
  authorization: Authorization;
  now: Date;
}

/** The payment row the outcome makes, as it is inserted and answered. */
function newPayment(services: Services, actor: Actor, checked: CheckedPayment, made: Authorized): Payment {
  const { input, options, charge, customerId } = checked;
  const { id, context, authorization, now } = made;
  const status: PaymentStatus = authorization.outcome === 'declined' ? 'failed' : authorization.outcome;
  const fee = authorization.fee ?? 0;
  return {
    id,
    merchant_id: actor.merchant.id,
    status,
    payment_type: charge.method.type,
    amount: charge.amount,
    tax: charge.tax,
    payment_method_fee: fee,
    total: charge.total + fee,
    currency: charge.currency,
    amount_refunded: 0,
    customer_id: customerId,
    session_id: options.sessionId ?? null,
    payment_deadline: authorization.deadline !== undefined ? authorization.deadline : context.deadline,
    payment_details: authorization.publicDetails,
    secret_details: authorization.secretDetails ? services.vault.seal(authorization.secretDetails) : null,
    description: input.description ?? null,
    external_order_num: input.external_order_num ?? null,
    metadata: input.metadata ?? {},
    locale: context.locale,
    email: (charge.prepared.email as string | undefined) ?? null,
    // return_url may come inside payment_details (the method tables) or top level (the examples).
    return_url: (charge.prepared.return_url as string | undefined) ?? input.return_url ?? null,
    fraud_details: input.fraud_details ?? null,
    failure_code: authorization.declineCode ?? null,
    captured_at: isPaid(status) ? now : null,
    created_at: now,
    updated_at: now,
    session_amount: options.exchange?.session_amount ?? null,
    session_currency: options.exchange?.session_currency ?? null,
    exchange_rate: options.exchange?.exchange_rate ?? null,
    uncaptured_amount: 0,
    uncaptured_tax: 0,
    customer_family_name: textOf(charge.prepared.family_name),
    customer_given_name: textOf(charge.prepared.given_name),
    mcc: input.mcc ?? null,
    statement_descriptor: input.statement_descriptor && Object.keys(input.statement_descriptor).length > 0 ? input.statement_descriptor : null,
    refunds: [],
    refund_requests: [],
  };
}

/** A details field as the payment keeps it: a non-empty string, otherwise null. */
function textOf(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}
