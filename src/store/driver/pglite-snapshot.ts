import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { otherProcessAlive } from '../../lib/process-alive';
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

/** A snapshot found beside the package: its gzipped tarball's path and what it holds. */
export interface Snapshot extends SnapshotMeta {
  file: string;
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
  return { ...meta, file };
}

/**
 * The snapshot's data directory as the tarball PGlite loads into memory (`loadDataDir`).
 * Unzipped here: node's zlib takes 0.3–0.5 s less than PGlite's own gunzip of the same file
 * (memory start 1.4 s → 0.95–1.2 s on the 2-core dev machine).
 */
export function snapshotTarball(snapshot: Snapshot): Blob {
  return new Blob([gunzipSync(readFileSync(snapshot.file))]);
}

/**
 * Writes the snapshot's data directory to `location` on disk (which must not exist yet), which
 * PGlite then opens as it opens it on any restart. Handing PGlite the tarball instead made it
 * unpack the 40 MB in memory first: a new directory started 0.4–0.6 s slower than a restart and
 * held 120 MB more. Unpacked beside `location` and renamed into place only when every file was
 * written, so a first start killed halfway (or out of disk) leaves no half directory that later
 * starts would take for a database, only a `.new-PID` folder, removed by the next first start.
 * (Nothing is fsynced: a power cut right after the rename may still leave a torn copy.)
 */
export async function extractSnapshot(snapshot: Snapshot, location: string): Promise<void> {
  removeAbandonedCopies(location);
  const unpacking = `${location}.new-${process.pid}`;
  mkdirSync(unpacking, { mode: 0o700 });
  const problems = await untarInChild(snapshot.file, unpacking);
  if (problems.length > 0) {
    rmSync(unpacking, { recursive: true, force: true });
    throw new Error(`could not unpack the database snapshot ${snapshot.file}: ${problems.join('; ')}`);
  }
  renameSync(unpacking, location);
}

/**
 * node-tar (found from this module) unpacks `file` into `cwd` in a child process, which answers
 * with its problems as JSON.
 * In this process the 40 MB it inflates would stay with the allocator: a first start held 173 MB
 * when it answered /health, and 152 MB with the unpacking done in a child (a restart: 148 MB).
 * node-tar only warns about a file it could not write (disk full, an I/O error) and goes on;
 * TAR_ENTRY_INFO is its note that it made the dump's root-based names (`/base/1/…`) relative.
 * Synchronously there (0.2 s for the 1,100 files, where node-tar's streams took 0.7 s), while
 * this process compiles PGlite's WebAssembly.
 */
function untarInChild(file: string, cwd: string): Promise<string[]> {
  const script = `
    const [from, file, cwd] = process.argv.slice(1);
    const problems = [];
    try {
      (await import('node:module')).createRequire(from)('tar').x({ file, cwd, sync: true, onwarn: (code, message) => void (code !== 'TAR_ENTRY_INFO' && problems.push(code + ': ' + message)) });
    } catch (error) {
      problems.push(String(error));
    }
    process.stdout.write(JSON.stringify(problems));`;
  const args = ['--input-type=module', '-e', script, import.meta.url, file, cwd];
  const options = { encoding: 'utf8' as const, timeout: 120_000, env: { ...process.env, NODE_OPTIONS: '' } };
  return new Promise((resolve) => {
    execFile(process.execPath, args, options, (error, stdout, stderr) => {
      try {
        if (!error) return resolve(JSON.parse(stdout) as string[]);
      } catch {
        // Not JSON: reported below with what the child said.
      }
      resolve([`the unpacking process failed (${error?.signal ?? error?.code ?? 'no answer'}): ${stderr.trim().slice(-500)}`]);
    });
  });
}

/** The `.new-PID` folders beside `location` of first starts that died before renaming theirs. */
function removeAbandonedCopies(location: string): void {
  const prefix = `${basename(location)}.new-`;
  for (const name of readdirSync(dirname(location))) {
    if (!name.startsWith(prefix) || otherProcessAlive(Number(name.slice(prefix.length)))) continue;
    rmSync(join(dirname(location), name), { recursive: true, force: true });
  }
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
