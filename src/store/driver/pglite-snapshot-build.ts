import { migrateToLatest, migrateUpTo } from '../migrate';
import { openPglite } from './pglite';

/**
 * Makes a snapshot: a database in memory from initdb, migrated (up to `upTo` when given, for
 * tests of a snapshot older than the code), dumped. scripts/build-snapshot.ts writes it.
 */
export async function buildSnapshot(upTo?: string): Promise<{ tarball: Uint8Array; migrations: string[] }> {
  const store = await openPglite({ databaseUrl: null, dataDir: 'memory://', snapshot: null });
  try {
    const migrations = upTo ? await migrateUpTo(store.db, upTo) : await migrateToLatest(store.db);
    return { tarball: await store.dumpDataDir(), migrations };
  } finally {
    await store.close();
  }
}
