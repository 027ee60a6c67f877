import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listenForMerchantChanges, setKeyCacheMs } from '../../src/domain/merchant-changes';
import { KEY_CACHE_MS } from '../../src/store/merchants.repo';
import { startHarness, type Harness, type TestMerchant } from '../helpers/harness';

/**
 * A change another process makes (here: an UPDATE that bypasses this process's own forgetting, as
 * another process's would) reaches this process's key-lookup cache through the trigger's NOTIFY,
 * instead of when the cached lookup runs out. On both databases: PGlite NOTIFYs in-process. The
 * lookups are kept for an hour here, so a change seen at all was carried by the notification:
 * no figure of time to hold a slow machine to.
 */
let h: Harness;
let m: TestMerchant;
let stop: () => Promise<void>;

beforeAll(async () => {
  setKeyCacheMs(3_600_000);
  h = await startHarness();
  m = await h.merchant();
  // This file's schema only: on PostgreSQL other test files' schemas NOTIFY on the same channel,
  // and one of theirs must not be what clears this cache.
  const { rows } = await sql<{ schema: string }>`SELECT current_schema() AS schema`.execute(h.store.db);
  stop = await listenForMerchantChanges(h.store.listen, rows[0].schema);
});
afterAll(async () => {
  await stop();
  await h.close();
  setKeyCacheMs(KEY_CACHE_MS);
});

const offset = async () => (await h.request({ url: '/api/v1/test_helpers/clock', key: m.secretKey })).body.offset_seconds as number;

describe('merchant changes made elsewhere', () => {
  it('are seen at once, not when the cached lookup runs out', async () => {
    for (let round = 1; round <= 3; round++) {
      expect(await offset()).toBe((round - 1) * 60); // the lookup is cached now, for an hour
      await h.store.db.updateTable('merchants').set({ clock_offset_ms: round * 60_000 }).where('id', '=', m.id).execute();
      await expect.poll(offset, { timeout: 10_000, interval: 5 }).toBe(round * 60);
    }
  });

  it('leave alone what a lookup does not carry: a seeded merchant’s sequence moves without a notification', async () => {
    // Only this file's schema: on PostgreSQL other test files' schemas NOTIFY on the same channel.
    const { rows } = await sql<{ schema: string }>`SELECT current_schema() AS schema`.execute(h.store.db);
    let heard = 0;
    const stopCounting = await h.store.listen('kessai_merchants', (payload) => (payload === rows[0].schema ? heard++ : undefined));
    await h.store.db.updateTable('merchants').set({ name: 'Renamed' }).where('id', '=', m.id).execute();
    await expect.poll(() => heard, { timeout: 2_000 }).toBe(1);
    await h.store.db.updateTable('merchants').set({ id_sequence: 7 }).where('id', '=', m.id).execute();
    await h.store.db.updateTable('merchants').set({ name: 'Renamed' }).where('id', '=', m.id).execute();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(heard).toBe(1);
    await stopCounting();
  });
});
