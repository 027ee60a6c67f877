import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { MIGRATION_NAMES } from '../migrate';

/**
 * A migrated, empty embedded database, made when the package is built (scripts/build-snapshot.ts)
 * and loaded by a start on a new data directory or in memory instead of running initdb and every
 * migration. Measured on the 2-core dev machine: initdb alone took 6.5–8 s of a fresh start
 * under load (about 3 s idle) and the twelve migrations 0.5 s; loading the snapshot takes a few
 * hundred milliseconds. Migrations newer than the snapshot still run after it loads.
 *
 * Two files side by side: the data directory as a gzipped tarball (PGlite's dumpDataDir), and
 * what it holds as JSON — the PGlite version that wrote it (another version may not read its
 * files) and the migrations applied. A snapshot that another PGlite wrote, or whose migrations
 * are not the first of ours (a build of other sources), is ignored: the start migrates as without.
 */
export interface SnapshotMeta {
  pglite: string;
  migrations: string[];
}

export interface Snapshot extends SnapshotMeta {
  tarball: Blob;
}

/** Where the package build writes the snapshot: `dist/pgdata.tar.gz` under the package's root. */
export function defaultSnapshotFile(): string {
  return join(packageRoot(), 'dist', 'pgdata.tar.gz');
}

/** The snapshot at `file` if it exists and suits this PGlite and these migrations; else null. */
export function readSnapshot(file: string): Snapshot | null {
  const metaFile = `${file}.json`;
  if (!existsSync(file) || !existsSync(metaFile)) return null;
  const meta = JSON.parse(readFileSync(metaFile, 'utf8')) as SnapshotMeta;
  if (meta.pglite !== pgliteVersion()) return null;
  if (meta.migrations.some((name, i) => MIGRATION_NAMES[i] !== name)) return null;
  // Unzipped here: node's zlib takes 0.3–0.5 s less than PGlite's own gunzip of the same file
  // (memory start 1.4 s → 0.95–1.2 s on the 2-core dev machine).
  return { ...meta, tarball: new Blob([gunzipSync(readFileSync(file))]) };
}

/** Writes a snapshot (`file` and `file.json`), creating its folder. */
export function writeSnapshot(file: string, tarball: Uint8Array, migrations: string[]): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, tarball);
  writeFileSync(`${file}.json`, `${JSON.stringify({ pglite: pgliteVersion(), migrations } satisfies SnapshotMeta, null, 2)}\n`);
}

/** The installed PGlite's version (its package.json is not exported, but sits beside its entry). */
export function pgliteVersion(): string {
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  let dir = dirname(entry);
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
}

/** The nearest folder above this module with a package.json: the repository, or the installed package. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}
