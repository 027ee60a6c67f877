import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPglite } from '../../src/store/driver/pglite';
import { readSnapshot, writeSnapshot } from '../../src/store/driver/pglite-snapshot';
import { buildSnapshot } from '../../src/store/driver/pglite-snapshot-build';
import { MIGRATION_NAMES, migrateToLatest } from '../../src/store/migrate';
import type { Db } from '../../src/store/db';

// A new embedded database starts from the snapshot the package build makes instead of running
// initdb and every migration. It must give exactly the schema that migrating gives, and a
// snapshot older than the code must be brought up to date by the migrations it lacks.

const dir = mkdtempSync(join(tmpdir(), 'kessai-snapshot-'));
const full = join(dir, 'full', 'pgdata.tar.gz');
const old = join(dir, 'old', 'pgdata.tar.gz');
const OLD_UP_TO = MIGRATION_NAMES.at(-3)!;
let migratedSchema: unknown;

/** Everything a migration can make in the public schema, as PostgreSQL itself prints it. */
async function schemaOf(db: Db): Promise<unknown> {
  const queries = {
    columns: sql`SELECT table_name, column_name, ordinal_position, data_type, udt_name, is_nullable, column_default, character_maximum_length, numeric_precision
      FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, ordinal_position`,
    constraints: sql`SELECT conrelid::regclass::text AS rel, conname, pg_get_constraintdef(oid) AS def
      FROM pg_constraint WHERE connamespace = 'public'::regnamespace ORDER BY rel, conname`,
    indexes: sql`SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY tablename, indexname`,
    functions: sql`SELECT proname, pg_get_functiondef(oid) AS def FROM pg_proc WHERE pronamespace = 'public'::regnamespace ORDER BY proname`,
    triggers: sql`SELECT tgrelid::regclass::text AS rel, tgname, pg_get_triggerdef(oid) AS def FROM pg_trigger WHERE NOT tgisinternal ORDER BY rel, tgname`,
    views: sql`SELECT viewname, definition FROM pg_views WHERE schemaname = 'public' ORDER BY viewname`,
    sequences: sql`SELECT sequence_name, data_type, start_value, increment FROM information_schema.sequences WHERE sequence_schema = 'public' ORDER BY sequence_name`,
    types: sql`SELECT t.typname, t.typtype, array_agg(e.enumlabel ORDER BY e.enumsortorder) AS labels
      FROM pg_type t LEFT JOIN pg_enum e ON e.enumtypid = t.oid
      WHERE t.typnamespace = 'public'::regnamespace AND t.typtype IN ('e', 'd') GROUP BY t.typname, t.typtype ORDER BY t.typname`,
    extensions: sql`SELECT extname, extversion FROM pg_extension ORDER BY extname`,
    migrations: sql`SELECT name FROM kysely_migration ORDER BY name`,
  };
  const result: Record<string, unknown> = {};
  for (const [name, query] of Object.entries(queries)) result[name] = (await query.execute(db)).rows;
  return result;
}

beforeAll(async () => {
  const built = await buildSnapshot();
  writeSnapshot(full, built.tarball, built.migrations);
  const older = await buildSnapshot(OLD_UP_TO);
  writeSnapshot(old, older.tarball, older.migrations);
  const migrated = await openPglite({ databaseUrl: null, dataDir: 'memory://', snapshot: null });
  await migrateToLatest(migrated.db);
  migratedSchema = await schemaOf(migrated.db);
  await migrated.close();
}, 180_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a new embedded database from the snapshot', () => {
  it('has every migration already and exactly the schema that migrating gives', async () => {
    const store = await openPglite({ databaseUrl: null, dataDir: 'memory://', snapshot: full });
    try {
      expect(await migrateToLatest(store.db)).toEqual([]);
      // The comparison compares something: every kind the migrations make is there.
      for (const kind of ['columns', 'constraints', 'indexes', 'functions', 'migrations']) expect((migratedSchema as Record<string, unknown[]>)[kind].length, kind).toBeGreaterThan(0);
      expect(await schemaOf(store.db)).toEqual(migratedSchema);
    } finally {
      await store.close();
    }
  });

  it('gets the migrations newer than an older snapshot, and then the same schema', async () => {
    const store = await openPglite({ databaseUrl: null, dataDir: 'memory://', snapshot: old });
    try {
      expect(await migrateToLatest(store.db)).toEqual(MIGRATION_NAMES.slice(MIGRATION_NAMES.indexOf(OLD_UP_TO) + 1));
      expect(await schemaOf(store.db)).toEqual(migratedSchema);
    } finally {
      await store.close();
    }
  });

  it('is a data directory that keeps its rows across a restart, and says it is preparing on the first start only', async () => {
    const dataDir = join(dir, 'data');
    const progress: string[] = [];
    const first = await openPglite({ databaseUrl: null, dataDir, snapshot: full, progress: (line) => progress.push(line) });
    expect(first.snapshotMigrations).toEqual(MIGRATION_NAMES);
    expect(await migrateToLatest(first.db)).toEqual([]);
    await sql`INSERT INTO merchants (id, name, mode, created_at) VALUES ('m1', 'Kept', 'test', now())`.execute(first.db);
    await first.close();
    expect(progress).toEqual([`preparing the database in ${dataDir} (first start)…`]);

    const again = await openPglite({ databaseUrl: null, dataDir, snapshot: full, progress: (line) => progress.push(line) });
    try {
      expect((await sql<{ name: string }>`SELECT name FROM merchants WHERE id = 'm1'`.execute(again.db)).rows).toEqual([{ name: 'Kept' }]);
      expect(progress).toHaveLength(1);
      expect(again.snapshotMigrations).toEqual([]);
    } finally {
      await again.close();
    }
  });
});

it('a first start killed while unpacking leaves nothing the next start takes for a database', async () => {
  const dataDir = join(dir, 'killed');
  // What a start killed halfway through unpacking leaves: a partial copy beside pgdata, no pgdata.
  mkdirSync(join(dataDir, 'pgdata.new-99999', 'base'), { recursive: true });
  writeFileSync(join(dataDir, 'pgdata.new-99999', 'PG_VERSION'), '17\n');
  const store = await openPglite({ databaseUrl: null, dataDir, snapshot: full });
  try {
    expect(store.snapshotMigrations).toEqual(MIGRATION_NAMES);
    expect(await migrateToLatest(store.db)).toEqual([]);
    expect(readdirSync(dataDir).filter((name) => name.startsWith('pgdata'))).toEqual(['pgdata']);
  } finally {
    await store.close();
  }
});

it('a snapshot that cannot be unpacked whole is refused, not renamed into place as a database', async () => {
  const dataDir = join(dir, 'torn');
  // A tarball cut short: tar writes the files it has and only warns about the rest.
  const cut = join(dir, 'cut', 'pgdata.tar.gz');
  const whole = gunzipSync(readFileSync(full));
  writeSnapshot(cut, gzipSync(whole.subarray(0, Math.floor(whole.length / 2))), JSON.parse(readFileSync(`${full}.json`, 'utf8')).migrations);
  await expect(openPglite({ databaseUrl: null, dataDir, snapshot: cut })).rejects.toThrow(/could not unpack the database snapshot/);
  expect(readdirSync(dataDir).filter((name) => name.startsWith('pgdata'))).toEqual([]);
});

it('runs with 8 MB of shared buffers, not the 128 MB of PGlite (a start touches them all: RSS)', async () => {
  const store = await openPglite({ databaseUrl: null, dataDir: 'memory://', snapshot: full });
  try {
    expect((await sql<{ shared_buffers: string }>`SHOW shared_buffers`.execute(store.db)).rows).toEqual([{ shared_buffers: '8MB' }]);
  } finally {
    await store.close();
  }
});

describe('a snapshot that does not suit', () => {
  it('is ignored when another PGlite wrote it or its migrations are not ours', () => {
    const meta = JSON.parse(readFileSync(`${full}.json`, 'utf8'));
    expect(readSnapshot(full)).not.toBeNull();
    const other = join(dir, 'other', 'pgdata.tar.gz');
    writeSnapshot(other, readFileSync(full), meta.migrations);
    writeFileSync(`${other}.json`, JSON.stringify({ ...meta, pglite: '0.0.1' }));
    expect(readSnapshot(other)).toBeNull();
    writeFileSync(`${other}.json`, JSON.stringify({ ...meta, migrations: ['0001_init', '0002_something_else'] }));
    expect(readSnapshot(other)).toBeNull();
    expect(readSnapshot(join(dir, 'missing.tar.gz'))).toBeNull();
  });
});
