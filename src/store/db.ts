import { sql } from 'kysely';
import { openPglite } from './driver/pglite';
import type { Db, Store, StoreOptions } from './types';

export type { Db, Store, StoreOptions } from './types';
export { DatabaseUnavailable, isConnectionError } from './driver/connection-errors';

/** The database kessai runs on: PostgreSQL at `databaseUrl`, or the embedded PGlite without one. */
export async function openStore(options: StoreOptions): Promise<Store> {
  if (!options.databaseUrl) return openPglite(options);
  // Loaded only for PostgreSQL: pg and its driver cost an embedded start about 0.1–0.2 s.
  const { openPostgres } = await import('./driver/postgres');
  return openPostgres(options.databaseUrl, options);
}

export async function ping(db: Db): Promise<void> {
  await sql`SELECT 1`.execute(db);
}
