import { describe, expect, it } from 'vitest';
import { basicAuth, usingPostgres } from '../helpers/harness';
import { useProcesses } from '../helpers/processes';

const SECRET_KEY = 'sk_test_cluster_cache';
const processes = useProcesses();

const call = async (url: string, method: string, path: string, body?: unknown) => {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: basicAuth(SECRET_KEY), ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return (await response.json()) as { offset_seconds: number };
};

/**
 * Two server processes on one PostgreSQL database (PGlite's directory is one process's). Each
 * caches key lookups, with the merchant's test clock; a change made through one reaches the other
 * by NOTIFY, at once. Here the lookups are kept for an hour (KESSAI_KEY_CACHE_MS), so the other
 * process seeing the change at all proves the notification carried it, however slow the machine.
 */
describe.skipIf(!usingPostgres)('merchant changes across processes', { timeout: 240_000 }, () => {
  it('shows a clock advanced through one process on the other, though its cached lookup would last an hour', async () => {
    const env = processes.environment({ KESSAI_SECRET_KEY: SECRET_KEY, KESSAI_KEY_CACHE_MS: '3600000' });
    const one = await processes.server(env);
    const other = await processes.server(env);
    for (let round = 1; round <= 3; round++) {
      // The other process reads the clock all the while the first moves it, so that its cache
      // holds a lookup made just before the advance committed.
      let warming = true;
      const warm = (async () => {
        while (warming) await call(other.url, 'GET', '/api/v1/test_helpers/clock');
      })();
      const advanced = await call(one.url, 'POST', '/api/v1/test_helpers/clock/advance', { seconds: 60 });
      warming = false;
      await warm;
      expect(advanced.offset_seconds).toBe(round * 60);
      // Without the notification that lookup would be served for the rest of the hour.
      await expect
        .poll(async () => (await call(other.url, 'GET', '/api/v1/test_helpers/clock')).offset_seconds, { timeout: 10_000, interval: 5 })
        .toBe(round * 60);
    }
  });
});
