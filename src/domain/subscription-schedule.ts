import type { SubscriptionPeriod, SubscriptionStatus } from '../model/subscription';

/**
 * A subscription's calendar and its dunning rules, pure: no I/O, no clock. Dates are counted in
 * Japan time (UTC+9 all year, no daylight saving), where KOMOJU's merchants keep their books: a
 * monthly subscription made on 31 January (JST) charges on 28/29 February, then 31 March.
 */

const JST_MS = 9 * 3600 * 1000;
const DAY_MS = 24 * 3600 * 1000;

/**
 * Days after a declined charge (then after each declined retry) when it is tried again: 3, 5,
 * then 7 days, as Stripe's dunning does by default (KOMOJU documents no schedule; see
 * docs/compatibility.md, "Subscriptions"). The retry after the last delay failing suspends it.
 */
export const RETRY_DELAYS_DAYS = [3, 5, 7] as const;
export const MAX_RETRIES = RETRY_DELAYS_DAYS.length;

/**
 * When period `n` of a subscription created at `anchor` is charged: `anchor` itself for n = 0,
 * then n weeks, months or years later at the same time of day, the day of month clamped to the
 * month's length (counted from the anchor each time, so a short month does not shift later ones).
 *
 *   captureAt(new Date('2026-01-30T15:00:00Z'), 'monthly', 1) // 2026-02-27T15:00:00Z (28 Feb JST)
 */
export function captureAt(anchor: Date, period: SubscriptionPeriod, n: number): Date {
  if (period === 'weekly') return new Date(anchor.getTime() + n * 7 * DAY_MS);
  const local = new Date(anchor.getTime() + JST_MS);
  const months = local.getUTCMonth() + (period === 'monthly' ? n : 12 * n);
  const year = local.getUTCFullYear() + Math.floor(months / 12);
  const month = ((months % 12) + 12) % 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const day = Math.min(local.getUTCDate(), lastDay);
  const timeOfDay = local.getTime() - Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate());
  return new Date(Date.UTC(year, month, day) + timeOfDay - JST_MS);
}

/** The subscription's `day`: its weekday (1 Monday … 7 Sunday), day of month or day of year, in Japan time. */
export function dayOfPeriod(anchor: Date, period: SubscriptionPeriod): number {
  const local = new Date(anchor.getTime() + JST_MS);
  if (period === 'weekly') return local.getUTCDay() === 0 ? 7 : local.getUTCDay();
  if (period === 'monthly') return local.getUTCDate();
  return Math.floor((Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate()) - Date.UTC(local.getUTCFullYear(), 0, 1)) / DAY_MS) + 1;
}

/** The billing state a charge changes. */
export interface BillingState {
  status: SubscriptionStatus;
  cycle: number;
  next_capture_at: Date;
  retry_count: number;
  retry_at: Date | null;
  ended_at: Date | null;
}

/** What a charge attempt did to the subscription, and the events that say so. */
export interface BillingStep {
  state: BillingState;
  events: ('subscription.captured' | 'subscription.failed' | 'subscription.suspended')[];
}

/** When the subscription next tries to charge: its retry if one is pending, else its next period; null once ended. */
export function dueAt(state: Pick<BillingState, 'status' | 'retry_at' | 'next_capture_at'>): Date | null {
  if (state.status !== 'active') return null;
  return state.retry_at ?? state.next_capture_at;
}

/**
 * The state after the charge due at `at` succeeded or was declined. A first attempt moves the
 * schedule on to the next period whatever its outcome (the period is billed, or being retried);
 * a retry does not. Success clears the retries. A decline schedules the next retry, or, after
 * MAX_RETRIES declined retries, suspends the subscription (ended_at = at).
 */
export function afterCharge(state: BillingState, anchor: Date, period: SubscriptionPeriod, at: Date, paid: boolean): BillingStep {
  const retrying = state.retry_at !== null;
  const cycle = retrying ? state.cycle : state.cycle + 1;
  const moved = { ...state, cycle, next_capture_at: retrying ? state.next_capture_at : captureAt(anchor, period, cycle) };
  if (paid) return { state: { ...moved, retry_count: 0, retry_at: null }, events: ['subscription.captured'] };
  const retries = retrying ? state.retry_count + 1 : 0;
  if (retries >= MAX_RETRIES) {
    return { state: { ...moved, status: 'suspended', retry_count: retries, retry_at: null, ended_at: at }, events: ['subscription.failed', 'subscription.suspended'] };
  }
  const retryAt = new Date(at.getTime() + RETRY_DELAYS_DAYS[retries] * DAY_MS);
  return { state: { ...moved, retry_count: retries, retry_at: retryAt }, events: ['subscription.failed'] };
}

/** Whether DELETE may end a subscription in this status: an active or suspended one, once. */
export function canCancel(status: SubscriptionStatus): boolean {
  return status !== 'cancelled';
}
