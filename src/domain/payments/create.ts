import { endOfDayTokyo } from '../../lib/clock';
import { newId } from '../../lib/random';
import type { AuthorizeContext, Authorization, PaymentMethod } from '../../methods/method';
import { parseScenario, scenarioProcessor } from '../../processors/scenario-processor';
import type { Processor } from '../../processors/processor';
import type { Db } from '../../store/db';
import * as paymentsRepo from '../../store/payments.repo';
import type { DeclineCode } from '../../kernel/errors';
import type { Payment, PaymentStatus } from '../../model/payment';
import type { Actor, Services } from '../context';
import { customerScenario } from '../customers';
import { paymentEventRow, type PaymentEventType } from '../events';
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
 * Creates a payment: checks everything (request.ts), uses up the token if the details came in
 * one, asks the method (and through it the processor) for the outcome, then writes the payment
 * and its event. A decline is an outcome, not an exception: the payment is stored as `failed`
 * with a `payment.failed` event, and the caller answers 502. With the details in the request the
 * write is a single statement, so this command is atomic even outside a transaction.
 */
export async function createPayment(
  trx: Db,
  services: Services,
  actor: Actor,
  input: CreatePaymentInput,
  options: CreatePaymentOptions = {},
): Promise<PaymentOutcome> {
  const now = actor.clock.now();
  const currency = checkCreateRequest(input);
  const source: ChargeSource = options.redeemed ?? (await detailsToCharge(trx, services, actor, input, now));
  const charge = checkCharge(actor, input, currency, source, now);
  // Checked once the request is known to be valid: a live merchant without a processor.
  const processor = processorFor(services, actor);
  const customerId = source.customerId ?? options.customerId ?? null;
  const scenario = await scenarioFor(trx, actor, options, customerId);
  // Every check has passed: the first write.
  if (source.token) await useToken(trx, actor, source.token, now);
  const id = newId();
  const context = authorizeContext(services, input, charge, processor, id, now);
  const authorization = scenario ? await forceScenario(charge.method, charge.prepared, context, scenario) : await charge.method.authorize(charge.prepared, context);
  const payment = newPayment(services, actor, input, options, { id, charge, context, authorization, customerId, now });
  const event = EVENT_ON_CREATE[payment.status];
  await paymentsRepo.insertPaymentWithEvent(trx, payment, event ? paymentEventRow(event, payment, now) : null);
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

function authorizeContext(services: Services, input: CreatePaymentInput, charge: CheckedCharge, processor: Processor, id: string, now: Date): AuthorizeContext {
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
    urls: paymentUrls(services, id, locale),
    deadline: expiryDays !== undefined ? endOfDayTokyo(now, expiryDays) : null,
  };
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

interface Authorized {
  id: string;
  charge: CheckedCharge;
  context: AuthorizeContext;
  authorization: Authorization;
  customerId: string | null;
  now: Date;
}

/** The payment row the outcome makes, as it is inserted and answered. */
function newPayment(services: Services, actor: Actor, input: CreatePaymentInput, options: CreatePaymentOptions, made: Authorized): Payment {
  const { id, charge, context, authorization, now } = made;
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
    customer_id: made.customerId,
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
    refunds: [],
    refund_requests: [],
  };
}
