import pg from 'pg';
import { statementName } from './statement-names';

/**
 * Runs every parameterised statement as a named prepared statement on this connection, so
 * PostgreSQL parses and plans each distinct statement once per connection instead of on every
 * execution (Kysely sends unnamed ones): the payment create's statement went from 1.5 to 0.7 ms
 * of database time (bench/profile-create.ts). Some stay unnamed:
 * - statements without parameters (DDL, BEGIN/COMMIT);
 * - statements selecting `*`: once a migration adds a column, a prepared `SELECT *` or `RETURNING *`
 *   fails with "cached plan must not change result type" in every running process;
 * - past MAX_PREPARED (statement-names.ts) distinct texts, new ones (the cache is per connection and never shrinks).
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
