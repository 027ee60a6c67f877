import { isoSeconds } from '../lib/clock';

/** Timestamps come as Date from rows and as strings from JSON snapshots; both print the same. */
export function timestamp(value: Date | string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  return isoSeconds(value instanceof Date ? value : new Date(value));
}
