import { isoSeconds } from '../lib/clock';
import { TEST_DATA_KINDS, type TestDataReset } from '../model/test-data';

/** A merchant's test clock → JSON (`resource: test_clock`), as GET /api/v1/test_helpers/clock shows it. */
export function serializeClock(clock: { now: Date; offsetMs: number }): Record<string, unknown> {
  return { resource: 'test_clock', now: isoSeconds(clock.now), offset_seconds: Math.round(clock.offsetMs / 1000) };
}

/**
 * A reset → JSON: `{"resource":"test_data_reset","payments":3,…,"clock":{…}}`, a count per kind of
 * test data removed (in TEST_DATA_KINDS order) and the clock after it. The API, `kessai reset
 * --json` (either way it runs) and the dashboard's notice all print this.
 */
export function serializeTestDataReset(reset: TestDataReset): Record<string, unknown> {
  const counts = Object.fromEntries(TEST_DATA_KINDS.map((kind) => [kind, reset.removed[kind]]));
  return { resource: 'test_data_reset', ...counts, clock: serializeClock(reset.clock) };
}
