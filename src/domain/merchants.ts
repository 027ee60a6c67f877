import type { Clock } from '../lib/clock';
import { digestsEqual, sha256Hex } from '../lib/digest';
import { METHOD_TYPES } from '../methods';
import { newId, randomAlphanumeric } from '../lib/random';
import type { Db } from '../store/db';
import * as merchantsRepo from '../store/merchants.repo';
import type { Actor } from './context';
import { actorFor } from './seeding';
import type { Merchant } from '../model/merchant';

export interface NewMerchant {
  name: string;
  mode?: 'test' | 'live';
  /** Any string (e.g. `degica-mart-test`); generated as sk_test_… / sk_live_… when absent. */
  secretKey?: string | null;
  publishableKey?: string | null;
}

export interface CreatedMerchant {
  merchant: Merchant;
  secretKey: string;
  publishableKey: string;
}

/** Payment types this merchant accepts: its own list, or every registered method. */
export function enabledTypes(merchant: Merchant): readonly string[] {
  return merchant.payment_types ?? METHOD_TYPES;
}

/** Generated keys: `sk_test_` / `pk_test_` (or `_live_`) + 32 random lowercase alphanumerics. */
export function generateKey(kind: 'sk' | 'pk', mode: 'test' | 'live'): string {
  return `${kind}_${mode}_${randomAlphanumeric(32)}`;
}

/** How a secret key may be shown again after creation: its prefix and last four characters. */
export function maskKey(key: string): string {
  return key.length <= 12 ? `${key.slice(0, 2)}…${key.slice(-2)}` : `${key.slice(0, 8)}…${key.slice(-4)}`;
}

export async function createMerchant(db: Db, input: NewMerchant, now: Date): Promise<CreatedMerchant> {
  const mode = input.mode ?? 'test';
  const secretKey = input.secretKey ?? generateKey('sk', mode);
  const publishableKey = input.publishableKey ?? generateKey('pk', mode);
  if (secretKey === publishableKey) throw new Error('The secret and publishable keys must differ');
  const merchant: Merchant = { id: newId(), name: input.name, mode, clock_offset_ms: 0, payment_types: null, created_at: now, seed: null };
  await merchantsRepo.insertMerchant(db, merchant, [
    { digest: sha256Hex(secretKey), kind: 'secret', display: maskKey(secretKey) },
    { digest: sha256Hex(publishableKey), kind: 'publishable', display: publishableKey },
  ]);
  return { merchant, secretKey, publishableKey };
}

export interface DefaultMerchant {
  merchant: Merchant;
  /** The keys, when known to this process: configured, or generated just now. */
  secretKey: string | null;
  publishableKey: string | null;
  created: boolean;
}

/**
 * The start-up contract: when the database has no merchant, create a test-mode one with the
 * configured keys (or generated ones). Configured keys that the database does not know yet are
 * attached to the first merchant, so changing KESSAI_SECRET_KEY between runs keeps working.
 */
export async function ensureDefaultMerchant(
  db: Db,
  keys: { secretKey: string | null; publishableKey: string | null },
  now: Date,
  name: string | null = null,
): Promise<DefaultMerchant> {
  let existing = await merchantsRepo.firstMerchant(db);
  if (!existing) {
    const created = await createMerchant(db, { name: name ?? 'Default merchant', mode: 'test', ...keys }, now);
    return { ...created, created: true };
  }
  // KESSAI_MERCHANT_NAME names the default merchant on every start, so changing it takes effect.
  if (name !== null && existing.name !== name) existing = await merchantsRepo.renameMerchant(db, existing.id, name);
  for (const [kind, key] of [['secret', keys.secretKey], ['publishable', keys.publishableKey]] as const) {
    // keyDigestExists, not findByKeyDigest: a configured key rolled (revoked) in the dashboard
    // stays revoked, instead of failing the start-up on its digest, the primary key.
    if (key && !(await merchantsRepo.keyDigestExists(db, sha256Hex(key)))) {
      await merchantsRepo.insertKeys(db, existing.id, [{ digest: sha256Hex(key), kind, display: kind === 'secret' ? maskKey(key) : key }], now);
    }
  }
  return { merchant: existing, secretKey: keys.secretKey, publishableKey: keys.publishableKey, created: false };
}

export interface EnabledTypesChange {
  enable?: string[];
  disable?: string[];
  /** Back to every registered method (also picks up methods added later). */
  all?: boolean;
}

/** Every merchant, oldest first: the first is the default merchant (ensureDefaultMerchant, merchantActor). */
export async function listMerchants(db: Db): Promise<Merchant[]> {
  return merchantsRepo.listMerchants(db);
}

/** Enables or disables payment types for a merchant; answers the resulting list. */
export async function changeEnabledTypes(db: Db, merchantId: string, change: EnabledTypesChange): Promise<readonly string[]> {
  const merchant = await merchantsRepo.findMerchant(db, merchantId);
  if (!merchant) throw new Error(`No merchant ${merchantId}`);
  const unknown = [...(change.enable ?? []), ...(change.disable ?? [])].filter((type) => !METHOD_TYPES.includes(type));
  if (unknown.length) throw new Error(`Unknown payment types: ${unknown.join(', ')}. Known: ${METHOD_TYPES.join(', ')}`);
  if (change.all) {
    await merchantsRepo.setPaymentTypes(db, merchantId, null);
    return METHOD_TYPES;
  }
  const enabled = new Set(enabledTypes(merchant));
  for (const type of change.enable ?? []) enabled.add(type);
  for (const type of change.disable ?? []) enabled.delete(type);
  const types = METHOD_TYPES.filter((type) => enabled.has(type));
  await merchantsRepo.setPaymentTypes(db, merchantId, types);
  return types;
}

export interface AuthenticatedKey {
  merchant: Merchant;
  kind: 'secret' | 'publishable';
  /** A rolled secret key stops working then (null: never). */
  expiresAt: Date | null;
}

/**
 * The merchant an API key belongs to, or undefined for a key that is unknown or revoked. Keys are
 * stored only as SHA-256 digests: the row is found by digest (through the store's short-lived
 * key-lookup cache, findByKeyDigestCached) and compared again in constant time. Whether the key
 * has expired is the caller's to judge, against the clock it trusts.
 */
export async function authenticateKey(db: Db, key: string): Promise<AuthenticatedKey | undefined> {
  const digest = sha256Hex(key);
  const found = await merchantsRepo.findByKeyDigestCached(db, digest);
  if (!found || !digestsEqual(found.digest, digest)) return undefined;
  return { merchant: found.merchant, kind: found.kind, expiresAt: found.expiresAt };
}

/**
 * CLI commands act as merchant `id`, or as the default (first) merchant when none is named.
 * `reading`: the caller only shows something (see actorFor).
 */
export async function merchantActor(db: Db, clock: Clock, id?: string, { reading = false } = {}): Promise<Actor> {
  const merchant = id ? await merchantsRepo.findMerchant(db, id) : await merchantsRepo.firstMerchant(db);
  if (!merchant) throw new Error(id ? `No merchant ${id}` : 'No merchant yet: run `kessai serve` or `kessai merchants create` first');
  return actorFor(db, clock, merchant, { reading });
}
