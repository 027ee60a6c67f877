import { loadConfig, lockedDataDir, type Config } from '../config';
import type { Actor, Services } from '../domain/context';
import { acquireLock, type LockHolder } from './lock';
import { Refusal } from './refusal';

/** Generated default keys are kept here (mode 0600) so the banner can show them on every start. */
export const DEFAULT_KEYS_FILE = 'default-merchant-keys.json';

/**
 * What a refused CLI command tells its user to do about the process holding the directory;
 * `orThroughServer`: how the command could go through the running server instead.
 */
function advice(holder: LockHolder, orThroughServer?: string): string {
  if (holder.command !== 'kessai serve') return 'wait for it to finish';
  return `stop it and run this command again, ${orThroughServer ? `${orThroughServer}, ` : ''}or use PostgreSQL (DATABASE_URL), which processes can share`;
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
  orThroughServer?: string,
): Promise<T> {
  const dataDir = lockedDataDir(config);
  const lock = dataDir === null ? null : acquireLock(dataDir, `kessai ${command}`, (holder) => advice(holder, orThroughServer));
  try {
    // Loaded here, not at start-up: `kessai --version`, `health` and a refusal need none of it.
    const { openServices } = await import('../services');
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

/** The merchant a command acts as: `id`, or the default (first) merchant when none is named. */
export async function actingMerchant(services: Services, id: string | undefined): Promise<Actor> {
  const { merchantActor } = await import('../domain/merchants');
  try {
    return await merchantActor(services.db, services.clock, id);
  } catch (error) {
    // merchantActor's only own error is the missing merchant ("No merchant …"); a database error passes.
    if (error instanceof Error && error.message.startsWith('No merchant')) throw new Refusal(error.message);
    throw error;
  }
}
