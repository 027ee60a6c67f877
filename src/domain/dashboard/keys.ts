import { sha256Hex } from '../../lib/digest';
import * as dashboardRepo from '../../store/dashboard.repo';
import type { Db } from '../../store/db';
import * as merchantsRepo from '../../store/merchants.repo';
import { ApiError } from '../../kernel/errors';
import { generateKey, maskKey } from '../merchants';
import type { Merchant } from '../../model/merchant';

/**
 * Whether `key` still authenticates (not revoked, not past its grace period): the serve banner
 * does not print a secret key that was rolled in the dashboard as if it worked.
 */
export async function keyWorks(db: Db, key: string, now: Date): Promise<boolean> {
  const found = await merchantsRepo.findByKeyDigest(db, sha256Hex(key));
  return !!found && (!found.expiresAt || found.expiresAt > now);
}

/** The merchant as stored now (a session's copy may predate a change of its payment methods). */
export async function currentMerchant(db: Db, id: string): Promise<Merchant> {
  const merchant = await merchantsRepo.findMerchant(db, id);
  if (!merchant) throw new ApiError('not_found');
  return merchant;
}

/** At most a week of overlap between an old secret key and its successor. */
export const MAX_GRACE_SECONDS = 7 * 86_400;

export type KeyState = 'active' | 'expiring' | 'revoked';

export interface KeyView {
  kind: 'secret' | 'publishable';
  /** The full publishable key, or a masked secret key (`sk_test_…abcd`): secret keys are kept as digests. */
  display: string;
  state: KeyState;
  createdAt: Date;
  /** When an expiring key stops working. */
  expiresAt: Date | null;
}

/** The merchant's keys, newest first; `now` is system time (keys do not follow test clocks). */
export async function listKeys(db: Db, merchantId: string, now: Date): Promise<KeyView[]> {
  const rows = await dashboardRepo.listKeys(db, merchantId);
  return rows.map((row) => {
    const expiresAt = row.expires_at ? new Date(row.expires_at) : null;
    const state: KeyState = row.revoked_at || (expiresAt && expiresAt <= now) ? 'revoked' : expiresAt ? 'expiring' : 'active';
    return { kind: row.kind, display: row.display, state, createdAt: new Date(row.created_at), expiresAt };
  });
}

/**
 * "Roll secret key": a new secret key for the merchant, answered once (only its digest is kept);
 * every secret key it had stops working after `graceSeconds` (0: at once). The API refuses an
 * expired key with 401.
 *
 *   const { secretKey } = await rollSecretKey(db, merchant, 3600, clock.now()); // old key: 1 more hour
 */
export async function rollSecretKey(db: Db, merchant: Merchant, graceSeconds: number, now: Date): Promise<{ secretKey: string; oldKeysExpireAt: Date }> {
  if (!Number.isInteger(graceSeconds) || graceSeconds < 0 || graceSeconds > MAX_GRACE_SECONDS) {
    throw new RangeError(`The grace period must be between 0 and ${MAX_GRACE_SECONDS} seconds`);
  }
  const secretKey = generateKey('sk', merchant.mode);
  const oldKeysExpireAt = new Date(now.getTime() + graceSeconds * 1000);
  await db.transaction().execute(async (trx) => {
    await dashboardRepo.endSecretKeys(trx, merchant.id, oldKeysExpireAt, now);
    await merchantsRepo.insertKeys(trx, merchant.id, [{ digest: sha256Hex(secretKey), kind: 'secret', display: maskKey(secretKey) }], now);
  });
  // Committed now: no lookup made meanwhile may outlive the old key's end.
  await merchantsRepo.forgetCachedKeys();
  return { secretKey, oldKeysExpireAt };
}
