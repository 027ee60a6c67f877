import { sql } from 'kysely';
import { openPglite } from './driver/pglite';
import { openPostgres } from './driver/postgres';
import type { Db, Store, StoreOptions } from './types';

export type { Db, Store, StoreOptions } from './types';
export { DatabaseUnavailable, isConnectionError } from './driver/connection-errors';

/** The database kessai runs on: PostgreSQL at `databaseUrl`, or the embedded PGlite without one. */
export async function openStore(options: StoreOptions): Promise<Store> {
  return options.databaseUrl ? openPostgres(options.databaseUrl, options) : openPglite(options);
}

export async function ping(db: Db): Promise<void> {
  await sql`SELECT 1`.execute(db);
}
