import { ApiError } from '../../kernel/errors';
import type { Session } from '../../model/session';

/**
 * A session's life: pending → completed | cancelled | expired. `expired` is never stored: a
 * pending session past its expires_at shows as expired. Pure; the session commands ask this table
 * instead of comparing status strings.
 */
export type SessionState = 'pending' | 'completed' | 'cancelled' | 'expired';

/**
 * What can happen to a session: the customer pays (an attempt: the session stays pending until a
 * payment pays it), a payment completes it, the merchant or the customer cancels it.
 */
export type SessionAction = 'pay' | 'complete' | 'cancel';

/** The table's answer: the state the action leads to, nothing to do, or a refusal (422) with its message. */
export type SessionStep = { to: SessionState } | { unchanged: true } | { refused: string };

export const SESSION_STATES: readonly SessionState[] = ['pending', 'completed', 'cancelled', 'expired'];
export const SESSION_ACTIONS: readonly SessionAction[] = ['pay', 'complete', 'cancel'];

export const SESSION_STEPS: Readonly<Record<SessionState, Readonly<Record<SessionAction, SessionStep>>>> = {
  pending: { pay: { to: 'pending' }, complete: { to: 'completed' }, cancel: { to: 'cancelled' } },
  completed: {
    pay: { refused: 'This session has already been paid.' },
    complete: { unchanged: true },
    cancel: { refused: 'A completed session cannot be cancelled.' },
  },
  cancelled: { pay: { refused: 'This session has been cancelled.' }, complete: { unchanged: true }, cancel: { unchanged: true } },
  // Expired refuses payment only: a provider approving an attempt made in time still completes
  // it, and the merchant may still withdraw it.
  expired: { pay: { refused: 'This session has expired.' }, complete: { to: 'completed' }, cancel: { to: 'cancelled' } },
};

/** The session's state at `now` (the merchant's clock): its stored status, or expired. */
export function sessionState(session: Pick<Session, 'status' | 'expires_at'>, now: Date): SessionState {
  if (session.status === 'pending' && new Date(session.expires_at).getTime() <= now.getTime()) return 'expired';
  return session.status;
}

export function sessionStep(state: SessionState, action: SessionAction): SessionStep {
  return SESSION_STEPS[state][action];
}

export function isExpired(session: Pick<Session, 'status' | 'expires_at'>, now: Date): boolean {
  return sessionState(session, now) === 'expired';
}

/** The step `action` takes the session at `now` to; a refusal is thrown (422, on the session's id). */
export function allowedStep(session: Pick<Session, 'status' | 'expires_at'>, action: SessionAction, now: Date): Exclude<SessionStep, { refused: string }> {
  const step = sessionStep(sessionState(session, now), action);
  if ('refused' in step) throw new ApiError('unprocessable_entity', { param: 'id', message: step.refused });
  return step;
}
