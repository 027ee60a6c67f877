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
 * caches key lookups, with the merchant's test clock, for up to 250 ms; a change made through
 * one reaches the other by NOTIFY, at once.
 */
describe.skipIf(!usingPostgres)('merchant changes across processes', { timeout: 240_000 }, () => {
  it('shows a clock advanced through one process on the other well within the cache’s 250 ms', async () => {
    const env = processes.environment({ KESSAI_SECRET_KEY: SECRET_KEY });
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
      const since = performance.now();
      warming = false;
      await warm;
      expect(advanced.offset_seconds).toBe(round * 60);
      // Without the notification that lookup would be served for most of 250 ms more.
      await expect
        .poll(async () => (await call(other.url, 'GET', '/api/v1/test_helpers/clock')).offset_seconds, { timeout: 2_000, interval: 5 })
        .toBe(round * 60);
      const took = performance.now() - since;
      expect(took).toBeLessThan(100);
    }
  });
});
