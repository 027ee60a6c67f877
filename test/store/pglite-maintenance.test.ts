import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/store/db';

// PGlite has no autovacuum; the store analyses and vacuums its tables itself.
let store: Store;

beforeAll(async () => {
  store = await openStore({ databaseUrl: null, dataDir: 'memory://', maintenanceMs: 100 });
});
afterAll(() => store.close());

it('gives the embedded database statistics without anyone running ANALYZE', async () => {
  await sql`CREATE TABLE grown (id text PRIMARY KEY)`.execute(store.db);
  await sql`INSERT INTO grown SELECT 'g' || n FROM generate_series(1, 500) n`.execute(store.db);
  const analysed = async () =>
    (await sql<{ last_analyze: Date | null }>`SELECT last_analyze FROM pg_stat_user_tables WHERE relname = 'grown'`.execute(store.db)).rows[0]
      ?.last_analyze ?? null;
  expect(await analysed()).toBeNull();
  const deadline = Date.now() + 10_000;
  while ((await analysed()) === null && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  expect(await analysed()).not.toBeNull();
});
