/**
 * The JSON-Schema format name of a time filter (`start_time`, `end_time`), checked by the shared
 * Ajv options (src/domain/validate.ts) with `parseIsoTime`.
 */
// Not 'iso-time': ajv-formats has a format of that name (a time of day), which it would put in place of this one.
export const ISO_TIME = 'date-or-date-time';

const PATTERN = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?([Zz]|[+-]\d{2}:?\d{2})?)?$/;

/**
 * An ISO 8601 date or date-time as an instant, or null when the text is not one (or names a day
 * or time that does not exist, like 2024-13-45). A date alone is that day's first instant in UTC
 * (`2026-12-01` → 2026-12-01T00:00:00Z), as is a date-time without an offset: every time this
 * API prints is UTC, and the answer must not depend on the server's time zone.
 *
 *   parseIsoTime('2026-12-01');                 // 2026-12-01T00:00:00.000Z
 *   parseIsoTime('2026-12-01T09:00:00+09:00');  // 2026-12-01T00:00:00.000Z
 *   parseIsoTime('yesterday');                  // null
 */
export function parseIsoTime(text: string): Date | null {
  const match = PATTERN.exec(text);
  if (!match) return null;
  const [, y, mo, d, h = '00', mi = '00', s = '00', fraction = '', zone = 'Z'] = match;
  const fields = [Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(s)];
  const utc = new Date(Date.UTC(fields[0], fields[1] - 1, fields[2], fields[3], fields[4], fields[5]));
  // Date.UTC rolls 2024-02-30 over into March; a real date reads back unchanged.
  const readBack = [utc.getUTCFullYear(), utc.getUTCMonth() + 1, utc.getUTCDate(), utc.getUTCHours(), utc.getUTCMinutes(), utc.getUTCSeconds()];
  if (readBack.some((value, i) => value !== fields[i])) return null;
  const offset = zone.toUpperCase() === 'Z' ? 0 : (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(-2)));
  if (Math.abs(offset) > 14 * 60) return null;
  const ms = fraction ? Math.floor(Number(`0${fraction}`) * 1000) : 0;
  return new Date(utc.getTime() + ms - offset * 60_000);
}
