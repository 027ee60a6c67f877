/**
 * Time for the whole program. Domain code never reads the wall clock directly: it asks a Clock,
 * so tests and merchants (through the test clock) can move time.
 *
 *   const clock = systemClock();
 *   clock.now(); // Date
 */
export interface Clock {
  now(): Date;
}

export function systemClock(): Clock {
  return { now: () => new Date() };
}

/** A clock shifted by a fixed offset: how a merchant's test clock sees time. */
export function offsetClock(base: Clock, offsetMs: number): Clock {
  if (offsetMs === 0) return base;
  return { now: () => new Date(base.now().getTime() + offsetMs) };
}

const JST_OFFSET_MS = 9 * 3600 * 1000;

/**
 * 23:59:59 Asia/Tokyo on the day `days` after `from`'s date in Tokyo — the deadline rule KOMOJU's
 * examples show (konbini 3 days from 2020-06-09 → 2020-06-12T14:59:59Z).
 */
export function endOfDayTokyo(from: Date, days: number): Date {
  const tokyo = new Date(from.getTime() + JST_OFFSET_MS);
  const endUtc = Date.UTC(tokyo.getUTCFullYear(), tokyo.getUTCMonth(), tokyo.getUTCDate() + days, 23, 59, 59);
  return new Date(endUtc - JST_OFFSET_MS);
}

/** ISO 8601 in UTC without milliseconds, as KOMOJU prints timestamps: 2020-06-09T07:42:14Z. */
export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Measures a duration (a webhook attempt's latency) on the monotonic timer, which moving clocks
 * do not affect.
 *
 *   const elapsed = stopwatch();
 *   elapsed(); // whole milliseconds since the call
 */
export function stopwatch(): () => number {
  const start = performance.now();
  return () => Math.round(performance.now() - start);
}
