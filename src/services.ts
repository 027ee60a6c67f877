import type { Config } from './config';
import type { Services } from './domain/context';
import { systemClock } from './lib/clock';
import { createLogger } from './lib/log';
import { testProcessor } from './processors/test-processor';
import { testCardAuthenticator } from './processors/three-d-secure';
import { openStore, type Store } from './store/db';
import { migrateToLatest } from './store/migrate';
import { openVault } from './vault/vault';

/**
 * Opens the database and wires the services the app and the CLI share. What is done once per
 * database (migrating it, and `setUp`: serve's default merchant and webhook endpoint) runs under
 * the store's set-up lock, so processes starting together do it one after the other.
 */
export async function openServices<T = void>(
  config: Config,
  setUp?: (services: Services) => Promise<T>,
): Promise<{ services: Services; store: Store; migrations: string[]; setUp: T }> {
  const store = await openStore({
    databaseUrl: config.databaseUrl,
    schema: config.databaseSchema,
    pooler: config.databasePooler,
    listenUrl: config.listenDatabaseUrl,
    dataDir: config.dataDir,
    poolSize: config.poolSize,
    timeouts: config.databaseTimeouts,
    log: createLogger(config.logLevel),
    // A first start on a new data directory is the slow one: say what it is doing meanwhile.
    progress: (line) => process.stderr.write(`kessai: ${line}\n`),
  });
  return store.withSetUpLock(async () => {
    // A new embedded database that started from the snapshot got its migrations there.
    const migrations = [...(store.snapshotMigrations ?? []), ...(await migrateToLatest(store.db))];
    const services: Services = {
      db: store.db,
      dbKind: store.kind,
      vault: openVault({ dataDir: config.dataDir, encryptionKey: config.encryptionKey }),
      processor: testProcessor(),
      authenticator: testCardAuthenticator(),
      clock: systemClock(),
      publicUrl: config.publicUrl,
      webhooks: config.webhooks,
      rates: config.rates,
      sendsMail: config.smtpUrl !== null,
      poolStats: store.poolStats,
    };
    return { services, store, migrations, setUp: (await setUp?.(services)) as T };
  });
}
