import type { Db } from './db';
import type { Merchant } from '../model/merchant';

export interface KeyLookup {
  merchant: Merchant;
  kind: 'secret' | 'publishable';
  digest: string;
  /** A rolled secret key stops working then (null: never). */
  expiresAt: Date | null;
}

export async function findByKeyDigest(db: Db, digest: string): Promise<KeyLookup | undefined> {
  const row = await db
    .selectFrom('api_keys as k')
    .innerJoin('merchants as m', 'm.id', 'k.merchant_id')
    .select(['m.id', 'm.name', 'm.mode', 'm.clock_offset_ms', 'm.payment_types', 'm.created_at', 'm.seed', 'k.kind', 'k.digest', 'k.expires_at'])
    .where('k.digest', '=', digest)
    .where('k.revoked_at', 'is', null)
    .executeTakeFirst();
  if (!row) return undefined;
  const { kind, digest: stored, expires_at, ...merchant } = row;
  return { merchant, kind, digest: stored, expiresAt: expires_at && new Date(expires_at) };
}

/**
 * How long authentication may reuse a key lookup. Every write to merchants or api_keys in this
 * process forgets all lookups at once (forgetCachedKeys), so here a rolled key, a moved test
 * clock or a changed set of payment methods applies to the next request. Another process hears
 * of such a change through MERCHANT_CHANNEL and forgets its lookups as soon as the notification
 * arrives (domain/merchant-changes.ts); KEY_CACHE_MS is the bound when one is lost (the LISTEN
 * connection down, or a process that does not listen). An unknown key is never remembered: a
 * new key works at once. KESSAI_KEY_CACHE_MS sets another bound (setKeyCacheMs, at start).
 */
export const KEY_CACHE_MS = 250;
let keyCacheMs = KEY_CACHE_MS;

/** The process's bound on a cached key lookup (0: none is reused), set once at start. */
export function setKeyCacheMs(ms: number): void {
  keyCacheMs = ms;
}

/** The channel a change to what a key lookup carries NOTIFYs (payload: the schema), see migrations/0022_cluster.ts. */
export const MERCHANT_CHANNEL = 'kessai_merchants';

interface CachedKey {
  /** The lookup, shared by every request that asks while it is in flight. */
  found: Promise<KeyLookup | undefined>;
  at: number;
  generation: number;
}

const cachedKeys = new WeakMap<Db, Map<string, CachedKey>>();
let generation = 0;

/**
 * findByKeyDigest for authentication: the API's commonest query, which was one of the two
 * round trips of a payment create, is made about four times a second per key instead. Requests
 * arriving while a lookup is in flight wait for it rather than each making their own: at 50
 * concurrent requests every expiry used to send one lookup per request.
 */
export async function findByKeyDigestCached(db: Db, digest: string): Promise<KeyLookup | undefined> {
  let cache = cachedKeys.get(db);
  if (!cache) cachedKeys.set(db, (cache = new Map()));
  const hit = cache.get(digest);
  const now = Date.now();
  if (hit && hit.generation === generation && now - hit.at < keyCacheMs) return hit.found;
  const readFrom = generation;
  const entry: CachedKey = { found: findByKeyDigest(db, digest), at: now, generation };
  cache.set(digest, entry);
  try {
    const found = await entry.found;
    // An unknown key is not remembered; a write that raced this read may have committed what
    // the read did not see: keep nothing then either.
    if (!found || readFrom !== generation) forget(cache, digest, entry);
    return found;
  } catch (error) {
    forget(cache, digest, entry);
    throw error;
  }
}

function forget(cache: Map<string, CachedKey>, digest: string, entry: CachedKey): void {
  if (cache.get(digest) === entry) cache.delete(digest);
}

/**
 * Forgets every cached lookup, once before `write` and once after it: a lookup that overlapped
 * the write is not kept. A write inside a transaction commits later, so its caller forgets
 * again after the commit (rollSecretKey).
 */
export async function forgetCachedKeys<T>(write?: Promise<T>): Promise<T | undefined> {
  generation++;
  try {
    return await write;
  } finally {
    generation++;
  }
}

/** Whether any key, revoked or not, has this digest (digests are the primary key). */
export async function keyDigestExists(db: Db, digest: string): Promise<boolean> {
  return (await db.selectFrom('api_keys').select('digest').where('digest', '=', digest).executeTakeFirst()) !== undefined;
}

export interface NewKey {
  digest: string;
  kind: 'secret' | 'publishable';
  display: string;
}

export async function insertMerchant(db: Db, merchant: Merchant, keys: NewKey[]): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('merchants')
      .values({ ...merchant, payment_types: merchant.payment_types && JSON.stringify(merchant.payment_types) })
      .execute();
    await insertKeys(trx, merchant.id, keys, merchant.created_at);
  });
}

export async function insertKeys(db: Db, merchantId: string, keys: NewKey[], now: Date): Promise<void> {
  await forgetCachedKeys(
    db
      .insertInto('api_keys')
      .values(keys.map((key) => ({ ...key, merchant_id: merchantId, created_at: now, revoked_at: null })))
      .execute(),
  );
}

/** A merchant's columns as the model has them (not its id_sequence, which only takeIdSequence reads). */
const MERCHANT_COLUMNS = ['id', 'name', 'mode', 'clock_offset_ms', 'payment_types', 'created_at', 'seed'] as const;

/** Every merchant, oldest first: the first is the default merchant. */
function merchantsByAge(db: Db) {
  return db.selectFrom('merchants').select(MERCHANT_COLUMNS).orderBy('created_at').orderBy('id');
}

export async function anyLiveMerchant(db: Db): Promise<boolean> {
  return (await db.selectFrom('merchants').select('id').where('mode', '=', 'live').limit(1).executeTakeFirst()) !== undefined;
}

export async function firstMerchant(db: Db): Promise<Merchant | undefined> {
  return merchantsByAge(db).limit(1).executeTakeFirst();
}

export async function renameMerchant(db: Db, id: string, name: string): Promise<Merchant> {
  const renamed = db.updateTable('merchants').set({ name }).where('id', '=', id).returning(MERCHANT_COLUMNS).executeTakeFirstOrThrow();
  return (await forgetCachedKeys(renamed))!;
}

export async function listMerchants(db: Db): Promise<Merchant[]> {
  return merchantsByAge(db).execute();
}

/** Moves a merchant's test clock forward; returns the new offset from the system clock. */
export async function advanceClock(db: Db, merchantId: string, ms: number): Promise<number> {
  const row = await forgetCachedKeys(
    db
      .updateTable('merchants')
      .set((eb) => ({ clock_offset_ms: eb('clock_offset_ms', '+', ms) }))
      .where('id', '=', merchantId)
      .returning('clock_offset_ms')
      .executeTakeFirstOrThrow(),
  );
  return row!.clock_offset_ms;
}

/** The test clock back at real time (offset 0), ids left as they are: the dashboard's "Reset to real time". */
export async function resetClockOffset(db: Db, merchantId: string): Promise<void> {
  await forgetCachedKeys(db.updateTable('merchants').set({ clock_offset_ms: 0 }).where('id', '=', merchantId).execute());
}

/**
 * Starts a merchant over once its test data is gone: its test clock back to offset 0 (real time,
 * or FROZEN_EPOCH for a seeded merchant) and its id sequence back to 0, as seeding does, so that a
 * seeded merchant's next run draws the ids its first run after seeding drew (an unseeded
 * merchant's sequence is 0 already: only seeded requests move it). Answers the seed it keeps.
 */
export async function rewindMerchant(db: Db, merchantId: string): Promise<{ seed: number | null }> {
  const row = await forgetCachedKeys(
    db.updateTable('merchants').set({ clock_offset_ms: 0, id_sequence: 0 }).where('id', '=', merchantId).returning('seed').executeTakeFirstOrThrow(),
  );
  return { seed: row!.seed === null ? null : Number(row!.seed) };
}

export async function setPaymentTypes(db: Db, merchantId: string, types: string[] | null): Promise<void> {
  await forgetCachedKeys(
    db
      .updateTable('merchants')
      .set({ payment_types: types && JSON.stringify(types) })
      .where('id', '=', merchantId)
      .execute(),
  );
}

export async function findMerchant(db: Db, id: string): Promise<Merchant | undefined> {
  return db.selectFrom('merchants').select(MERCHANT_COLUMNS).where('id', '=', id).executeTakeFirst();
}

/** Where a seeded merchant's request stands: its seed, its number in the sequence, its clock offset. */
export interface IdSequence {
  seed: number;
  sequence: number;
  clockOffsetMs: number;
}

/**
 * Takes the next number of a seeded merchant's sequence: one UPDATE … RETURNING, atomic on every
 * database, so that concurrent requests (and processes) each get their own. It also reads the
 * seed and clock offset as they stand now, which a cached key lookup may not. Undefined: the
 * merchant is not seeded (any more), and nothing was written.
 */
export async function takeIdSequence(db: Db, merchantId: string): Promise<IdSequence | undefined> {
  const row = await db
    .updateTable('merchants')
    .set((eb) => ({ id_sequence: eb('id_sequence', '+', 1) }))
    .where('id', '=', merchantId)
    .where('seed', 'is not', null)
    .returning(['seed', 'id_sequence', 'clock_offset_ms'])
    .executeTakeFirst();
  if (!row || row.seed === null) return undefined;
  return { seed: Number(row.seed), sequence: Number(row.id_sequence), clockOffsetMs: Number(row.clock_offset_ms) };
}

/** A seeded merchant's seed and clock offset as they stand, without taking a number; undefined when unseeded. */
export async function peekSeed(db: Db, merchantId: string): Promise<Omit<IdSequence, 'sequence'> | undefined> {
  const row = await db.selectFrom('merchants').select(['seed', 'clock_offset_ms']).where('id', '=', merchantId).executeTakeFirst();
  if (!row || row.seed === null) return undefined;
  return { seed: Number(row.seed), clockOffsetMs: Number(row.clock_offset_ms) };
}

/**
 * Seeds a merchant (or unseeds it, with null) and starts it over: sequence and test clock back
 * to zero, so that a run from here repeats the previous one from here.
 */
export async function setSeed(db: Db, merchantId: string, seed: number | null): Promise<void> {
  await forgetCachedKeys(
    db.updateTable('merchants').set({ seed, id_sequence: 0, clock_offset_ms: 0 }).where('id', '=', merchantId).execute(),
  );
}

/** Whether a merchant other than `merchantId` is seeded with `seed`. */
export async function otherMerchantWithSeed(db: Db, seed: number, merchantId: string): Promise<boolean> {
  const row = await db.selectFrom('merchants').select('id').where('seed', '=', seed).where('id', '<>', merchantId).executeTakeFirst();
  return row !== undefined;
}
