import { sql } from 'kysely';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/db';
import { migrateToLatest } from '../../src/store/migrate';
import { randomAlphanumeric } from '../../src/lib/random';
import { dropSchemas, testSchemaName } from '../helpers/harness';

const url = process.env.DATABASE_URL!;

async function admin(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return client;
}

// Several kessai schemas share one PostgreSQL database: parallel test files, or deployments.
describe.runIf(process.env.DATABASE_URL)('migrations beside other schemas on PostgreSQL', () => {
  const schemas: string[] = [];
  const newSchema = () => {
    schemas.push(testSchemaName());
    return schemas.at(-1)!;
  };

  afterEach(() => dropSchemas(schemas.splice(0)));

  it('migrates while other schemas are created and dropped', async () => {
    // Kysely's own introspector reads every schema's tables; one dropped meanwhile failed the
    // migration with `schema "…" does not exist` (a red CI run). With that introspector, about
    // half of these migrations failed.
    const churner = await admin();
    let churning = true;
    const churn = (async () => {
      while (churning) {
        const other = `kessai_churn_${randomAlphanumeric(10)}`;
        await churner.query(`CREATE SCHEMA "${other}"; CREATE TABLE "${other}".things (id serial PRIMARY KEY, name text)`);
        await churner.query(`DROP SCHEMA "${other}" CASCADE`);
      }
    })();
    try {
      for (let i = 0; i < 8; i++) {
        const store = await openStore({ databaseUrl: url, schema: newSchema(), poolSize: 2 });
        try {
          expect((await migrateToLatest(store.db)).length).toBeGreaterThan(0);
        } finally {
          await store.close();
        }
      }
    } finally {
      churning = false;
      await churn;
      await churner.end();
    }
  });

  it('creates its own bookkeeping tables, runs each migration once, and leaves the other schema alone', async () => {
    const first = await openStore({ databaseUrl: url, schema: newSchema(), poolSize: 2 });
    const second = await openStore({ databaseUrl: url, schema: newSchema(), poolSize: 2 });
    try {
      const applied = await migrateToLatest(first.db);
      expect(applied[0]).toBe('0001_init');
      expect(await migrateToLatest(first.db)).toEqual([]);
      expect(await migrateToLatest(second.db)).toEqual(applied);
      const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM kysely_migration`.execute(second.db);
      expect(rows[0].n).toBe(applied.length);
    } finally {
      await first.close();
      await second.close();
    }
  });

  it('starts on a database a newer version migrated (rolling upgrade), and still refuses one whose history differs', async () => {
    const store = await openStore({ databaseUrl: url, schema: newSchema(), poolSize: 2 });
    try {
      const applied = await migrateToLatest(store.db);
      await sql`INSERT INTO kysely_migration (name, timestamp) VALUES ('9999_from_a_newer_version', '2099-01-01')`.execute(store.db);
      expect(await migrateToLatest(store.db)).toEqual([]);
      // Not the history this version made: one of its own migrations missing before the newer one.
      await sql`DELETE FROM kysely_migration WHERE name = ${applied.at(-1)!}`.execute(store.db);
      await expect(migrateToLatest(store.db)).rejects.toThrow(/corrupted migrations/);
    } finally {
      await store.close();
    }
  });
});
