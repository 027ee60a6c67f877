import { methodFor } from '../../methods';
import type { Db } from '../../store/db';
import * as sessionsRepo from '../../store/sessions.repo';
import { ApiError } from '../../kernel/errors';
import type { Currency } from '../../kernel/money';
import type { Customer } from '../../model/customer';
import type { Payment } from '../../model/payment';
import type { Session } from '../../model/session';
import type { Actor, Services } from '../context';
import { updateCustomer } from '../customers';
import { saveCard } from '../one-click';
import { createPayment, type Locale } from '../payments';
import { paysSession } from '../session-completion';
import type { RedeemedToken } from '../tokens';
import { abandonAttempt, continueAttempt } from './attempts';
import { needsAuthentication, sendToAuthentication } from './authentication';
import { claimSessionToken, readSessionDetails, type SessionDetails } from './details';
import type { MethodOffer } from './offers';
import { sessionOffer } from './offers';
import type { Paying, PaySessionInput, PaySessionOutcome } from './outcome';
import { allowedStep } from './state';
import { nextUrl, sessionReturnUrl } from './view';

export type { PaySessionInput, PaySessionOutcome } from './outcome';

/**
 * Pays a pending, unexpired session with one method it offers. The payment is created with the
 * session's order (external_order_num, metadata, locale) and carries the session id; its amount
 * and currency are the method's offer (the session's own, or converted: spec §6.3), and it records
 * the session's amount, currency and the rate. A decline leaves the session pending (another
 * attempt may follow, as on KOMOJU); any other outcome embeds the payment, and completes the
 * session when the payment pays it (paysSession): an offsite payment waits for the provider's
 * answer, so the session stays pending until then. A session is paid at most once.
 *
 * - `customer` mode saves the details on the session's customer without paying;
 *   `customer_payment` pays and saves them.
 * - One-click: with the session's `external_customer_id`, `save_card` keeps the card for the next
 *   session, and `payment_details.external_customer_id` pays with the card kept.
 * - A card of the 3-D Secure test families is not charged yet: a secure token for the offer's
 *   amount is made and the customer sent to its authentication page, which returns to
 *   `/sessions/:id/authenticated` (see completeAuthentication); the session stays pending.
 *
 * The details are read (a token's opened) once, and the session's own checks (state, save_card,
 * offer, method named) come before the first write. The payment's checks (amount limits, fraud
 * details, the token's currency) still run in createPayment after the token is claimed and an
 * abandoned attempt cancelled: the caller's transaction makes that atomic (see the route).
 */
export async function paySession(
  trx: Db,
  services: Services,
  actor: Actor,
  id: string,
  input: PaySessionInput,
  options: { scenario?: string } = {},
): Promise<PaySessionOutcome> {
  const session = await sessionsRepo.lockSession(trx, actor.merchant.id, id);
  if (!session) throw new ApiError('not_found', { param: 'id' });
  return (await payLocked(trx, services, actor, session, input, options)).outcome;
}

/** paySession of a session the caller has locked; also answers with the details as read. */
export async function payLocked(
  trx: Db,
  services: Services,
  actor: Actor,
  session: Session,
  input: PaySessionInput,
  options: { scenario?: string } = {},
): Promise<{ outcome: PaySessionOutcome; details: SessionDetails }> {
  const now = actor.clock.now(); // after the lock: a second pay waits, then sees the first
  allowedStep(session, 'pay', now);
  const details = await readSessionDetails(trx, services, actor, session, input.payment_details, now);
  if (input.save_card && !session.external_customer_id) {
    throw new ApiError('invalid_parameter', { param: 'save_card', message: 'Cards can be saved only in sessions with an external_customer_id' });
  }
  const paying: Paying = { trx, services, actor, session, input, details, now };
  if (session.mode === 'customer') return { outcome: await saveOnCustomer(paying), details };
  const continued = await continueAttempt(trx, services, actor, session, details.type, details.given);
  return { outcome: continued ?? (await payAnew(paying, options)), details };
}

/** Customer mode: the details go on the session's customer (and, asked, for one-click); nothing is charged. */
async function saveOnCustomer(paying: Paying): Promise<PaySessionOutcome> {
  const { trx, services, actor, session, input, details, now } = paying;
  // A token is used up here; its details, opened once already, are what the customer keeps.
  const redeemed = await claimSessionToken(trx, actor, details, now, ['token']);
  const given = redeemed ? redeemed.details : details.given;
  const customer = await updateCustomer(trx, services, actor, session.customer_id!, { payment_details: given });
  if (input.save_card && details.plain) await saveCard(trx, services, actor, session.external_customer_id!, details.plain);
  const updated = await sessionsRepo.updateSession(trx, session.id, { ...completion(session, now), updated_at: now });
  return { session: updated, payment: null, customer, redirectUrl: sessionReturnUrl(updated) };
}

/** A new payment for the session's offer of the method, or the authentication page first. */
async function payAnew(paying: Paying, options: { scenario?: string }): Promise<PaySessionOutcome> {
  const { services, session, details } = paying;
  const type = details.type;
  const offer = type === undefined ? null : sessionOffer(services, session, type);
  if (type !== undefined && !offer) throw new ApiError('invalid_currency', { param: 'currency', message: `${type} does not accept ${session.currency}` });
  const amount = offer?.amount ?? Number(session.amount ?? 0);
  const currency = offer?.currency ?? (session.currency as Currency);
  if (details.plain && needsAuthentication(services.authenticator, details.plain)) return sendToAuthentication(paying, details.plain, amount, currency);
  // A token is claimed (invalid_token when it cannot be) and a method named before anything is written.
  const redeemed = await claimSessionToken(paying.trx, paying.actor, details, paying.now);
  if (type === undefined) throw new ApiError('missing_parameter', { param: 'payment_details.type' });
  return charge(paying, { amount, currency, offer, redeemed }, options);
}

interface Charge {
  amount: number;
  currency: Currency;
  offer: MethodOffer | null;
  /** The token of the details, claimed and opened already. */
  redeemed?: RedeemedToken;
}

/** Charges the offer: the earlier attempt left at a provider is cancelled, the payment created. */
async function charge(paying: Paying, { amount, currency, offer, redeemed }: Charge, options: { scenario?: string }): Promise<PaySessionOutcome> {
  const { trx, services, actor, session, input, details } = paying;
  const data = session.payment_data;
  await abandonAttempt(trx, actor, session);
  const { payment, decline } = await createPayment(
    trx,
    services,
    actor,
    {
      amount,
      currency,
      // The session's amount is what the customer pays: no auto tax on top. KOMOJU's WooCommerce
      // plugin creates the session with the order total and, on payment.captured, holds the order
      // unless `total - payment_method_fee` equals it.
      tax: 0,
      payment_details: typeof details.given === 'string' ? details.given : { ...details.given },
      capture: (input.capture ?? data.capture) !== 'manual',
      external_order_num: typeof data.external_order_num === 'string' ? data.external_order_num : undefined,
      metadata: session.metadata,
      locale: session.default_locale as Locale,
      email: input.customer_email ?? session.email ?? undefined,
      return_url: sessionReturnUrl(session) ?? undefined,
      fraud_details: input.fraud_details,
    },
    {
      // The request's header, else the one the session was created with.
      scenario: options.scenario ?? session.scenario ?? undefined,
      sessionId: session.id,
      customerId: session.mode === 'customer_payment' ? (session.customer_id ?? undefined) : undefined,
      exchange: { session_amount: Number(session.amount ?? 0), session_currency: session.currency, exchange_rate: offer?.exchange_rate ?? 1 },
      redeemed,
    },
  );
  if (decline) return { session, payment, decline, redirectUrl: null };
  return recordPaid(paying, payment);
}

/** The payment went through: the customer keeps the details (customer_payment, one-click) and the session embeds it. */
async function recordPaid(paying: Paying, payment: Payment): Promise<PaySessionOutcome> {
  const { trx, services, actor, session, input, details, now } = paying;
  let customer: Customer | undefined;
  if (session.mode === 'customer_payment' && session.customer_id && details.plain && methodFor(payment.payment_type)?.store) {
    customer = await updateCustomer(trx, services, actor, session.customer_id, { payment_details: { ...details.plain } });
  }
  if (input.save_card && details.plain) await saveCard(trx, services, actor, session.external_customer_id!, details.plain);
  const updated = await sessionsRepo.updateSession(trx, session.id, {
    payment_id: payment.id,
    updated_at: now,
    ...(paysSession(payment) ? completion(session, now) : {}),
  });
  return { session: updated, payment, customer, redirectUrl: nextUrl(updated, payment, now) };
}

/** The columns of the session's completion, as the state table has it (a payable session completes). */
function completion(session: Session, now: Date): { status: 'completed'; completed_at: Date } | Record<string, never> {
  return 'to' in allowedStep(session, 'complete', now) ? { status: 'completed', completed_at: now } : {};
}
