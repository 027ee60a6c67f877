import type { Db } from '../../store/db';
import * as sessionsRepo from '../../store/sessions.repo';
import { ApiError } from '../../kernel/errors';
import type { Currency } from '../../kernel/money';
import type { Customer } from '../../model/customer';
import type { Payment, StatementDescriptor } from '../../model/payment';
import type { Session } from '../../model/session';
import type { Actor, Services } from '../context';
import { detailsToStore, lockCustomerOf, saveCustomer, type StoredDetails } from '../customers';
import { checkDetails } from '../details';
import { cardToSave, saveCard, type CardToSave } from '../one-click';
import { checkPayment, writePayment, type CheckedPayment, type CreatePaymentInput, type Locale } from '../payments';
import { paysSession } from '../session-completion';
import { useToken } from '../tokens';
import { abandonAttempt, continueAttempt } from './attempts';
import { needsAuthentication, sendToAuthentication } from './authentication';
import { chargeSource, readSessionDetails } from './details';
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
 * The details are read (a token opened) once and checked once (the method's prepare hook runs
 * once); every check, the session's and the payment's, comes before the first write: a refused
 * request leaves the token unused and an earlier attempt as it was. In order: the session's state,
 * the details (a usable token, a method the session offers, its own saved card), save_card's
 * external_customer_id, the offer's currency, the method named, the payment's checks
 * (createPayment's), what the customer keeps (storable, one-click).
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
  return payLocked(trx, services, actor, session, input, options);
}

/** paySession of a session the caller has locked. */
export async function payLocked(
  trx: Db,
  services: Services,
  actor: Actor,
  session: Session,
  input: PaySessionInput,
  options: { scenario?: string } = {},
): Promise<PaySessionOutcome> {
  const now = actor.clock.now(); // after the lock: a second pay waits, then sees the first
  allowedStep(session, 'pay', now);
  const details = await readSessionDetails(trx, services, actor, session, input.payment_details, now);
  if (input.save_card && !session.external_customer_id) {
    throw new ApiError('invalid_parameter', { param: 'save_card', message: 'Cards can be saved only in sessions with an external_customer_id' });
  }
  const paying: Paying = { trx, services, actor, session, input, details, now };
  if (session.mode === 'customer') return saveOnCustomer(paying);
  const continued = await continueAttempt(trx, services, actor, session, details.type, details.given);
  return continued ?? (await payAnew(paying, options));
}

/** Customer mode: the details go on the session's customer (and, asked, for one-click); nothing is charged. */
async function saveOnCustomer(paying: Paying): Promise<PaySessionOutcome> {
  const { trx, services, actor, session, input, details, now } = paying;
  // A secure token authenticates one payment: it is not kept on a customer.
  if (!details.plain) throw new ApiError('invalid_token', { param: 'payment_details' });
  const { method, prepared } = checkDetails(actor, { ...details.plain }, now);
  const stored = detailsToStore(services, actor, method, details.plain, prepared);
  const card = input.save_card ? cardToSave(services, method, details.plain, prepared) : undefined;
  const found = await lockCustomerOf(trx, actor, session.customer_id!);
  // Every check has passed: the first write.
  if (details.token) await useToken(trx, actor, details.token, now);
  // Stamped after the customer's lock, as updateCustomer stamps: concurrent updates in the order they apply.
  const customer = await saveCustomer(trx, actor.ids, { ...found, ...stored, updated_at: actor.clock.now() });
  if (card) await saveCard(trx, actor, session.external_customer_id!, card);
  const updated = await sessionsRepo.updateSession(trx, session.id, { ...completion(session, now), updated_at: now });
  return { session: updated, payment: null, customer, redirectUrl: sessionReturnUrl(updated) };
}

/** A new payment for the session's offer of the method, or the authentication page first. */
async function payAnew(paying: Paying, options: { scenario?: string }): Promise<PaySessionOutcome> {
  const { trx, services, actor, session, details } = paying;
  const type = details.type;
  const offer = type === undefined ? null : sessionOffer(services, session, type);
  if (type !== undefined && !offer) throw new ApiError('invalid_currency', { param: 'currency', message: `${type} does not accept ${session.currency}` });
  const amount = offer?.amount ?? Number(session.amount ?? 0);
  const currency = offer?.currency ?? (session.currency as Currency);
  if (details.plain && needsAuthentication(services.authenticator, details.plain)) return sendToAuthentication(paying, details.plain, amount, currency);
  if (type === undefined) throw new ApiError('missing_parameter', { param: 'payment_details.type' });
  const checked = await checkPayment(trx, services, actor, paymentInput(paying, amount, currency), {
    // The request's header, else the one the session was created with.
    scenario: options.scenario ?? session.scenario ?? undefined,
    sessionId: session.id,
    customerId: session.mode === 'customer_payment' ? (session.customer_id ?? undefined) : undefined,
    exchange: exchangeOf(session, offer),
    source: chargeSource(details),
  });
  const keeping = await whatTheCustomerKeeps(paying, checked);
  // Every check has passed: the first write ends the attempt left at a provider.
  await abandonAttempt(trx, actor, session);
  const { payment, decline } = await writePayment(trx, services, actor, checked);
  if (decline) return { session, payment, decline, redirectUrl: null };
  return recordPaid(paying, payment, keeping);
}

/** The payment request a session payment makes of its order and the customer's input. */
function paymentInput(paying: Paying, amount: number, currency: Currency): CreatePaymentInput {
  const { session, input, details } = paying;
  const data = session.payment_data;
  return {
    amount,
    currency,
    // The session's amount is what the customer pays: no auto tax on top. KOMOJU's WooCommerce
    // plugin creates the session with the order total and, on payment.captured, holds the order
    // unless `total - payment_method_fee` equals it.
    tax: 0,
    payment_details: details.given,
    capture: (input.capture ?? data.capture) !== 'manual',
    external_order_num: typeof data.external_order_num === 'string' ? data.external_order_num : undefined,
    metadata: session.metadata,
    locale: session.default_locale as Locale,
    email: input.customer_email ?? session.email ?? undefined,
    return_url: sessionReturnUrl(session) ?? undefined,
    fraud_details: input.fraud_details,
    mcc: typeof data.mcc === 'string' ? data.mcc : undefined,
    statement_descriptor: statementDescriptor(data.statement_descriptor),
  };
}

/** payment_data's statement descriptor as the payment keeps it: the older string form is its `statement_descriptor`. */
function statementDescriptor(given: unknown): StatementDescriptor | undefined {
  if (typeof given === 'string') return { statement_descriptor: given };
  return typeof given === 'object' && given !== null ? (given as StatementDescriptor) : undefined;
}

function exchangeOf(session: Session, offer: MethodOffer | null) {
  return { session_amount: Number(session.amount ?? 0), session_currency: session.currency, exchange_rate: offer?.exchange_rate ?? 1 };
}

/** What the customer keeps once the payment goes through, checked before it is made. */
interface Keeping {
  /** customer_payment: the details, on the session's customer (locked). */
  customer?: { found: Customer; stored: StoredDetails };
  /** save_card: the card, for one-click. */
  card?: CardToSave;
}

/**
 * Checks what the customer keeps of the details, from the payment's own check (the method's
 * prepare hook ran once): a customer_payment session's customer gets them when the method can be
 * stored; `save_card` keeps a card (a secure token's too: the 3-D Secure page's return), and
 * refuses a method that cannot be paid in one click.
 */
async function whatTheCustomerKeeps(paying: Paying, { charge }: CheckedPayment): Promise<Keeping> {
  const { trx, services, actor, session, input, details } = paying;
  const keeping: Keeping = {};
  const plain = details.plain;
  if (session.mode === 'customer_payment' && session.customer_id && plain && charge.method.store) {
    keeping.customer = { found: await lockCustomerOf(trx, actor, session.customer_id), stored: detailsToStore(services, actor, charge.method, plain, charge.prepared) };
  }
  const card = plain ?? details.token?.details;
  if (input.save_card && card) keeping.card = cardToSave(services, charge.method, card, charge.prepared);
  return keeping;
}

/** The payment went through: the customer keeps the details (customer_payment, one-click) and the session embeds it. */
async function recordPaid(paying: Paying, payment: Payment, keeping: Keeping): Promise<PaySessionOutcome> {
  const { trx, actor, session, now } = paying;
  const kept = keeping.customer;
  const customer = kept ? await saveCustomer(trx, actor.ids, { ...kept.found, ...kept.stored, updated_at: actor.clock.now() }) : undefined;
  if (keeping.card) await saveCard(trx, actor, session.external_customer_id!, keeping.card);
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
