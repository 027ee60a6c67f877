import { parse, PGlite, protocol } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bindExecuteSync, resultOf, type WireValue } from '../../../src/store/driver/pglite-wire';

const { serialize } = protocol;

/** What PGlite's own serializer sends for the same execution. */
function pgliteBatch(statement: string, values: WireValue[]): Uint8Array {
  const parts = [serialize.bind({ statement, values }), serialize.describe({ type: 'P' }), serialize.execute({}), serialize.sync()];
  return Buffer.concat(parts);
}

describe('PGlite wire messages', () => {
  let pg: PGlite;

  beforeAll(async () => {
    pg = new PGlite({ parsers: { 20: (value: string) => Number(value) } });
    await pg.waitReady;
    await pg.exec(`CREATE TABLE typed (id text PRIMARY KEY, amount bigint, rate numeric, details json, at timestamptz, ok boolean, tags text[], raw bytea)`);
  });

  afterAll(() => pg.close());

  it('writes Bind, Describe, Execute and Sync byte for byte as PGlite does', () => {
    const bytes = new Uint8Array([0, 1, 2, 250, 255]);
    const cases: [string, WireValue[]][] = [
      ['', []],
      ['k0', ['a']],
      ['k12', [null, '', 'plain', null]],
      ['k3', ['é', 'ほげ', '𝄞 and 😀', '\u0000 inside']],
      ['k4', ['x'.repeat(100_000), JSON.stringify({ nested: { list: [1, 'two', null] } })]],
      ['k5', [bytes, bytes.subarray(1, 4), 'text after bytes', null]],
      ['名前', ['a statement name that is not ASCII']],
    ];
    for (const [statement, values] of cases) {
      expect(Buffer.from(bindExecuteSync(statement, values)).equals(Buffer.from(pgliteBatch(statement, values))), statement).toBe(true);
    }
  });

  it('reads every result as parse.parseResults does', async () => {
    const statements = [
      `INSERT INTO typed VALUES ('a', 12345678901, 0.0065, '{"a":[1,"b"]}', '2026-11-22T01:02:03.456Z', true, '{x,"y z"}', '\\x00ff'),
                                ('b', NULL, NULL, NULL, NULL, NULL, NULL, NULL), ('c', -1, 1e20, '[]', now(), false, '{}', '')`,
      `SELECT * FROM typed ORDER BY id`,
      `SELECT id, id AS id FROM typed WHERE id = 'a'`,
      `SELECT * FROM typed WHERE id = 'nobody'`,
      `UPDATE typed SET ok = true WHERE id <> 'a'`,
      `DELETE FROM typed WHERE id = 'c'`,
      `CREATE INDEX typed_amount ON typed (amount)`,
    ];
    for (const text of statements) {
      const { messages } = await pg.execProtocol(serialize.query(text));
      expect(resultOf(messages, pg.parsers), text).toEqual(parse.parseResults(messages, pg.parsers)[0]);
    }
  });

  it('runs a prepared statement with its parameters as query() does', async () => {
    const text = 'SELECT $1::text AS word, $2::bigint AS amount, $3::json AS details, $4::bytea AS raw, $5::text AS nothing';
    await pg.execProtocol(Buffer.concat([serialize.parse({ name: 'w1', text }), serialize.sync()]));
    const values: WireValue[] = ['ほげ', '42', '{"k":"v"}', new Uint8Array([1, 2, 3]), null];
    const { messages } = await pg.execProtocol(bindExecuteSync('w1', values));
    const expected = await pg.query(text, ['ほげ', 42, { k: 'v' }, new Uint8Array([1, 2, 3]), null]);
    expect(resultOf(messages, pg.parsers)).toEqual({ rows: expected.rows, fields: expected.fields, affectedRows: expected.affectedRows });
    expect(expected.rows[0]).toMatchObject({ word: 'ほげ', amount: 42, details: { k: 'v' }, nothing: null });
  });
});
