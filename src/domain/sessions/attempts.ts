import { methodFor } from '../../methods';
import type { Db } from '../../store/db';
import * as paymentsRepo from '../../store/payments.repo';
import * as sessionsRepo from '../../store/sessions.repo';
import type { Session } from '../../model/session';
import type { Actor, Services } from '../context';
import { awaitsMoreDetails, isAwaitingPayment } from '../payment-state';
import { cancelPayment, updatePayment } from '../payments';
import type { PaySessionOutcome } from './outcome';
import { nextUrl } from './view';

/**
 * A prepaid payment of the session still short of its total (WebMoney, NET CASH: the first card's
 * balance did not cover it) is continued by the next card of that method, as PATCH /payments/:id
 * continues it, rather than a second payment started; the last card completes the session. Null
 * when there is no such payment to continue.
 */
export async function continueAttempt(
  trx: Db,
  services: Services,
  actor: Actor,
  session: Session,
  type: string | undefined,
  details: Record<string, unknown> | string,
): Promise<PaySessionOutcome | null> {
  if (!session.payment_id || type === undefined || typeof details === 'string') return null;
  const earlier = await paymentsRepo.findPayment(trx, session.merchant_id, session.payment_id);
  if (!earlier || !awaitsMoreDetails(earlier.status) || earlier.payment_type !== type || !methodFor(type)?.continue) return null;
  const { payment, decline } = await updatePayment(trx, services, actor, earlier.id, { payment_details: { ...details } });
  if (decline) return { session, payment, decline, redirectUrl: null, continued: true };
  const updated = (await sessionsRepo.findSession(trx, session.merchant_id, session.id)) ?? session;
  return { session: updated, payment, redirectUrl: nextUrl(updated, payment, actor.clock.now()), continued: true };
}

/**
 * A new attempt (or the session's cancellation) ends the one the customer left at an offsite
 * provider, or a prepaid one short of its total: it is cancelled (`payment.cancelled`), so
 * approving it there or continuing it later can no longer charge the customer a second time for
 * the same order. Called with the session locked.
 */
export async function abandonAttempt(trx: Db, actor: Actor, session: Session): Promise<void> {
  if (!session.payment_id) return;
  const earlier = await paymentsRepo.findPayment(trx, session.merchant_id, session.payment_id);
  if (!earlier) return;
  const method = methodFor(earlier.payment_type);
  // An offsite payment still at the provider, or a prepaid one short of its total (a later card
  // through PATCH /payments/:id would otherwise capture it beside the new attempt's).
  const waiting = (isAwaitingPayment(earlier.status) && method?.flow === 'offsite') || (awaitsMoreDetails(earlier.status) && method?.continue !== undefined);
  if (waiting) await cancelPayment(trx, actor, earlier.id);
}
