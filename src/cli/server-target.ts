import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lockedDataDir, type Config } from '../config';
import { DEFAULT_KEYS_FILE } from './database';
import { lockHolder } from './lock';
import { Refusal } from './refusal';

/**
 * Which server a client command (`listen`, `trigger`, `run`) talks to, and as whom: the one rule
 * of docs/cli.md#which-server-and-which-key.
 */
export interface ServerTarget {
  url: string;
  /** How the URL was chosen, for a line saying which server a command follows. */
  source: string;
  key: string;
  /** The key is the generated one kept in the data directory (it may have been rolled since). */
  remembered: boolean;
}

export interface ServerFlags {
  server?: string;
  apiKey?: string;
}

/** What to do when the kept key is refused: the dashboard rolled it and cannot write the new one here. */
export const ROLLED_KEY_HINT = 'the key kept in KESSAI_DATA_DIR was probably rolled in the dashboard: set KESSAI_SECRET_KEY to the new key, or pass --api-key';

/** The URL the server running on the configured data directory wrote in its lock, if one does. */
export function runningServerUrl(config: Config): string | null {
  const dataDir = lockedDataDir(config);
  const holder = dataDir === null ? null : lockHolder(dataDir);
  return holder?.url ?? null;
}

/** The secret key: KESSAI_SECRET_KEY, or the default merchant's generated key kept by `kessai serve`. */
export function knownSecretKey(config: Config): { key: string; remembered: boolean } | null {
  if (config.secretKey) return { key: config.secretKey, remembered: false };
  const file = join(config.dataDir, DEFAULT_KEYS_FILE);
  if (existsSync(file)) return { key: (JSON.parse(readFileSync(file, 'utf8')) as { secret_key: string }).secret_key, remembered: true };
  return null;
}

/**
 * `--server` and `--api-key`, else the server running on the configured data directory (its
 * lock) or the configured URL (KESSAI_PUBLIC_URL, else HOST and PORT), as KESSAI_SECRET_KEY's
 * merchant or the default merchant's key kept beside the database.
 */
export function serverTarget(config: Config, flags: ServerFlags): ServerTarget {
  const running = runningServerUrl(config);
  const url = (flags.server ?? running ?? config.publicUrl).replace(/\/+$/, '');
  const source = flags.server ? '--server' : running ? `the server running on ${config.dataDir}` : 'KESSAI_PUBLIC_URL, or HOST and PORT';
  if (flags.apiKey) return { url, source, key: flags.apiKey, remembered: false };
  const known = knownSecretKey(config);
  if (!known) throw new Refusal('no API key: pass --api-key, set KESSAI_SECRET_KEY, or run where `kessai serve` keeps its data (KESSAI_DATA_DIR)');
  return { url, source, ...known };
}

/** The server answered 401 to the target's key: one line saying what to do. */
export function keyRefused(target: ServerTarget): Refusal {
  const hint = target.remembered ? ROLLED_KEY_HINT : "give the merchant's secret key with --api-key";
  return new Refusal(`the server at ${target.url} refused the API key (401): ${hint}`);
}
