import { ONE_CLICK_TYPES } from '../../methods';
import type { Db } from '../../store/db';
import { ApiError } from '../../kernel/errors';
import type { Session } from '../../model/session';
import type { Actor, Services } from '../context';
import { savedCardDetails } from '../one-click';
import type { ChargeSource } from '../payments';
import { readToken, type UnusedToken } from '../tokens';

/**
 * A session payment's details, read once before anything is written: a token is found and its
 * envelope opened here, and later only used up (useToken), never opened again.
 */
export interface SessionDetails {
  /** What the payment is given: the hash as sent, the saved card's details, or the token's id. */
  given: Record<string, unknown> | string;
  /** The method, when known before charging (a hash may leave it out). */
  type?: string;
  /**
   * The details in clear when the customer gave them (a hash, the saved card, an unused plain
   * token of this merchant): to be saved on a customer or for one-click once the payment used them.
   */
  plain?: Record<string, unknown>;
  /** The token the details came in (plain or secure), read and usable, not used up yet. */
  token?: UnusedToken;
}

/**
 * Reads the details the customer pays a session with and checks them against the session: the
 * method is one it offers; a one-click `external_customer_id` is the session's own, and its card
 * is saved and unexpired. A token that is unknown, another merchant's, used, expired or (secure
 * tokens) not verified answers 422 `invalid_token`, as paying with it would.
 */
export async function readSessionDetails(
  db: Db,
  services: Services,
  actor: Actor,
  session: Session,
  given: Record<string, unknown> | string,
  now: Date,
): Promise<SessionDetails> {
  const read = await readDetails(db, services, actor, given, now);
  const type = read.type;
  if (type !== undefined && !session.payment_types.includes(type)) {
    throw new ApiError('invalid_payment_type', { param: 'payment_details.type', provided: type, allowed: session.payment_types });
  }
  if (typeof given === 'string' || given.external_customer_id === undefined) return read;
  const wanted = String(given.external_customer_id);
  if (!session.external_customer_id || wanted !== session.external_customer_id) {
    throw new ApiError('invalid_parameter', { param: 'payment_details.external_customer_id', message: "external_customer_id must be the session's" });
  }
  const plain = await savedCardDetails(db, services, actor.merchant.id, wanted, now);
  if (given.type !== undefined && given.type !== plain.type) {
    throw new ApiError('invalid_payment_type', { param: 'payment_details.type', provided: String(given.type), allowed: [String(plain.type)] });
  }
  return { given: { ...plain }, type, plain };
}

/**
 * What the details are: their type and, for a hash or a token of this merchant, the details in
 * clear (a secure token's are kept apart: it authenticates one payment and is not saved).
 */
async function readDetails(db: Db, services: Services, actor: Actor, given: Record<string, unknown> | string, now: Date): Promise<SessionDetails> {
  if (typeof given !== 'string') {
    if (given.external_customer_id !== undefined) return { given, type: given.type === undefined ? ONE_CLICK_TYPES[0] : String(given.type) };
    return { given, type: given.type === undefined ? undefined : String(given.type), plain: { ...given } };
  }
  const token = await readToken(db, services, actor, given, now);
  return { given, type: String(token.details.type), plain: token.kind === 'token' ? { ...token.details } : undefined, token };
}

/** What the payment charges: the details as read, with the token (if any) to use up once every check has passed. */
export function chargeSource(details: SessionDetails): ChargeSource {
  const token = details.token;
  if (token) return { details: { ...token.details }, currency: token.currency, amount: token.amount, customerId: token.customerId, token };
  return { details: { ...(details.given as Record<string, unknown>) }, currency: null, amount: null, customerId: null };
}
