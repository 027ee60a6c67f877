import { describe, expect, it } from 'vitest';
import {
  allowedStep,
  isExpired,
  SESSION_ACTIONS,
  SESSION_STATES,
  sessionState,
  sessionStep,
  type SessionAction,
  type SessionState,
  type SessionStep,
} from '../../src/domain/sessions/state';
import { ApiError } from '../../src/kernel/errors';
import type { SessionStatus } from '../../src/model/session';

/**
 * A session's life, written out independently of the implementation: pending → completed |
 * cancelled | expired, expired being a pending session past its expires_at. Paying is an attempt
 * (the session stays pending until a payment pays it); a completed or cancelled session cannot be
 * paid, nor an expired one; a provider approving an attempt made in time completes even an
 * expired session; cancelling is refused only once completed, and cancelling twice changes nothing.
 */
const EXPECTED: Record<SessionState, Record<SessionAction, SessionStep>> = {
  pending: { pay: { to: 'pending' }, complete: { to: 'completed' }, cancel: { to: 'cancelled' } },
  completed: {
    pay: { refused: 'This session has already been paid.' },
    complete: { unchanged: true },
    cancel: { refused: 'A completed session cannot be cancelled.' },
  },
  cancelled: { pay: { refused: 'This session has been cancelled.' }, complete: { unchanged: true }, cancel: { unchanged: true } },
  expired: { pay: { refused: 'This session has expired.' }, complete: { to: 'completed' }, cancel: { to: 'cancelled' } },
};

const NOW = new Date('2026-01-01T00:00:00Z');
const LATER = new Date(NOW.getTime() + 1000);
const EARLIER = new Date(NOW.getTime() - 1000);

/** A stored session that is in `state` at NOW. */
function storedIn(state: SessionState): { status: SessionStatus; expires_at: Date } {
  if (state === 'expired') return { status: 'pending', expires_at: NOW };
  return { status: state, expires_at: LATER };
}

describe('the session state table', () => {
  it('knows exactly the four states and three actions', () => {
    expect([...SESSION_STATES].sort()).toEqual(['cancelled', 'completed', 'expired', 'pending']);
    expect([...SESSION_ACTIONS].sort()).toEqual(['cancel', 'complete', 'pay']);
  });

  const cells = SESSION_STATES.flatMap((state) => SESSION_ACTIONS.map((action) => [state, action] as const));
  it.each(cells)('%s × %s', (state, action) => {
    const expected = EXPECTED[state][action];
    expect(sessionStep(state, action)).toEqual(expected);
    const session = storedIn(state);
    if ('refused' in expected) {
      expect(() => allowedStep(session, action, NOW)).toThrow(expected.refused);
      try {
        allowedStep(session, action, NOW);
      } catch (error) {
        expect(error).toBeInstanceOf(ApiError);
        expect((error as ApiError).code).toBe('unprocessable_entity');
        expect((error as ApiError).param).toBe('id');
      }
    } else {
      expect(allowedStep(session, action, NOW)).toEqual(expected);
    }
  });

  it('moves nothing once completed or cancelled, and an expired session only to completed or cancelled', () => {
    for (const action of SESSION_ACTIONS) {
      expect('to' in sessionStep('completed', action)).toBe(false);
      expect('to' in sessionStep('cancelled', action)).toBe(false);
      const fromExpired = sessionStep('expired', action);
      if ('to' in fromExpired) expect(['completed', 'cancelled']).toContain(fromExpired.to);
    }
  });
});

describe('a session state at a moment', () => {
  it('is expired exactly from expires_at on, while pending', () => {
    expect(sessionState({ status: 'pending', expires_at: LATER }, NOW)).toBe('pending');
    expect(sessionState({ status: 'pending', expires_at: NOW }, NOW)).toBe('expired');
    expect(sessionState({ status: 'pending', expires_at: EARLIER }, NOW)).toBe('expired');
    expect(isExpired({ status: 'pending', expires_at: EARLIER }, NOW)).toBe(true);
    expect(isExpired({ status: 'pending', expires_at: LATER }, NOW)).toBe(false);
  });

  it('is the stored status once completed or cancelled, whatever expires_at says', () => {
    for (const status of ['completed', 'cancelled'] as const) {
      expect(sessionState({ status, expires_at: EARLIER }, NOW)).toBe(status);
      expect(isExpired({ status, expires_at: EARLIER }, NOW)).toBe(false);
    }
  });

  it('reads expires_at given as a string (as some drivers return it)', () => {
    expect(sessionState({ status: 'pending', expires_at: EARLIER.toISOString() as unknown as Date }, NOW)).toBe('expired');
  });
});
