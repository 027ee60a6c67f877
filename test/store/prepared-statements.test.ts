import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/store/db';
import { dropSchemas, testSchemaName } from '../helpers/harness';

// Named prepared statements are a PostgreSQL connection feature; PGlite runs queries in-process.
describe.runIf(process.env.DATABASE_URL)('prepared statements on PostgreSQL', () => {
  const schema = testSchemaName();
  let store: Store;

  beforeAll(async () => {
    store = await openStore({ databaseUrl: process.env.DATABASE_URL!, schema, poolSize: 1 });
    await sql`CREATE TABLE things (id text PRIMARY KEY, name text)`.execute(store.db);
    await sql`INSERT INTO things VALUES ('a', 'one')`.execute(store.db);
  });

  afterAll(async () => {
    await store.close();
    await dropSchemas([schema]);
  });

  const prepared = async () =>
    (await sql<{ statement: string }>`SELECT statement FROM pg_prepared_statements`.execute(store.db)).rows.map((r) => r.statement);

  it('prepares a parameterised statement once per connection', async () => {
    for (let i = 0; i < 3; i++) {
      await sql`SELECT name FROM things WHERE id = ${'a'}`.execute(store.db);
    }
    // A `*` that selects nothing (multiplication, count(*)) does not keep a statement unprepared.
    await sql`SELECT count(*) * ${2}::int AS n FROM things`.execute(store.db);
    const statements = await prepared();
    expect(statements.filter((s) => s.includes('SELECT name FROM things WHERE id = $1'))).toHaveLength(1);
    expect(statements.some((s) => s.includes('SELECT count(*) * $1::int AS n FROM things'))).toBe(true);
  });

  it('leaves `*` statements unprepared, so a migration that adds a column breaks no running process', async () => {
    const selectAll = () => sql<Record<string, unknown>>`SELECT * FROM things WHERE id = ${'a'}`.execute(store.db);
    expect((await selectAll()).rows[0]).toEqual({ id: 'a', name: 'one' });
    await sql`ALTER TABLE things ADD COLUMN colour text`.execute(store.db);
    expect((await selectAll()).rows[0]).toEqual({ id: 'a', name: 'one', colour: null });
    const returning = () => sql`UPDATE things SET name = ${'two'} WHERE id = 'a' RETURNING *`.execute(store.db);
    await returning();
    await sql`ALTER TABLE things ADD COLUMN size int`.execute(store.db);
    expect((await returning()).rows[0]).toEqual({ id: 'a', name: 'two', colour: null, size: null });
    expect((await prepared()).some((s) => s.includes('SELECT * FROM things') || s.includes('RETURNING *'))).toBe(false);
  });
});
