import type { Db } from '../../store/db';
import * as sessionsRepo from '../../store/sessions.repo';
import { ApiError } from '../../kernel/errors';
import type { Actor } from '../context';
import { abandonAttempt } from './attempts';
import { allowedStep } from './state';
import { withPayment, type SessionView } from './view';

/**
 * Cancels a pending session (the merchant's /cancel, or "Return to merchant" on the hosted page;
 * spec decision 9). Cancelling a cancelled session changes nothing; a completed one cannot be.
 */
export async function cancelSession(trx: Db, actor: Actor, id: string): Promise<SessionView> {
  const session = await sessionsRepo.lockSession(trx, actor.merchant.id, id);
  if (!session) throw new ApiError('not_found', { param: 'id' });
  const now = actor.clock.now();
  if ('unchanged' in allowedStep(session, 'cancel', now)) return withPayment(trx, session);
  await abandonAttempt(trx, actor, session);
  const updated = await sessionsRepo.updateSession(trx, session.id, { status: 'cancelled', cancelled_at: now, updated_at: now });
  return withPayment(trx, updated);
}
