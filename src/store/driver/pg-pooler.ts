import pg from 'pg';
import type { LogSink } from '../../lib/log';

/**
 * What changes when DATABASE_URL is a transaction-pooling PgBouncer (KESSAI_DATABASE_POOLER=
 * transaction): each transaction, and each statement outside one, may run on another server
 * connection, shared with other clients. So nothing may outlive a transaction:
 * - statements stay unnamed (postgres.ts skips prepareStatements): a statement prepared by name
 *   exists on one server connection only, and another client's may already hold the name.
 *   PgBouncer 1.21 can track them (max_prepared_statements); Debian's 1.18 cannot;
 * - no search_path at connection start (PgBouncer refuses the `options` start-up parameter): the
 *   schema must be the server connections' own (the role's search_path, or the pooler's
 *   connect_query), which checkPooledSchema verifies at start;
 * - the set-up lock is transaction-scoped (withTransactionLock);
 * - LISTEN goes straight to PostgreSQL (KESSAI_LISTEN_DATABASE_URL), or the worker only polls
 *   (pollOnly).
 */

/**
 * Refuses to start when the pooler's server connections do not resolve tables in `schema`: kessai
 * would otherwise read and write another schema's tables (or none) without a word.
 */
export async function checkPooledSchema(pool: pg.Pool, schema: string): Promise<void> {
  const { rows } = await pool.query<{ schema: string | null }>('SELECT current_schema() AS schema');
  const current = rows[0]?.schema ?? null;
  if (current === schema) return;
  throw new Error(
    `KESSAI_DATABASE_POOLER=transaction: connections through the pooler use schema ${current ?? '(none)'}, not ${schema}. ` +
      `A transaction pooler cannot pass a search_path per connection: set it on the role ` +
      `(ALTER ROLE … SET search_path = ${schema}) or in PgBouncer's connect_query for the database`,
  );
}

/**
 * Runs `run` holding a transaction-scoped advisory lock on a connection of its own: the client
 * stays in its transaction (so the pooler keeps one server connection for it) until `run` ends,
 * then commits, which frees the lock. A session lock taken through the pooler would stay on a
 * server connection after this client went, blocking every later start.
 */
export async function withTransactionLock<T>(lock: pg.Client, key: string, run: () => Promise<T>): Promise<T> {
  await lock.connect();
  try {
    await lock.query('BEGIN');
    await lock.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [key]);
    return await run();
  } finally {
    await lock.query('COMMIT').catch(() => {});
    await lock.end();
  }
}

/**
 * The store's `listen` behind a transaction pooler without a direct URL: a LISTEN there would
 * register on whichever server connection ran it, and notifications would reach no one. The
 * webhook worker's poll finds deliveries instead (within its interval).
 */
export function pollOnly(log: LogSink) {
  return async (channel: string): Promise<() => Promise<void>> => {
    log.info({ channel }, 'no LISTEN through a transaction pooler (KESSAI_LISTEN_DATABASE_URL is not set): polling only');
    return async () => {};
  };
}
