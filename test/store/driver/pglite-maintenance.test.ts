import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../../src/store/db';
import { commandsFor } from '../../../src/store/driver/pglite-maintenance';

// PGlite has no autovacuum; the store analyses and vacuums its tables itself, by autovacuum's rules.
describe('PGlite maintenance', () => {
  let store: Store;

  beforeAll(async () => {
    store = await openStore({ databaseUrl: null, dataDir: 'memory://', maintenanceMs: 100 });
  });
  afterAll(() => store.close());

  const stats = async (table: string) =>
    (
      await sql<{ last_analyze: Date | null; last_vacuum: Date | null; n_dead_tup: number }>`
        SELECT last_analyze, last_vacuum, n_dead_tup FROM pg_stat_user_tables WHERE relname = ${table}`.execute(store.db)
    ).rows[0];
  const waitFor = async (done: () => Promise<boolean>) => {
    const deadline = Date.now() + 10_000;
    while (!(await done()) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    return done();
  };

  it('gives a grown table statistics without anyone running ANALYZE', async () => {
    await sql`CREATE TABLE grown (id text PRIMARY KEY)`.execute(store.db);
    await sql`INSERT INTO grown SELECT 'g' || n FROM generate_series(1, 500) n`.execute(store.db);
    expect((await stats('grown')).last_analyze).toBeNull();
    expect(await waitFor(async () => (await stats('grown')).last_analyze !== null)).toBe(true);
    // From a small sample (statistics target 10: 11 histogram bounds, not PostgreSQL's 101), so
    // that ANALYZE holds the one connection for milliseconds.
    const { rows } = await sql<{ bounds: number }>`
      SELECT array_length(histogram_bounds::text::text[], 1) AS bounds FROM pg_stats WHERE tablename = 'grown' AND attname = 'id'`.execute(store.db);
    expect(rows).toEqual([{ bounds: 11 }]);
  });

  it('analyses a table that holds data but was never analysed, even when its counters were lost', async () => {
    await sql`CREATE TABLE restored (id text PRIMARY KEY)`.execute(store.db);
    await sql`INSERT INTO restored SELECT 'r' || n FROM generate_series(1, 20) n`.execute(store.db);
    // What a PGlite killed before it saved its statistics starts from.
    await sql`SELECT pg_stat_reset()`.execute(store.db);
    expect(await waitFor(async () => (await stats('restored'))?.last_analyze != null)).toBe(true);
  });

  it('vacuums a table whose rows were deleted, and leaves a quiet table alone once analysed', async () => {
    await sql`CREATE TABLE quiet (id text PRIMARY KEY)`.execute(store.db);
    await sql`INSERT INTO quiet SELECT 'q' || n FROM generate_series(1, 10) n`.execute(store.db);
    expect(await waitFor(async () => (await stats('quiet'))?.last_analyze != null)).toBe(true);
    const analysedAt = (await stats('quiet')).last_analyze;
    await sql`CREATE TABLE churned (id text PRIMARY KEY)`.execute(store.db);
    await sql`INSERT INTO churned SELECT 'c' || n FROM generate_series(1, 500) n`.execute(store.db);
    await sql`DELETE FROM churned WHERE id <> 'c1'`.execute(store.db);
    expect(await waitFor(async () => (await stats('churned')).last_vacuum !== null)).toBe(true);
    expect((await stats('churned')).n_dead_tup).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await stats('quiet')).toMatchObject({ last_analyze: analysedAt, last_vacuum: null });
  });

  it('follows autovacuum’s default thresholds', () => {
    const table = { name: 't', live: 1000, dead: 0, modifiedSinceAnalyze: 0, insertedSinceVacuum: 0, neverAnalysed: false };
    expect(commandsFor(table)).toEqual([]);
    expect(commandsFor({ ...table, dead: 250 })).toEqual([]);
    expect(commandsFor({ ...table, dead: 251 })).toEqual(['VACUUM']);
    expect(commandsFor({ ...table, insertedSinceVacuum: 1200 })).toEqual([]);
    expect(commandsFor({ ...table, insertedSinceVacuum: 1201 })).toEqual(['VACUUM']);
    expect(commandsFor({ ...table, modifiedSinceAnalyze: 150 })).toEqual([]);
    expect(commandsFor({ ...table, modifiedSinceAnalyze: 151 })).toEqual(['ANALYZE']);
    expect(commandsFor({ ...table, dead: 300, modifiedSinceAnalyze: 300 })).toEqual(['VACUUM', 'ANALYZE']);
    expect(commandsFor({ ...table, neverAnalysed: true })).toEqual(['ANALYZE']);
  });
});
