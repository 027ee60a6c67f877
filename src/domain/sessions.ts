import { offsetClock } from '../lib/clock';
import { newId } from '../lib/random';
import { isWebUrl } from '../lib/web-url';
import { CUSTOMER_MODE_TYPES, methodFor, ONE_CLICK_TYPES } from '../methods';
import { parseScenario } from '../processors/scenario-processor';
import { THREE_D_SECURE_TEST_CARDS } from '../processors/three-d-secure';
import * as customersRepo from '../store/customers.repo';
import type { Db } from '../store/db';
import * as merchantsRepo from '../store/merchants.repo';
import * as paymentsRepo from '../store/payments.repo';
import * as sessionsRepo from '../store/sessions.repo';
import * as tokensRepo from '../store/tokens.repo';
import type { Actor, Services } from './context';
import { createCustomer, updateCustomer } from './customers';
import { ApiError, type DeclineCode } from '../kernel/errors';
import { enabledTypes } from './merchants';
import { parseCurrency, type Currency } from '../kernel/money';
import { saveCard, savedCardDetails } from './one-click';
import { cancelPayment, createPayment, updatePayment, type Locale } from './payments';
import { paysSession } from './session-completion';
import { createSecureToken } from './secure-tokens';
import { checkTokenCurrency, redeemToken } from './tokens';
import { methodOffer, ratesOf, ratesToFix, sessionOffer } from './session-offers';
import type { Customer } from '../model/customer';
import type { Payment } from '../model/payment';
import type { Session } from '../model/session';

export type SessionMode = Session['mode'];

export { cardLogoPath, KONBINI_STORE_ORDER, konbiniLogoPath, methodOffer, sessionMethods, sessionOffer, type MethodOffer, type SessionMethodEntry } from './session-offers';

/** The request of POST /sessions after the route's schema has coerced and checked its types. */
export interface CreateSessionInput {
  mode?: SessionMode;
  amount?: number;
  currency: string;
  return_url?: string;
  default_locale?: Locale;
  email?: string;
  payment_types?: string[];
  payment_data?: Record<string, unknown>;
  metadata?: Record<string, string>;
  expires_in_seconds?: number;
  external_customer_id?: string;
  /** Customer modes: the customer to save the details on, instead of a new one. */
  customer_id?: string;
}

/** KOMOJU sessions live 24 hours at most (SDK: expires_in_seconds ≤ 86400, the default). */
export const MAX_SESSION_SECONDS = 86_400;

/** A session and the payment it embeds, if any. */
export interface SessionView {
  session: Session;
  payment: Payment | null;
}

/**
 * Creates a session: the order (amount, currency, payment_data) and which methods the hosted page
 * offers. `payment_types` defaults to the merchant's enabled methods that take the currency; an
 * explicit list must name enabled methods. Nothing is charged here.
 */
export async function createSession(
  db: Db,
  services: Services,
  actor: Actor,
  input: CreateSessionInput,
  /** `Komoju-Scenario` (test mode): the decline code every payment of the session fails with. */
  options: { scenario?: string } = {},
): Promise<SessionView> {
  const now = actor.clock.now();
  const scenario = options.scenario === undefined ? null : parseScenario(options.scenario);
  const mode = input.mode ?? 'payment';
  const currency = parseCurrency(input.currency);
  let amount: number | null = null;
  if (mode !== 'customer') {
    if (input.amount === undefined) throw new ApiError('missing_parameter', { param: 'amount' });
    amount = input.amount;
  }
  const enabled = enabledTypes(actor.merchant);
  const rates = ratesOf(services);
  const takes = (type: string) => {
    const method = methodFor(type);
    return !!method && methodOffer(rates, method, currency, amount) !== null;
  };
  let types: string[];
  if (input.payment_types !== undefined && input.payment_types.length > 0) {
    types = [...new Set(input.payment_types)];
    for (const type of types) {
      if (!enabled.includes(type) || !methodFor(type)) {
        throw new ApiError('invalid_payment_type', { param: 'payment_types', provided: type, allowed: [...enabled] });
      }
      if (!takes(type)) {
        throw new ApiError('invalid_currency', { param: 'currency', message: `${type} does not accept ${currency}, and no exchange rate converts it` });
      }
    }
  } else {
    types = enabled.filter(takes);
  }
  if (mode !== 'payment') {
    // By default only what can be stored on a customer (cards); paypay only when asked for.
    types = types.filter((type) => CUSTOMER_MODE_TYPES.includes(type) && (input.payment_types?.length || methodFor(type)?.store));
    if (input.payment_types?.some((type) => !CUSTOMER_MODE_TYPES.includes(type))) {
      throw new ApiError('invalid_payment_type', { param: 'payment_types', provided: input.payment_types.join(','), allowed: CUSTOMER_MODE_TYPES });
    }
  }
  if (types.length === 0) throw new ApiError('invalid_parameter', { param: 'payment_types', message: `No enabled payment method accepts ${currency}` });
  const seconds = input.expires_in_seconds ?? MAX_SESSION_SECONDS;
  if (seconds < 1 || seconds > MAX_SESSION_SECONDS) {
    throw new ApiError('invalid_parameter', { param: 'expires_in_seconds', message: `expires_in_seconds must be between 1 and ${MAX_SESSION_SECONDS}` });
  }
  const paymentData = { capture: 'auto', ...(input.payment_data ?? {}) };
  if (paymentData.capture !== 'auto' && paymentData.capture !== 'manual') {
    throw new ApiError('invalid_parameter', { param: 'payment_data.capture', message: 'payment_data[capture] must be auto or manual' });
  }
  if (input.customer_id !== undefined && mode === 'payment') {
    throw new ApiError('invalid_parameter', { param: 'customer_id', message: 'customer_id is for sessions in customer or customer_payment mode' });
  }
  // Customer modes: the customer exists from now on (its id is in the response), and gets the
  // details once the session completes (`customer.updated`), as on KOMOJU.
  let customerId: string | null = null;
  if (mode !== 'payment') {
    if (input.customer_id !== undefined) {
      if (!(await customersRepo.findCustomer(db, actor.merchant.id, input.customer_id))) {
        throw new ApiError('invalid_parameter', { param: 'customer_id', message: 'No such customer' });
      }
      customerId = input.customer_id;
    } else {
      customerId = (await createCustomer(db, services, actor, { email: input.email })).id;
    }
  }
  const session: Session = {
    id: newId(),
    merchant_id: actor.merchant.id,
    mode,
    status: 'pending',
    amount,
    currency,
    return_url: input.return_url ?? null,
    default_locale: input.default_locale ?? 'ja',
    payment_types: types,
    payment_data: paymentData,
    metadata: input.metadata ?? {},
    email: input.email ?? null,
    external_customer_id: input.external_customer_id ?? null,
    customer_id: customerId,
    payment_id: null,
    expires_at: new Date(now.getTime() + seconds * 1000),
    created_at: now,
    completed_at: null,
    cancelled_at: null,
    updated_at: now,
    exchange_rates: ratesToFix(rates, types, currency),
    scenario,
  };
  await sessionsRepo.insertSession(db, session);
  return { session, payment: null };
}

export async function getSession(db: Db, actor: Actor, id: string): Promise<SessionView> {
  const session = await sessionsRepo.findSession(db, actor.merchant.id, id);
  if (!session) throw new ApiError('not_found', { param: 'id' });
  return withPayment(db, session);
}

async function withPayment(db: Db, session: Session): Promise<SessionView> {
  const payment = session.payment_id ? ((await paymentsRepo.findPayment(db, session.merchant_id, session.payment_id)) ?? null) : null;
  return { session, payment };
}

export function isExpired(session: Session, now: Date): boolean {
  return session.status === 'pending' && new Date(session.expires_at).getTime() <= now.getTime();
}

/** Where the customer goes back to: return_url with `session_id=<id>` added, its query kept. */
export function sessionReturnUrl(session: Session): string | null {
  // A value stored before return_url was checked (or by hand) must not become a redirect.
  if (!session.return_url || !isWebUrl(session.return_url)) return null;
  try {
    const url = new URL(session.return_url);
    url.searchParams.append('session_id', session.id);
    return url.toString();
  } catch {
    return null;
  }
}

export interface PaySessionInput {
  /**
   * A details hash, or a token (`tok_…`). One-click: `{type: "credit_card", external_customer_id}`
   * (the session's own id) pays with the card saved for it.
   */
  payment_details: Record<string, unknown> | string;
  capture?: 'auto' | 'manual';
  fraud_details?: Record<string, string>;
  customer_email?: string;
  /** The customer ticked "save this card" (needs the session's external_customer_id). */
  save_card?: boolean;
  /** Language of the pages the customer is sent to (3-D Secure). */
  locale?: Locale;
}

/** What paying a session did: the session after it, the payment, where the browser goes next. */
export interface PaySessionOutcome extends SessionView {
  decline?: DeclineCode;
  redirectUrl: string | null;
  /** Customer modes: the customer now holding the details. */
  customer?: Customer;
}

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
  const now = actor.clock.now(); // after the lock: a second pay waits, then sees the first
  assertPayable(session, now);
  const peeked = await peekDetails(trx, services, actor, input.payment_details);
  const type = peeked.type;
  if (type !== undefined && !session.payment_types.includes(type)) {
    throw new ApiError('invalid_payment_type', { param: 'payment_details.type', provided: type, allowed: session.payment_types });
  }
  let paymentDetails = input.payment_details;
  let plain = peeked.details; // the details in clear, when known before the payment uses them
  if (typeof paymentDetails !== 'string' && paymentDetails.external_customer_id !== undefined) {
    const wanted = String(paymentDetails.external_customer_id);
    if (!session.external_customer_id || wanted !== session.external_customer_id) {
      throw new ApiError('invalid_parameter', { param: 'payment_details.external_customer_id', message: "external_customer_id must be the session's" });
    }
    plain = await savedCardDetails(trx, services, actor.merchant.id, wanted, now);
    if (paymentDetails.type !== undefined && paymentDetails.type !== plain.type) {
      throw new ApiError('invalid_payment_type', { param: 'payment_details.type', provided: String(paymentDetails.type), allowed: [String(plain.type)] });
    }
    paymentDetails = { ...plain };
  }
  if (input.save_card && !session.external_customer_id) {
    throw new ApiError('invalid_parameter', { param: 'save_card', message: 'Cards can be saved only in sessions with an external_customer_id' });
  }

  if (session.mode === 'customer') {
    const customer = await updateCustomer(trx, services, actor, session.customer_id!, { payment_details: paymentDetails });
    if (input.save_card && plain) await saveCard(trx, services, actor, session.external_customer_id!, plain);
    const updated = await sessionsRepo.updateSession(trx, session.id, { status: 'completed', completed_at: now, updated_at: now });
    return { session: updated, payment: null, customer, redirectUrl: sessionReturnUrl(updated) };
  }

  const continued = await continueAttempt(trx, services, actor, session, type, paymentDetails);
  if (continued) return continued;

  const offer = type === undefined ? null : sessionOffer(services, session, type);
  if (type !== undefined && !offer) throw new ApiError('invalid_currency', { param: 'currency', message: `${type} does not accept ${session.currency}` });
  const amount = offer?.amount ?? Number(session.amount ?? 0);
  const currency = offer?.currency ?? (session.currency as Currency);

  // `plain` is what the details hash, the saved card or a plain token holds. KOMOJU Fields
  // tokenises the card first and pays with the token: such a token is authenticated like a hash,
  // and used up here (its details, CVV and all, move to the secure token), bound to its currency
  // as any token payment is.
  if (plain && needsAuthentication(plain)) {
    if (typeof paymentDetails === 'string') checkTokenCurrency(await redeemToken(trx, services, actor, paymentDetails, now, ['token']), currency);
    const tokenId = `tok_${newId()}`;
    const params = new URLSearchParams({ token: tokenId, locale: input.locale ?? (session.default_locale as Locale) });
    if (input.save_card) params.set('save_card', '1');
    await createSecureToken(
      trx,
      services,
      actor,
      { amount, currency, return_url: `${services.publicUrl}/sessions/${session.id}/authenticated?${params}`, payment_details: { ...plain } },
      { id: tokenId },
    );
    const redirectUrl = `${services.publicUrl}/three_d_secure_service/offsite?token=${tokenId}&locale=${params.get('locale')}`;
    return { session, payment: null, redirectUrl };
  }

  const data = session.payment_data;
  const capture = (input.capture ?? data.capture) !== 'manual';
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
      payment_details: typeof paymentDetails === 'string' ? paymentDetails : { ...paymentDetails },
      capture,
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
    },
  );
  if (!session.payment_types.includes(payment.payment_type)) {
    // A token's type is known only once redeemed; refusing here rolls the payment back.
    throw new ApiError('invalid_payment_type', { param: 'payment_details.type', provided: payment.payment_type, allowed: session.payment_types });
  }
  if (decline) return { session, payment, decline, redirectUrl: null };
  let customer: Customer | undefined;
  if (session.mode === 'customer_payment' && session.customer_id && plain && methodFor(payment.payment_type)?.store) {
    customer = await updateCustomer(trx, services, actor, session.customer_id, { payment_details: { ...plain } });
  }
  if (input.save_card && plain) await saveCard(trx, services, actor, session.external_customer_id!, plain);
  const done = paysSession(payment);
  const updated = await sessionsRepo.updateSession(trx, session.id, {
    payment_id: payment.id,
    updated_at: now,
    ...(done ? { status: 'completed' as const, completed_at: now } : {}),
  });
  return { session: updated, payment, customer, redirectUrl: nextUrl(updated, payment) };
}

/**
 * A prepaid payment of the session still short of its total (WebMoney, NET CASH: the first card's
 * balance did not cover it) is continued by the next card of that method, as PATCH /payments/:id
 * continues it, rather than a second payment started; the last card completes the session. Null
 * when there is no such payment to continue.
 */
async function continueAttempt(
  trx: Db,
  services: Services,
  actor: Actor,
  session: Session,
  type: string | undefined,
  details: Record<string, unknown> | string,
): Promise<PaySessionOutcome | null> {
  if (!session.payment_id || type === undefined || typeof details === 'string') return null;
  const earlier = await paymentsRepo.findPayment(trx, session.merchant_id, session.payment_id);
  if (earlier?.status !== 'pending' || earlier.payment_type !== type || !methodFor(type)?.continue) return null;
  const { payment, decline } = await updatePayment(trx, services, actor, earlier.id, { payment_details: { ...details } });
  if (decline) return { session, payment, decline, redirectUrl: null };
  const updated = (await sessionsRepo.findSession(trx, session.merchant_id, session.id)) ?? session;
  return { session: updated, payment, redirectUrl: nextUrl(updated, payment) };
}

/**
 * A new attempt (or the session's cancellation) ends the one the customer left at an offsite
 * provider, or a prepaid one short of its total: it is cancelled (`payment.cancelled`), so
 * approving it there or continuing it later can no longer charge the customer a second time for
 * the same order. Called with the session locked.
 */
async function abandonAttempt(trx: Db, actor: Actor, session: Session): Promise<void> {
  if (!session.payment_id) return;
  const earlier = await paymentsRepo.findPayment(trx, session.merchant_id, session.payment_id);
  if (!earlier) return;
  const method = methodFor(earlier.payment_type);
  // An offsite payment still at the provider, or a prepaid one short of its total (a later card
  // through PATCH /payments/:id would otherwise capture it beside the new attempt's).
  const waiting = (earlier.status === 'authorized' && method?.flow === 'offsite') || (earlier.status === 'pending' && method?.continue !== undefined);
  if (waiting) await cancelPayment(trx, actor, earlier.id);
}

function needsAuthentication(details: Record<string, unknown>): boolean {
  if (methodFor(String(details.type))?.flow !== 'card' || typeof details.number !== 'string') return false;
  return THREE_DS_FAMILIES.has(details.number.replace(/[\s-]/g, ''));
}

/** Cards of the four 3-D Secure test families; frictionless ones pass the page without a challenge. */
const THREE_DS_FAMILIES: ReadonlySet<string> = new Set<string>(Object.values(THREE_D_SECURE_TEST_CARDS).flat());

/**
 * What the details are before anything uses them: their type and, for a hash or an unused plain
 * token of this merchant, the details in clear (to be saved on a customer or for one-click after
 * the payment used them up). An unknown token gives nothing: the payment then refuses it.
 */
async function peekDetails(db: Db, services: Services, actor: Actor, details: Record<string, unknown> | string): Promise<{ type?: string; details?: Record<string, unknown> }> {
  if (typeof details !== 'string') {
    if (details.external_customer_id !== undefined) return { type: details.type === undefined ? ONE_CLICK_TYPES[0] : String(details.type) };
    return { type: details.type === undefined ? undefined : String(details.type), details: { ...details } };
  }
  const token = (await tokensRepo.findToken(db, actor.merchant.id, details, 'token')) ?? (await tokensRepo.findToken(db, actor.merchant.id, details, 'secure_token'));
  if (!token) return {};
  const open = token.kind === 'token' && token.secret_details ? services.vault.open(token.secret_details) : undefined;
  return { type: token.payment_type, details: open };
}

/**
 * The customer is back from the 3-D Secure page of a session payment (the secure token's
 * return_url): a verified token pays the session now; a refused one is reported as a decline
 * (`card_declined`), leaving the session payable; one not answered yet leaves things as they are.
 */
export async function completeAuthentication(
  trx: Db,
  services: Services,
  actor: Actor,
  sessionId: string,
  tokenId: string,
  input: { save_card?: boolean },
): Promise<PaySessionOutcome | { session: Session; payment: null; redirectUrl: null; decline?: DeclineCode }> {
  const token = await tokensRepo.findToken(trx, actor.merchant.id, tokenId, 'secure_token');
  if (!token || !token.return_url?.includes(`/sessions/${sessionId}/authenticated?`)) throw new ApiError('not_found', { param: 'token' });
  const session = await sessionsRepo.lockSession(trx, actor.merchant.id, sessionId);
  if (!session) throw new ApiError('not_found', { param: 'id' });
  if (token.verification_status === 'ERRORED') return { session, payment: null, redirectUrl: null, decline: 'card_declined' };
  if (token.verification_status !== 'OK' || token.used_at) return { session, payment: null, redirectUrl: null };
  const plain = input.save_card && token.secret_details ? services.vault.open(token.secret_details) : undefined;
  const outcome = await paySession(trx, services, actor, sessionId, { payment_details: tokenId });
  if (plain && !outcome.decline && session.external_customer_id) await saveCard(trx, services, actor, session.external_customer_id, plain);
  return outcome;
}

/** After paying: the provider (offsite), the instructions (cash methods), or back to the merchant once completed. */
function nextUrl(session: Session, payment: Payment): string | null {
  const details = payment.payment_details as Record<string, unknown>;
  const flow = methodFor(payment.payment_type)?.flow;
  if (flow === 'offsite' && typeof details.redirect_url === 'string') return details.redirect_url;
  if (flow === 'async' && typeof details.instructions_url === 'string') return details.instructions_url;
  // Never back to the shop while the session is pending (a prepaid card short of the total).
  return session.status === 'completed' ? sessionReturnUrl(session) : null;
}

function assertPayable(session: Session, now: Date): void {
  if (session.status === 'completed') {
    throw new ApiError('unprocessable_entity', { param: 'id', message: 'This session has already been paid.' });
  }
  if (session.status === 'cancelled') throw new ApiError('unprocessable_entity', { param: 'id', message: 'This session has been cancelled.' });
  if (isExpired(session, now)) throw new ApiError('unprocessable_entity', { param: 'id', message: 'This session has expired.' });
}

/**
 * Cancels a pending session (the merchant's /cancel, or "Return to merchant" on the hosted page;
 * spec decision 9). Cancelling a cancelled session changes nothing; a completed one cannot be.
 */
export async function cancelSession(trx: Db, actor: Actor, id: string): Promise<SessionView> {
  const session = await sessionsRepo.lockSession(trx, actor.merchant.id, id);
  if (!session) throw new ApiError('not_found', { param: 'id' });
  const now = actor.clock.now();
  if (session.status === 'completed') {
    throw new ApiError('unprocessable_entity', { param: 'id', message: 'A completed session cannot be cancelled.' });
  }
  if (session.status === 'cancelled') return withPayment(trx, session);
  await abandonAttempt(trx, actor, session);
  const updated = await sessionsRepo.updateSession(trx, session.id, { status: 'cancelled', cancelled_at: now, updated_at: now });
  return withPayment(trx, updated);
}

/**
 * The merchant's return_url of the session a secure token authenticates a payment for (its
 * return_url is that session's `/authenticated` page), or null: the 3-D Secure page's answer is
 * redirected on to it, so that page's CSP must allow it as a form target.
 */
export async function sessionReturnUrlOfToken(services: Services, merchantId: string, tokenReturnUrl: string | null): Promise<string | null> {
  const match = /\/sessions\/([0-9a-z]{25,26})\/authenticated\?/.exec(tokenReturnUrl ?? '');
  if (!match) return null;
  return (await sessionsRepo.findSession(services.db, merchantId, match[1]))?.return_url ?? null;
}

/**
 * The hosted page's view of a session: like the payment pages, it carries no API key — the
 * session's 25-character random id in `session_url` is the credential. The merchant is found
 * through the session and acts with its own test clock.
 */
export interface CustomerSession extends SessionView {
  merchant: { name: string; mode: 'test' | 'live' };
  actor: Actor;
}

export async function findCustomerSession(services: Services, id: string): Promise<CustomerSession> {
  const session = await sessionsRepo.findSessionById(services.db, id);
  if (!session) throw new ApiError('not_found', { param: 'id' });
  const merchant = await merchantsRepo.findMerchant(services.db, session.merchant_id);
  if (!merchant) throw new ApiError('not_found', { param: 'id' });
  const view = await withPayment(services.db, session);
  return { ...view, merchant: { name: merchant.name, mode: merchant.mode }, actor: { merchant, clock: offsetClock(services.clock, merchant.clock_offset_ms) } };
}
