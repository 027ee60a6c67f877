import type { ChargebackStatus } from '../model/chargeback';

/**
 * A chargeback's life, as one pure table (no I/O): status × action → next status. KOMOJU's six
 * statuses (SDK ChargebackStatus); the SDK names no "won", so a defense the issuer accepts ends
 * the dispute as `cancelled` (docs/compatibility.md, Chargebacks).
 *
 *   pending  ─accept→ accepted          (the merchant agrees; the money goes)
 *   pending  ─defend→ defended          (a defense is under the issuer's review)
 *   pending  ─expire→ expired           (the due date passed unanswered: lost)
 *   defended ─win──→ cancelled          (the issuer withdrew the chargeback)
 *   defended ─lose─→ lost
 */
export type ChargebackAction = 'accept' | 'defend' | 'expire' | 'win' | 'lose';

const TABLE: Record<ChargebackStatus, Partial<Record<ChargebackAction, ChargebackStatus>>> = {
  pending: { accept: 'accepted', defend: 'defended', expire: 'expired' },
  defended: { win: 'cancelled', lose: 'lost' },
  accepted: {},
  cancelled: {},
  expired: {},
  lost: {},
};

/** The status `action` leads to from `status`, or null when it is not allowed. */
export function nextChargebackStatus(status: ChargebackStatus, action: ChargebackAction): ChargebackStatus | null {
  return TABLE[status][action] ?? null;
}

/**
 * Whether `action` on a chargeback already in `status` is a repeat of itself, answered 204 with
 * nothing changed (KOMOJU: accepting an accepted chargeback, defending a defended one).
 */
export function isRepeat(status: ChargebackStatus, action: ChargebackAction): boolean {
  return (action === 'accept' && status === 'accepted') || (action === 'defend' && status === 'defended');
}

/** The money each transition moves (./chargeback-money.ts); `lose` moves none: a defense already held it. */
export const MONEY: Record<ChargebackAction, 'debit' | 'credit' | null> = {
  accept: 'debit',
  defend: 'debit',
  expire: 'debit',
  win: 'credit',
  lose: null,
};

/** The timeline entry and the event each transition writes. */
export const STEP: Record<ChargebackAction, { timeline: string; event: ChargebackEventType }> = {
  accept: { timeline: 'accepted', event: 'chargeback.accepted' },
  defend: { timeline: 'defended', event: 'chargeback.defended' },
  expire: { timeline: 'expired', event: 'chargeback.expired' },
  win: { timeline: 'won', event: 'chargeback.won' },
  lose: { timeline: 'lost', event: 'chargeback.lost' },
};

export type ChargebackEventType =
  | 'chargeback.created'
  | 'chargeback.accepted'
  | 'chargeback.defended'
  | 'chargeback.expired'
  | 'chargeback.won'
  | 'chargeback.lost';
