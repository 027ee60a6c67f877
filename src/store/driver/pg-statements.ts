import { createHash } from 'node:crypto';
import pg from 'pg';

const MAX_PREPARED = 2000;
/** `select *`, `returning *`, `, *` and `"p".*` as Kysely writes them; not `count(*)` or `a * b`. */
const SELECTS_ALL = /(?:\bselect|\breturning|,)\s*\*|"\.\*/i;
/** Each statement text's name, or null for one that stays unnamed. */
const statementNames = new Map<string, string | null>();

/**
 * Runs every parameterised statement as a named prepared statement on this connection, so
 * PostgreSQL parses and plans each distinct statement once per connection instead of on every
 * execution (Kysely sends unnamed ones): the payment create's statement went from 1.5 to 0.7 ms
 * of database time (bench/profile-create.ts). Some stay unnamed:
 * - statements without parameters (DDL, BEGIN/COMMIT);
 * - statements selecting `*`: once a migration adds a column, a prepared `SELECT *` or `RETURNING *`
 *   fails with "cached plan must not change result type" in every running process;
 * - past MAX_PREPARED distinct texts, new ones (the cache is per connection and never shrinks).
 */
export function prepareStatements(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as { query: unknown }).query = (text: unknown, values?: unknown, callback?: unknown) => {
    const name = typeof text === 'string' && Array.isArray(values) && values.length > 0 && callback === undefined ? statementName(text) : null;
    return name ? namedQuery(client, name, text as string, values as unknown[]) : query(text, values, callback);
  };
}

/**
 * Runs a named statement through pg's own Query, made from the text and given its name after:
 * made from a config object (`{ name, text, values }`), pg first copies the object with
 * getOwnPropertyDescriptors and defineProperties, which cost 3–10 µs per query here against well
 * under 1 µs for a plain copy, on every execution of every statement (3 % of a GET's CPU
 * profile). The constructor only reads `name` from the config into the same field.
 */
function namedQuery(client: pg.PoolClient, name: string, text: string, values: unknown[]): Promise<pg.QueryResult> {
  return new Promise((resolve, reject) => {
    const query = new pg.Query(text, values, (err, result) => (err ? reject(err) : resolve(result as unknown as pg.QueryResult)));
    (query as { name?: string }).name = name;
    client.query(query);
  });
}

/**
 * The name a statement text is prepared under, or null when it stays unnamed (see
 * prepareStatements); PGlite prepares the same texts (see pglite.ts).
 */
export function statementName(text: string): string | null {
  let name = statementNames.get(text);
  if (name === undefined) {
    if (statementNames.size >= MAX_PREPARED) return null;
    name = SELECTS_ALL.test(text) ? null : `k${createHash('sha1').update(text).digest('base64url')}`;
    statementNames.set(text, name);
  }
  return name;
}
