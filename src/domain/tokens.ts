import type { Clock } from '../lib/clock';
import type { PaymentMethod } from '../methods/method';
import type { Db } from '../store/db';
import type { TokensTable } from '../store/schema';
import * as tokensRepo from '../store/tokens.repo';
import type { Actor, Services } from './context';
import { checkDetails } from './details';
import { ApiError } from '../kernel/errors';
import { parseCurrency, type Currency } from '../kernel/money';
import type { Token } from '../model/token';

/** Tokens are single use and expire after 30 days (the v1 reference, "Tokens"). */
export const TOKEN_LIFETIME_MS = 30 * 86_400_000;

/**
 * The only details a token shows: what the payer typed to be contacted, never a number, CVV,
 * password or birthday. The seed's 23 token examples echo exactly these (konbini: store, email,
 * phone; PayEasy and bank transfer: the names, kana, phone, email; cards and prepaid: email).
 */
const SHOWN_FIELDS = ['store', 'given_name', 'family_name', 'given_name_kana', 'family_name_kana', 'phone', 'email'] as const;

export function shownDetails(details: Record<string, unknown>): Record<string, unknown> {
  const shown: Record<string, unknown> = { type: details.type };
  for (const field of SHOWN_FIELDS) if (details[field] !== undefined && details[field] !== null) shown[field] = details[field];
  return shown;
}

export interface CreateTokenInput {
  payment_details: Record<string, unknown>;
  /** Locks the payments made with the token to this currency. */
  currency?: string;
}

/**
 * POST /tokens: checks the details exactly as a payment would, then keeps them sealed by the
 * vault (card number, CVV and all) for one payment, customer or secure token within 30 days.
 */
export async function createToken(db: Db, services: Services, actor: Actor, input: CreateTokenInput): Promise<Token> {
  const now = actor.clock.now();
  const details = input.payment_details;
  const { method } = checkDetails(actor, details, now);
  const currency = input.currency === undefined ? null : acceptedCurrency(method, input.currency);
  const token: Token = {
    id: `tok_${actor.ids.id()}`,
    merchant_id: actor.merchant.id,
    kind: 'token',
    payment_type: method.type,
    payment_details: shownDetails(details),
    secret_details: services.vault.seal(details),
    currency,
    amount: null,
    customer_id: null,
    return_url: null,
    verification_status: null,
    created_at: now,
    expires_at: new Date(now.getTime() + TOKEN_LIFETIME_MS),
    used_at: null,
  };
  await tokensRepo.insertToken(db, token);
  return token;
}

/** `currency` when the method takes it; invalid_currency otherwise. */
export function acceptedCurrency(method: PaymentMethod, currency: string): Currency {
  const parsed = parseCurrency(currency);
  if (method.currencies !== 'all' && !method.currencies.includes(parsed)) throw new ApiError('invalid_currency', { param: 'currency' });
  return parsed;
}

/** A used token: the details it held, and what it binds the payment to. */
export interface RedeemedToken {
  details: Record<string, unknown>;
  currency: string | null;
  /** Secure tokens: the amount authenticated. */
  amount: number | null;
  customerId: string | null;
}

/** What a token binds its payment to, with its details in clear. */
export function redeemed(token: Token, details: Record<string, unknown>): RedeemedToken {
  return { details, currency: token.currency, amount: token.amount === null ? null : Number(token.amount), customerId: token.customer_id };
}

/** A token read but not used yet: what it holds, and what useToken needs to use it up. */
export interface UnusedToken extends RedeemedToken {
  id: string;
  kind: TokensTable['kind'];
}

/**
 * Reads a token without using it, so that a payment (a customer, a session payment) can check
 * everything before its first write and use the token up (useToken) only then. A token that is
 * unknown, another merchant's, used, expired, of another kind or (secure tokens) not verified
 * answers 422 `invalid_token`.
 */
export async function readToken(
  db: Db,
  services: Services,
  actor: Actor,
  id: string,
  now: Date,
  kinds: readonly TokensTable['kind'][] = ['token', 'secure_token'],
): Promise<UnusedToken> {
  const token = await tokensRepo.findUsableToken(db, actor.merchant.id, id, now, kinds);
  if (!token?.secret_details) throw new ApiError('invalid_token', { param: 'payment_details' });
  return { id, kind: token.kind, ...redeemed(token, services.vault.open(token.secret_details)) };
}

/**
 * Uses up a token readToken read, in the caller's transaction (marks it used, erases its sealed
 * details). Another payment that used it meanwhile wins: this one answers `invalid_token`, as it
 * would have had it come second to the read.
 */
export async function useToken(trx: Db, actor: Actor, token: UnusedToken, now: Date): Promise<void> {
  const claimed = await tokensRepo.claimToken(trx, actor.merchant.id, token.id, now, [token.kind]);
  if (!claimed?.secret_details) throw new ApiError('invalid_token', { param: 'payment_details' });
}

/** A token made with a `currency` pays only in that currency. */
export function checkTokenCurrency(token: RedeemedToken, currency: string): void {
  if (token.currency !== null && token.currency !== currency) {
    throw new ApiError('invalid_currency', { param: 'currency', message: `The token is for payments in ${token.currency}` });
  }
}

const SWEEP_BATCH = 500;

/**
 * Erases the sealed details (CVV, card and prepaid numbers …) of every unused token past its 30
 * days on its merchant's clock. Runs on the worker's timer and when a test clock moves.
 * Returns how many tokens it emptied.
 */
export async function eraseExpiredTokens(db: Db, clock: Clock, merchantId?: string): Promise<number> {
  let erased = 0;
  for (;;) {
    const count = await tokensRepo.eraseExpiredSecrets(db, clock.now(), SWEEP_BATCH, merchantId);
    erased += count;
    if (count < SWEEP_BATCH) return erased;
  }
}
