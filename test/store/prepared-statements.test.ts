import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/store/db';
import { dropSchemas, testSchemaName, usingPostgres } from '../helpers/harness';

// On PostgreSQL through the pg pool (prepareStatements in driver/pg-statements.ts), on PGlite through
// withPreparedStatements (pglite-prepared.ts); both keep them per session, in pg_prepared_statements.
describe('prepared statements', () => {
  const schema = usingPostgres ? testSchemaName() : undefined;
  let store: Store;

  beforeAll(async () => {
    store = await openStore({ databaseUrl: process.env.DATABASE_URL ?? null, schema, dataDir: 'memory://', poolSize: 1 });
    await sql`CREATE TABLE things (id text PRIMARY KEY, name text)`.execute(store.db);
    await sql`INSERT INTO things VALUES ('a', 'one')`.execute(store.db);
  });

  afterAll(async () => {
    await store.close();
    if (schema) await dropSchemas([schema]);
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

  it('reads and writes every type as an unprepared statement does', async () => {
    await sql`CREATE TABLE typed (id text PRIMARY KEY, amount bigint, rate numeric, details json, at timestamptz, ok boolean, note text)`.execute(store.db);
    const at = new Date('2026-11-22T01:02:03.456Z');
    const insert = (id: string, note: string | null) =>
      sql`INSERT INTO typed VALUES (${id}, ${12345678901}, ${'0.0065'}, ${JSON.stringify({ a: [1, 'b'] })}, ${at}, ${true}, ${note})`.execute(store.db);
    await insert('x', null);
    await insert('y', 'a note');
    const read = (id: string) => sql<Record<string, unknown>>`SELECT amount, rate, details, at, ok, note FROM typed WHERE id = ${id}`.execute(store.db);
    expect((await read('x')).rows[0]).toEqual({ amount: 12345678901, rate: 0.0065, details: { a: [1, 'b'] }, at, ok: true, note: null });
    expect((await read('y')).rows[0]).toMatchObject({ note: 'a note' });
    expect((await read('nobody')).rows).toEqual([]);
    expect((await prepared()).filter((s) => s.includes('FROM typed WHERE id = $1'))).toHaveLength(1);
  });

  it('raises database errors with their code, and rolls a prepared write back with its transaction', async () => {
    const insert = (id: string) => sql`INSERT INTO things (id, name) VALUES (${id}, ${'n'})`.execute(store.db);
    await insert('unique');
    await expect(insert('unique')).rejects.toMatchObject({ code: '23505' });
    await expect(
      store.db.transaction().execute(async (trx) => {
        await sql`INSERT INTO things (id, name) VALUES (${'in-trx'}, ${'n'})`.execute(trx);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect((await sql`SELECT id FROM things WHERE id = ${'in-trx'}`.execute(store.db)).rows).toEqual([]);
    await insert('after');
    expect((await sql`SELECT id FROM things WHERE id = ${'after'}`.execute(store.db)).rows).toEqual([{ id: 'after' }]);
  });

  it('keeps nothing of a statement that failed to prepare', async () => {
    const read = () => sql`SELECT shade FROM things WHERE id = ${'a'}`.execute(store.db);
    await expect(read()).rejects.toMatchObject({ code: '42703' });
    await sql`ALTER TABLE things ADD COLUMN shade text`.execute(store.db);
    expect((await read()).rows).toEqual([{ shade: null }]);
  });
});
