import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { otherProcessAlive } from '../lib/process-alive';
import { Refusal } from './refusal';

/**
 * One process at a time opens an embedded (PGlite) data directory: two engines on one directory
 * lose writes silently or abort (issue 15). Whoever opens it — `kessai serve` or a CLI command —
 * first holds this file in it, which says who (pid, and the server's port and URL).
 *
 * A pid file created exclusively plus a liveness check, rather than proper-lockfile's mkdir lock
 * kept fresh by a timer: PGlite runs on the main thread, and a first start on a busy 2-core
 * machine blocks it for 17–20 s, long enough for a timer-refreshed lock to be judged stale and
 * taken from a live server; a pid check cannot be fooled by a busy holder, sees a SIGKILLed one at
 * once, and the file carries what the refusal message shows. Its limit: a dead holder's pid reused
 * by an unrelated live process keeps the lock until that process ends (the message names the
 * pid, so the file can be removed by hand). PostgreSQL needs no lock: processes share it.
 */
export const LOCK_FILE = 'kessai.lock';

export interface LockHolder {
  pid: number;
  /** What holds it, as typed: `kessai serve`, `kessai merchants create`. */
  command: string;
  /** The server's URL once it listens (null for CLI commands and while it starts). */
  url: string | null;
  port: number | null;
  /** Tells this holding apart from an earlier one with the same pid (a restarted container). */
  nonce: string;
}

/** The data directory is held by another live process; the message is one line for a terminal. */
export class DataDirBusyError extends Refusal {
  constructor(
    readonly holder: LockHolder,
    dataDir: string,
    advice: (holder: LockHolder) => string,
  ) {
    const where = [`pid ${holder.pid}`, ...(holder.url ? [holder.url] : [])].join(', ');
    super(`${holder.command} (${where}) is using ${dataDir} — ${advice(holder)}`);
  }
}

export interface DataDirLock {
  /** Records the server's address once it listens. */
  update(change: { url: string; port: number }): void;
  release(): void;
}

function readText(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

function parse(text: string): LockHolder | null {
  try {
    const holder = JSON.parse(text) as LockHolder;
    return typeof holder.pid === 'number' ? holder : null;
  } catch {
    return null;
  }
}

/** The live process holding `dataDir`, if any (a stale lock counts as none). */
export function lockHolder(dataDir: string): LockHolder | null {
  const text = readText(join(dataDir, LOCK_FILE));
  const holder = text === null ? null : parse(text);
  return holder && otherProcessAlive(holder.pid) ? holder : null;
}

/** Writes beside, then links or renames into place: a reader never sees a half-written lock. */
function writeBeside(file: string, holder: LockHolder, place: (temporary: string) => void): void {
  const temporary = `${file}.${process.pid}.${holder.nonce}.tmp`;
  writeFileSync(temporary, JSON.stringify(holder), { mode: 0o600 });
  try {
    place(temporary);
  } finally {
    try {
      unlinkSync(temporary);
    } catch {
      // renamed away
    }
  }
}

/**
 * Moves a dead holder's lock aside. Renaming is atomic, so of several processes taking over at
 * once only the one that moved the stale file removes it; one that moved a fresh lock instead
 * (another process's, created in between) puts it back.
 */
function takeOver(file: string, staleText: string): void {
  const aside = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.stale`;
  try {
    renameSync(file, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  if (readText(aside) !== staleText) {
    try {
      linkSync(aside, file);
    } catch {
      // A third process linked its lock in the moment the fresh one was aside: that one holds now,
      // and the process whose fresh lock this was believes it holds too. A known limit, needing
      // three processes to start on one directory at the instant a dead holder's lock is taken
      // over; closing it needs a lock the kernel keeps (flock), which Node does not offer.
    }
  }
  unlinkSync(aside);
}

/**
 * Takes the lock of `dataDir` for `command`, taking over a dead holder's; throws DataDirBusyError
 * naming a live one. Released by release() and, at the latest, when this process exits.
 *
 * @example
 *   const lock = acquireLock('./.kessai', 'kessai serve', () => 'stop it, or start this one with another --data-dir');
 */
export function acquireLock(dataDir: string, command: string, advice: (holder: LockHolder) => string): DataDirLock {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = join(dataDir, LOCK_FILE);
  let holder: LockHolder = { pid: process.pid, command, url: null, port: null, nonce: randomBytes(8).toString('hex') };
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      writeBeside(file, holder, (temporary) => linkSync(temporary, file));
      return held(file, () => holder, (next) => (holder = next));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const text = readText(file);
    if (text === null) continue;
    const current = parse(text);
    if (current && otherProcessAlive(current.pid)) throw new DataDirBusyError(current, dataDir, advice);
    takeOver(file, text);
  }
  throw new Error(`Could not take ${file}: other processes keep taking it`);
}

function held(file: string, current: () => LockHolder, replace: (next: LockHolder) => void): DataDirLock {
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.off('exit', release);
    // Only our own holding: never remove a lock another process took over meanwhile.
    if (parse(readText(file) ?? '')?.nonce === current().nonce) unlinkSync(file);
  };
  process.on('exit', release);
  return {
    update(change) {
      replace({ ...current(), ...change });
      writeBeside(file, current(), (temporary) => renameSync(temporary, file));
    },
    release,
  };
}
