import type { Db } from '../../store/db';
import * as sessionsRepo from '../../store/sessions.repo';
import * as tokensRepo from '../../store/tokens.repo';
import { ApiError, type DeclineCode } from '../../kernel/errors';
import type { Session } from '../../model/session';
import type { Actor, Services } from '../context';
import type { PaySessionOutcome } from './outcome';
import { payLocked } from './pay';

/**
 * The customer is back from the 3-D Secure page of a session payment (the secure token's
 * return_url): a verified token pays the session now; a refused one is reported as a decline
 * (`card_declined`), leaving the session payable; one not answered yet leaves things as they are.
 * `save_card` keeps the card the token holds for one-click, once the session is paid with it.
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
  // save_card was asked on the pay that sent the customer here (the link carries it), where the
  // session's external_customer_id was checked; the card is kept once the payment goes through.
  return payLocked(trx, services, actor, session, { payment_details: tokenId, save_card: input.save_card && session.external_customer_id ? true : undefined });
}
