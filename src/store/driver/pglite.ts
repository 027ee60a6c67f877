import { existsSync, mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { Kysely } from 'kysely';
import type { Database } from '../schema';
import type { PgliteCompiler, Store, StoreOptions } from '../types';
import { INT8_OID, NUMERIC_OID, toNumber } from './numbers';
import { statementName } from './statement-names';
import { pgliteMaintenance } from './pglite-maintenance';
import { newRamDir } from './pglite-ram-dir';
import { defaultSnapshotFile, extractSnapshot, readSnapshot, snapshotTarball } from './pglite-snapshot';

/** The embedded store, which can also dump its data directory (scripts/build-snapshot.ts). */
export interface PgliteStore extends Store {
  /** The data directory as a gzipped tarball, checkpointed first so it needs no WAL replay. */
  dumpDataDir(): Promise<Uint8Array>;
}

/**
 * PGlite's WebAssembly, compiled here rather than by PGlite so that a first start can unpack its
 * snapshot meanwhile (compiling takes 0.1 s, unpacking 0.5–0.7 s on the 2-core machine), and
 * once per process and compiler for every database it opens.
 */
const compiled = new Map<PgliteCompiler, Promise<WebAssembly.Module | undefined>>();
function compiledPglite(compiler: PgliteCompiler): Promise<WebAssembly.Module | undefined> {
  // V8 reads its WebAssembly flags when it compiles a module, and the flag is the process's: Node's
  // own WebAssembly (fetch's HTTP parser) compiled later gets it too.
  setFlagsFromString(compiler === 'baseline' ? '--liftoff-only' : '--no-liftoff-only');
  let module = compiled.get(compiler);
  if (module) return module;
  const file = join(dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite')), 'pglite.wasm');
  // Another PGlite may keep it elsewhere: then it compiles it itself.
  module = existsSync(file) ? readFile(file).then((bytes) => WebAssembly.compile(bytes)) : Promise.resolve(undefined);
  compiled.set(compiler, module);
  module.catch(() => compiled.delete(compiler));
  return module;
}

/**
 * Opens PGlite in `options.dataDir` (or in memory for `memory://`). A new database starts from
 * the package's snapshot when there is one (see pglite-snapshot.ts), else PGlite runs initdb.
 */
export async function openPglite(options: StoreOptions): Promise<PgliteStore> {
  const dataDir = options.dataDir ?? './.kessai';
  const inMemory = dataDir.startsWith('memory://');
  if (!inMemory) return openPgliteAt(join(dataDir, 'pgdata'), options);
  // In memory: a folder on a RAM filesystem when there is one, else PGlite's own in-memory files.
  const ramDir = newRamDir(options.ramFilesystem);
  if (ramDir === null) return openPgliteAt(dataDir, options);
  try {
    const store = await openPgliteAt(ramDir.location, options);
    const close = async () => {
      try {
        await store.close();
      } finally {
        ramDir.remove();
      }
    };
    return { ...store, close };
  } catch (error) {
    ramDir.remove();
    throw error;
  }
}

/** Opens PGlite at `location`: a data directory's path, or memory:// for PGlite's own memory. */
async function openPgliteAt(location: string, options: StoreOptions): Promise<PgliteStore> {
  const [{ PGlite }, { PGliteDialect }, { withPreparedStatements }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('kysely-pglite-dialect'),
    import('./pglite-prepared'),
  ]);
  const dataDir = options.dataDir ?? './.kessai';
  const inMemory = dataDir.startsWith('memory://');
  const inPgliteMemory = location.startsWith('memory://');
  const isNew = inMemory || !existsSync(join(location, 'PG_VERSION'));
  if (!inMemory) mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (isNew && !inMemory) options.progress?.(`preparing the database in ${dataDir} (first start)…`);
  const snapshot = isNew && options.snapshot !== null ? readSnapshot(options.snapshot ?? defaultSnapshotFile()) : null;
  // A folder's snapshot is unpacked to where PGlite looks. If that folder exists already (empty: a
  // volume mounted there, say), PGlite loads the tarball into it instead, as in its own memory.
  const unpack = snapshot !== null && !inPgliteMemory && !existsSync(location);
  // A first start unpacks its snapshot in a child process while this one compiles PGlite.
  const [pgliteWasmModule] = await Promise.all([compiledPglite(options.compiler ?? 'baseline'), unpack ? extractSnapshot(snapshot, location) : null]);
  const client = new PGlite(location, {
    pgliteWasmModule,
    parsers: { [INT8_OID]: toNumber, [NUMERIC_OID]: toNumber },
    // PGlite's shared memory is touched at start: a process answering /health held 299 MB with
    // its default 128 MB of shared buffers, 187 MB with 32 MB and 161 MB with 8 MB (baseline
    // compiler), for creates/s within the runs' noise (4 MB: 4 MB less, and 5 % fewer creates/s).
    // Pages beyond them are read from the OS's cache of the data directory. One backend uses
    // PGlite: room for 10 instead of 100 takes 2 MB less.
    startParams: [...PGlite.defaultStartParams, '-c', 'shared_buffers=8MB', '-c', 'max_connections=10'],
    ...(snapshot && !unpack ? { loadDataDir: snapshotTarball(snapshot) } : {}),
  });
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
    snapshotMigrations: snapshot?.migrations ?? [],
    dumpDataDir: async () => {
      await client.exec('CHECKPOINT');
      return new Uint8Array(await (await client.dumpDataDir('gzip')).arrayBuffer());
    },
    close: () => {
      stopMaintenance();
      return db.destroy();
    },
  };
}
