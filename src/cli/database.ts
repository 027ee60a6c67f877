import { loadConfig, inMemory, type Config } from '../config';
import type { Services } from '../domain/context';
import { openServices } from '../services';
import { acquireLock, type LockHolder } from './lock';

/** What a refused CLI command tells its user to do about the process holding the directory. */
function advice(holder: LockHolder): string {
  if (holder.command === 'kessai serve') return 'stop it, then run this command again (PostgreSQL, DATABASE_URL, is shared by many processes)';
  return 'wait for it to finish';
}

/**
 * Runs a CLI command's work on the database. An embedded data directory is locked for the
 * duration (src/cli/lock.ts): while `kessai serve` or another command holds it, the command
 * refuses with one line naming the holder instead of opening a second engine on it.
 */
export async function withDatabase<T>(
  command: string,
  work: (services: Services, migrations: string[]) => Promise<T>,
  config: Config = loadConfig(),
): Promise<T> {
  const lock = config.databaseUrl === null && !inMemory(config) ? acquireLock(config.dataDir, `kessai ${command}`, advice) : null;
  try {
    const { services, store, migrations } = await openServices(config);
    try {
      return await work(services, migrations);
    } finally {
      await store.close();
    }
  } finally {
    lock?.release();
  }
}
