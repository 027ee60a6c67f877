import { randomFraction, type RandomFraction } from '../lib/random';
import type { AttemptOutcome } from '../model/webhook';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * docs/decisions.md #12: attempts at 0, 1 m, 5 m, 30 m, 2 h, 6 h, 12 h, 24 h, 48 h and 72 h after the event,
 * each ±10 %, then `failed`. Each retry is scheduled from the attempt before it (the gap between
 * two entries), so after an outage of kessai itself the remaining attempts keep their spacing
 * instead of all falling due at once.
 */
export const RETRY_SCHEDULE_MS = [0, MINUTE, 5 * MINUTE, 30 * MINUTE, 2 * HOUR, 6 * HOUR, 12 * HOUR, 24 * HOUR, 48 * HOUR, 72 * HOUR] as const;
/** Retries are spread by up to this fraction of their gap either way, so retries of many
 * deliveries that failed together do not arrive together. */
export const RETRY_JITTER = 0.1;

/**
 * What an attempt at schedule step `step`, made at `attemptedAt` on the merchant's clock, leads
 * to: a 2xx delivers; anything else retries at the next step of the schedule (its due time on the
 * merchant's clock) until the schedule runs out. The jitter is drawn from `random` (a seeded one
 * in tests), here rather than in SQL, so the whole retry policy is this file.
 *
 *   attemptOutcome(0, attemptedAt, false); // { status: 'pending', nextStep: 1, nextAttemptAt: attemptedAt + 54…66 s }
 */
export function attemptOutcome(step: number, attemptedAt: Date, delivered: boolean, random: RandomFraction = randomFraction): AttemptOutcome {
  const nextStep = step + 1;
  if (delivered) return { status: 'succeeded', nextStep };
  if (nextStep >= RETRY_SCHEDULE_MS.length) return { status: 'failed', nextStep };
  return { status: 'pending', nextStep, nextAttemptAt: retryDueAt(attemptedAt, nextStep, random) };
}

/** `attemptedAt` plus the gap before step `nextStep`, times a factor in [1 - RETRY_JITTER, 1 + RETRY_JITTER]. */
export function retryDueAt(attemptedAt: Date, nextStep: number, random: RandomFraction = randomFraction): Date {
  const gapMs = RETRY_SCHEDULE_MS[nextStep] - RETRY_SCHEDULE_MS[nextStep - 1];
  return new Date(attemptedAt.getTime() + Math.round(gapMs * (1 + RETRY_JITTER * (2 * random() - 1))));
}
