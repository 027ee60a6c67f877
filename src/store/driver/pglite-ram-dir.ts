import { lstatSync, mkdtempSync, readdirSync, readlinkSync, rmSync, statfsSync } from 'node:fs';
import { join } from 'node:path';
import { otherProcessAlive } from '../../lib/process-alive';

/**
 * Where a database in memory (`memory://`, `kessai serve --memory`) keeps its files: a new folder
 * on a RAM filesystem (Linux's /dev/shm, a tmpfs), which PGlite opens as it opens a data directory
 * on disk. Nothing reaches a disk, and the folder is removed when the store closes or the process
 * exits; one left by a killed process is removed by the next database this user opens in memory
 * (till then its files hold the machine's memory).
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

/**
 * Folders are named `kessai-NS-PID-…`, NS being this process's pid namespace: containers that
 * share one /dev/shm (`docker --ipc=host`, a Kubernetes pod) each count pids of their own, so a
 * folder is judged by its pid only in the namespace that made it.
 */
export const RAM_FOLDER_PREFIX = `kessai-${pidNamespace()}-`;

/** A new folder on `filesystem` (a tmpfs with room), or null for PGlite's in-memory files. */
export function newRamDir(filesystem: string | null = DEFAULT_RAM_FILESYSTEM): RamDir | null {
  if (filesystem === null || !roomyTmpfs(filesystem)) return null;
  let folder: string;
  try {
    removeFoldersOfDeadProcesses(filesystem);
    folder = mkdtempSync(join(filesystem, `${RAM_FOLDER_PREFIX}${process.pid}-`));
  } catch {
    // Not ours to write (a sandbox), or full since statfs: PGlite's memory will do.
    return null;
  }
  const removeNow = () => {
    try {
      rmSync(folder, { recursive: true, force: true });
    } catch {
      // At exit nothing can be done about it; the next database in memory removes it.
    }
  };
  process.once('exit', removeNow);
  return {
    location: join(folder, 'pgdata'),
    remove: () => {
      process.off('exit', removeNow);
      removeNow();
    },
  };
}

/** Whether `filesystem` is a tmpfs with RAM_DIR_MIN_FREE free. */
export function roomyTmpfs(filesystem: string): boolean {
  try {
    const stats = statfsSync(filesystem);
    return stats.type === TMPFS_MAGIC && stats.bavail * stats.bsize >= RAM_DIR_MIN_FREE;
  } catch {
    return false;
  }
}

/** The inode of /proc/self/ns/pid (`pid:[4026531836]`), or 0 where there is none. */
function pidNamespace(): string {
  try {
    return /\[(\d+)\]/.exec(readlinkSync('/proc/self/ns/pid'))?.[1] ?? '0';
  } catch {
    return '0';
  }
}

/**
 * This user's folders of this pid namespace whose process is gone (killed, or ended without its
 * exit handlers). /dev/shm is everyone's: another user's entry, or a link, is left alone.
 */
function removeFoldersOfDeadProcesses(filesystem: string): void {
  for (const name of readdirSync(filesystem)) {
    if (!name.startsWith(RAM_FOLDER_PREFIX)) continue;
    const pid = Number(/^(\d+)-/.exec(name.slice(RAM_FOLDER_PREFIX.length))?.[1] ?? NaN);
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
