import { lstatSync, mkdtempSync, readdirSync, rmSync, statfsSync } from 'node:fs';
import { join } from 'node:path';
import { otherProcessAlive } from '../../lib/process-alive';

/**
 * Where a database in memory (`memory://`, `kessai serve --memory`) keeps its files: a new folder
 * on a RAM filesystem (Linux's /dev/shm, a tmpfs), which PGlite opens as it opens a data directory
 * on disk. Nothing reaches a disk, and the folder is removed when the store closes or the process
 * exits; one left by a killed process is removed by the next database opened in memory.
 *
 * In PGlite's own in-memory files the 40 MB of a new database were copied into the process several
 * times over: a server answering /health held 327 MB. On tmpfs the process held 152 MB and the
 * files 40 MB of the machine's memory beside it (2-core machine, `npm run bench:startup`).
 *
 * Where there is no such filesystem (macOS, Windows), or it has less than RAM_DIR_MIN_FREE free
 * (Docker gives /dev/shm 64 MB), this is null and the database lives in PGlite's memory as before.
 */
export interface RamDir {
  /** The data directory PGlite opens: inside the new folder, and not created yet. */
  location: string;
  /** Removes the folder and all in it. */
  remove(): void;
}

export const DEFAULT_RAM_FILESYSTEM = '/dev/shm';
export const RAM_DIR_MIN_FREE = 256 * 1024 * 1024;
const TMPFS_MAGIC = 0x01021994;
const PREFIX = 'kessai-';

/** A new folder on `filesystem` (a tmpfs with room), or null for PGlite's in-memory files. */
export function newRamDir(filesystem: string | null = DEFAULT_RAM_FILESYSTEM): RamDir | null {
  if (filesystem === null || !roomyTmpfs(filesystem)) return null;
  removeFoldersOfDeadProcesses(filesystem);
  const folder = mkdtempSync(join(filesystem, `${PREFIX}${process.pid}-`));
  const removeNow = () => rmSync(folder, { recursive: true, force: true });
  process.once('exit', removeNow);
  return {
    location: join(folder, 'pgdata'),
    remove: () => {
      process.off('exit', removeNow);
      removeNow();
    },
  };
}

function roomyTmpfs(filesystem: string): boolean {
  try {
    const stats = statfsSync(filesystem);
    return stats.type === TMPFS_MAGIC && stats.bavail * stats.bsize >= RAM_DIR_MIN_FREE;
  } catch {
    return false;
  }
}

/**
 * This user's `kessai-PID-…` folders whose process is gone (killed, or ended without its exit
 * handlers). /dev/shm is everyone's: another user's entry, or a link, is left alone.
 */
function removeFoldersOfDeadProcesses(filesystem: string): void {
  for (const name of readdirSync(filesystem)) {
    const pid = Number(/^kessai-(\d+)-/.exec(name)?.[1] ?? NaN);
    if (Number.isNaN(pid) || pid === process.pid || otherProcessAlive(pid)) continue;
    const folder = join(filesystem, name);
    try {
      const stats = lstatSync(folder);
      if (!stats.isDirectory() || stats.uid !== process.getuid?.()) continue;
      rmSync(folder, { recursive: true, force: true });
    } catch {
      // Removed meanwhile by another process opening a database in memory.
    }
  }
}
