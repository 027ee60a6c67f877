import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Kysely } from 'kysely';
import type { Database } from '../schema';
import type { Store, StoreOptions } from '../types';
import { INT8_OID, NUMERIC_OID, toNumber } from './numbers';
import { statementName } from './pg-statements';
import { pgliteMaintenance } from './pglite-maintenance';

export async function openPglite(options: StoreOptions): Promise<Store> {
  const [{ PGlite }, { PGliteDialect }, { withPreparedStatements }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('kysely-pglite-dialect'),
    import('./pglite-prepared'),
  ]);
  const dataDir = options.dataDir ?? './.kessai';
  let location = dataDir;
  if (!dataDir.startsWith('memory://')) {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    location = join(dataDir, 'pgdata');
  }
  const client = new PGlite(location, { parsers: { [INT8_OID]: toNumber, [NUMERIC_OID]: toNumber } });
  await client.waitReady;
  // The dialect calls only query() and close() on its client. Which statements run prepared is
  // decided as on PostgreSQL (statementName); PGlite names them per database itself.
  const prepared = withPreparedStatements(client, (text) => statementName(text) !== null) as unknown as InstanceType<typeof PGlite>;
  const db = new Kysely<Database>({ dialect: new PGliteDialect(prepared) });
  // An embedded database never loses its connection: no onResume.
  const listen = async (channel: string, onNotify: (payload: string) => void) => client.listen(channel, onNotify);
  const stopMaintenance = pgliteMaintenance(db, options.maintenanceMs);
  return {
    db,
    kind: 'pglite',
    listen,
    withSetUpLock: (setUp) => setUp(),
    close: () => {
      stopMaintenance();
      return db.destroy();
    },
  };
}
