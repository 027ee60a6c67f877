import { sql } from 'kysely';
import { FROZEN_EPOCH } from '../lib/clock';

/**
 * The time on the clock of merchant `m` (joined in the statement) when the system clock says
 * `systemNow`: system time plus the test-clock offset, or, for a seeded merchant, FROZEN_EPOCH
 * plus the offset (its time moves only when its clock is advanced). Mirrors merchantClock in
 * domain/merchant-clock.ts.
 */
export function merchantNowSql(systemNow: Date) {
  return sql<Date>`CASE WHEN m.seed IS NULL THEN ${systemNow}::timestamptz ELSE ${FROZEN_EPOCH}::timestamptz END + m.clock_offset_ms * interval '1 millisecond'`;
}
