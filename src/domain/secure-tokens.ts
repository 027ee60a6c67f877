import { METHODS, methodFor } from '../methods';
import type { Db } from '../store/db';
import * as tokensRepo from '../store/tokens.repo';
import type { Actor, Services } from './context';
import { customerDetails } from './customers';
import { checkDetails } from './details';
import { ApiError } from '../kernel/errors';
import { enabledTypes } from './merchants';
import { acceptedCurrency, shownDetails, TOKEN_LIFETIME_MS } from './tokens';
import { processorFor } from './upstream';
import type { Token, VerificationStatus } from '../model/token';
import { merchantClock } from './seeding';

export interface CreateSecureTokenInput {
  amount: number;
  currency: string;
  return_url: string;
  /** Card details to authenticate… */
  payment_details?: Record<string, unknown>;
  /** …or the customer whose stored card to authenticate. */
  customer?: string;
}

/**
 * POST /secure_tokens: 3-D Secure for a payment the merchant will create through the API. The
 * card (given, or a customer's) is checked as a payment would check it and sealed in a token
 * that NEEDS_VERIFY until the customer passes the page at `authentication_url`; only then does
 * POST /payments accept the token, for this amount and currency.
 */
export async function createSecureToken(
  db: Db,
  services: Services,
  actor: Actor,
  input: CreateSecureTokenInput,
  /** `id`: the token's id, chosen by a caller whose return_url must name it (a session's 3-D Secure). */
  options: { id?: string } = {},
): Promise<Token> {
  const now = actor.clock.now();
  if (input.payment_details !== undefined && input.customer !== undefined) {
    throw new ApiError('invalid_parameter', { param: 'customer', message: 'Send either payment_details or customer, not both' });
  }
  if (input.payment_details === undefined && input.customer === undefined) throw new ApiError('missing_parameter', { param: 'payment_details' });
  const details = input.payment_details ?? (await customerDetails(db, services, actor, input.customer!));
  const { method } = checkDetails(actor, details, now);
  if (method.flow !== 'card') {
    const allowed = METHODS.filter((m) => m.flow === 'card' && enabledTypes(actor.merchant).includes(m.type)).map((m) => m.type);
    throw new ApiError('invalid_payment_type', { param: 'payment_details.type', provided: method.type, allowed });
  }
  // Authentication leads to a payment: a live merchant with no processor would authenticate
  // against the test issuer, then be refused; refuse it now, before the token is written.
  processorFor(services, actor);
  const token: Token = {
    id: options.id ?? `tok_${actor.ids.id()}`,
    merchant_id: actor.merchant.id,
    kind: 'secure_token',
    payment_type: method.type,
    payment_details: shownDetails(details),
    secret_details: services.vault.seal(details),
    currency: acceptedCurrency(method, input.currency),
    amount: input.amount,
    customer_id: input.customer ?? null,
    return_url: input.return_url,
    verification_status: 'NEEDS_VERIFY',
    created_at: now,
    expires_at: new Date(now.getTime() + TOKEN_LIFETIME_MS),
    used_at: null,
  };
  await tokensRepo.insertToken(db, token);
  return token;
}

export async function getSecureToken(db: Db, actor: Actor, id: string): Promise<Token> {
  const token = await tokensRepo.findToken(db, actor.merchant.id, id, 'secure_token');
  if (!token) throw new ApiError('not_found', { param: 'id' });
  return token;
}

/** Where the customer stands on the authentication page. */
export interface Authentication {
  token: Token;
  /** `challenge`: show the password form; `done`: send the customer back; `unavailable`: used or expired. */
  step: 'challenge' | 'done' | 'unavailable';
}

/**
 * The customer opens `authentication_url` (no key: the token id is the credential). A
 * frictionless card is settled now — OK, or ERRORED for the failure family — and the customer
 * goes straight back; a challenge card gets the password page.
 */
export async function beginAuthentication(services: Services, id: string): Promise<Authentication> {
  const { token, number } = await pendingCard(services, id);
  if (number === null) return { token, step: token.verification_status === 'NEEDS_VERIFY' ? 'unavailable' : 'done' };
  const start = services.authenticator.start(number);
  if (start.flow === 'challenge') return { token, step: 'challenge' };
  return { token: await settle(services, token, start.authenticated ? 'OK' : 'ERRORED'), step: 'done' };
}

/** The customer answers the challenge: `123456` passes on a success-family card, anything else fails. */
export async function answerChallenge(services: Services, id: string, password: string): Promise<Authentication> {
  const { token, number } = await pendingCard(services, id);
  if (number === null) return { token, step: token.verification_status === 'NEEDS_VERIFY' ? 'unavailable' : 'done' };
  if (services.authenticator.start(number).flow !== 'challenge') return beginAuthentication(services, id);
  return { token: await settle(services, token, services.authenticator.challenge(number, password) ? 'OK' : 'ERRORED'), step: 'done' };
}

/**
 * The secure token and, while it still awaits authentication and can be used (unused, unexpired
 * on its merchant's clock), its card number as the card method normalises it.
 */
async function pendingCard(services: Services, id: string): Promise<{ token: Token; number: string | null }> {
  const found = await tokensRepo.findSecureTokenById(services.db, id);
  if (!found) throw new ApiError('not_found', { param: 'token' });
  const { clock_offset_ms, seed, ...token } = found;
  const now = merchantClock(services.clock, { clock_offset_ms, seed }).now();
  const method = methodFor(token.payment_type);
  if (token.verification_status !== 'NEEDS_VERIFY' || !token.secret_details || token.expires_at <= now || !method) return { token, number: null };
  const prepared = method.prepare(services.vault.open(token.secret_details), { now });
  return { token, number: String(prepared.number) };
}

async function settle(services: Services, token: Token, status: VerificationStatus): Promise<Token> {
  // Only from NEEDS_VERIFY: a second tab answering late does not overturn the first answer.
  return (await tokensRepo.setVerificationStatus(services.db, token.id, status)) ?? (await tokensRepo.findSecureTokenById(services.db, token.id))!;
}
