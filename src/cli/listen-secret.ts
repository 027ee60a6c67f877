import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MEMORY_DATA_DIR, type Config } from '../config';
import { randomAlphanumeric } from '../lib/random';
import { Refusal } from './refusal';

/** The file in the data directory that keeps `kessai listen`'s signing secret between runs. */
export const LISTEN_SECRET_FILE = 'listen-secret';

export interface ForwardingSecret {
  secret: string;
  /** Where it comes from or is kept, for the line that prints it. */
  where: string;
}

/**
 * The secret `kessai listen` signs with: KESSAI_WEBHOOK_SECRET when set; else the one kept in the
 * data directory, made there on first use (and again with `renew`), so that the receiver's
 * configured secret keeps working across runs; in memory mode there is no directory, and each
 * run has its own.
 */
export function forwardingSecret(config: Config, renew: boolean): ForwardingSecret {
  if (config.webhookSecret) {
    if (renew) throw new Refusal('KESSAI_WEBHOOK_SECRET sets the secret: unset it to make a new one with --new-secret');
    return { secret: config.webhookSecret, where: 'from KESSAI_WEBHOOK_SECRET' };
  }
  // memory:// names no directory, whichever database is used (PostgreSQL ignores the data directory's database).
  if (config.dataDir.startsWith(MEMORY_DATA_DIR)) return { secret: randomAlphanumeric(32), where: 'new for this run: in memory mode there is no data directory to keep it in' };
  const file = join(config.dataDir, LISTEN_SECRET_FILE);
  if (!renew && existsSync(file)) {
    const kept = readFileSync(file, 'utf8').trim();
    if (kept) return { secret: kept, where: `kept in ${file}` };
  }
  const secret = randomAlphanumeric(32);
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return { secret, where: `new, kept in ${file} (--new-secret replaces it)` };
}
