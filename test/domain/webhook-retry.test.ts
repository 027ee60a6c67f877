import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { attemptOutcome, retryDueAt, RETRY_JITTER, RETRY_SCHEDULE_MS } from '../../src/domain/webhook-retry';
import { seededFractions } from '../../src/lib/random';

const attemptedAt = new Date('2026-01-01T00:00:00Z');
const steps = RETRY_SCHEDULE_MS.length - 1; // retries after the first attempt

/** The gap before retry `nextStep`, as decision 12 writes the schedule. */
const gap = (nextStep: number) => RETRY_SCHEDULE_MS[nextStep] - RETRY_SCHEDULE_MS[nextStep - 1];

describe('webhook retry policy', () => {
  it('keeps decision 12: attempts at 0, 1 m, 5 m, 30 m, 2 h, 6 h, 12 h, 24 h, 48 h and 72 h, each ±10 %', () => {
    expect(RETRY_SCHEDULE_MS.map((ms) => ms / 60_000)).toEqual([0, 1, 5, 30, 120, 360, 720, 1440, 2880, 4320]);
    expect(RETRY_JITTER).toBe(0.1);
  });

  it('draws the same due times from the same seed, and other ones from another seed', () => {
    const run = (seed: number) => {
      const random = seededFractions(seed);
      return Array.from({ length: steps }, (_, i) => retryDueAt(attemptedAt, i + 1, random).getTime());
    };
    expect(run(42)).toEqual(run(42));
    expect(run(42)).not.toEqual(run(43));
  });

  it('spreads each retry within ±10 % of its gap after the attempt, reaching both ends', () => {
    for (let nextStep = 1; nextStep <= steps; nextStep++) {
      expect(retryDueAt(attemptedAt, nextStep, () => 0).getTime() - attemptedAt.getTime()).toBe(Math.round(0.9 * gap(nextStep)));
      expect(retryDueAt(attemptedAt, nextStep, () => 0.5).getTime() - attemptedAt.getTime()).toBe(gap(nextStep));
      expect(retryDueAt(attemptedAt, nextStep, () => 1 - 2 ** -32).getTime() - attemptedAt.getTime()).toBe(Math.round(1.1 * gap(nextStep)));
    }
    fc.assert(
      fc.property(fc.integer({ min: 1, max: steps }), fc.integer(), (nextStep, seed) => {
        const delay = retryDueAt(attemptedAt, nextStep, seededFractions(seed)).getTime() - attemptedAt.getTime();
        return delay >= 0.9 * gap(nextStep) && delay <= 1.1 * gap(nextStep);
      }),
    );
    // And with the production source: many draws for the shortest gap land inside the bounds and spread across them.
    const delays = Array.from({ length: 2000 }, () => retryDueAt(attemptedAt, 1).getTime() - attemptedAt.getTime());
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(54_000);
    expect(Math.max(...delays)).toBeLessThanOrEqual(66_000);
    expect(Math.min(...delays)).toBeLessThan(55_000);
    expect(Math.max(...delays)).toBeGreaterThan(65_000);
  });

  it('succeeds on a 2xx, retries at the next step until the schedule runs out, then fails', () => {
    expect(attemptOutcome(0, attemptedAt, true)).toEqual({ status: 'succeeded', nextStep: 1 });
    expect(attemptOutcome(3, attemptedAt, false, () => 0.5)).toEqual({
      status: 'pending',
      nextStep: 4,
      nextAttemptAt: new Date(attemptedAt.getTime() + 90 * 60_000),
    });
    expect(attemptOutcome(steps - 1, attemptedAt, false, () => 0.5)).toMatchObject({ status: 'pending', nextStep: steps });
    expect(attemptOutcome(steps, attemptedAt, false)).toEqual({ status: 'failed', nextStep: steps + 1 });
  });
});
