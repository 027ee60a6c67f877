import { sql } from 'kysely';
import type { Db } from './db';
import { forgetCachedKeys } from './merchants.repo';
import type { DashboardSessionRow, DashboardUserRow } from './schema';
import type { Merchant } from '../model/merchant';

// Users

export async function insertUser(db: Db, user: DashboardUserRow): Promise<void> {
  await db.insertInto('dashboard_users').values(user).execute();
}

/** Every user with this email, whatever the merchant (an email is unique per merchant only). */
export async function usersByEmail(db: Db, email: string): Promise<DashboardUserRow[]> {
  return db.selectFrom('dashboard_users').selectAll().where('email', '=', email).orderBy('created_at').limit(20).execute();
}

// Sessions

export async function insertSession(db: Db, session: DashboardSessionRow): Promise<void> {
  await db.insertInto('dashboard_sessions').values(session).execute();
}

export interface SessionLookup {
  merchant: Merchant;
  userId: string | null;
  email: string | null;
  expiresAt: Date;
}

/** The session with this token hash, unexpired at `now`, with its merchant and user's email. */
export async function findSession(db: Db, tokenHash: string, now: Date): Promise<SessionLookup | undefined> {
  const row = await db
    .selectFrom('dashboard_sessions as s')
    .innerJoin('merchants as m', 'm.id', 's.merchant_id')
    .leftJoin('dashboard_users as u', 'u.id', 's.user_id')
    .select(['m.id', 'm.name', 'm.mode', 'm.clock_offset_ms', 'm.payment_types', 'm.created_at', 'm.seed', 's.user_id', 's.expires_at', 'u.email'])
    .where('s.token_hash', '=', tokenHash)
    .where('s.expires_at', '>', now)
    .executeTakeFirst();
  if (!row) return undefined;
  const { user_id, expires_at, email, ...merchant } = row;
  return { merchant, userId: user_id, email, expiresAt: new Date(expires_at) };
}

export async function deleteSession(db: Db, tokenHash: string): Promise<void> {
  await db.deleteFrom('dashboard_sessions').where('token_hash', '=', tokenHash).execute();
}

export async function deleteExpiredSessions(db: Db, now: Date): Promise<void> {
  await db.deleteFrom('dashboard_sessions').where('expires_at', '<=', now).execute();
  await db.deleteFrom('dashboard_login_links').where('expires_at', '<=', now).execute();
}

// One-time sign-in links

export async function insertLoginLink(db: Db, link: { token_hash: string; merchant_id: string; created_at: Date; expires_at: Date }): Promise<void> {
  await db.insertInto('dashboard_login_links').values({ ...link, used_at: null }).execute();
}

/** Marks the link used, if it is unused and unexpired, in one statement (two clicks: one session). */
export async function useLoginLink(db: Db, tokenHash: string, now: Date): Promise<string | undefined> {
  const row = await db
    .updateTable('dashboard_login_links')
    .set({ used_at: now })
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .returning('merchant_id')
    .executeTakeFirst();
  return row?.merchant_id;
}

// Failed sign-ins

export async function countFailures(db: Db, keyHash: string, since: Date): Promise<number> {
  const row = await db
    .selectFrom('dashboard_login_failures')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('key_hash', '=', keyHash)
    .where('attempted_at', '>', since)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Records a failure and forgets those older than `forgetBefore` (any key): the table stays small. */
export async function recordFailure(db: Db, keyHash: string, now: Date, forgetBefore: Date): Promise<void> {
  await db.insertInto('dashboard_login_failures').values({ key_hash: keyHash, attempted_at: now }).execute();
  await db.deleteFrom('dashboard_login_failures').where('attempted_at', '<', forgetBefore).execute();
}

export async function clearFailures(db: Db, keyHash: string): Promise<void> {
  await db.deleteFrom('dashboard_login_failures').where('key_hash', '=', keyHash).execute();
}

// API keys

export interface KeyRow {
  kind: 'secret' | 'publishable';
  display: string;
  created_at: Date;
  revoked_at: Date | null;
  expires_at: Date | null;
}

/** The merchant's keys, newest first (digests stay in the database). */
export async function listKeys(db: Db, merchantId: string): Promise<KeyRow[]> {
  return db
    .selectFrom('api_keys')
    .select(['kind', 'display', 'created_at', 'revoked_at', 'expires_at'])
    .where('merchant_id', '=', merchantId)
    .orderBy('created_at', 'desc')
    .execute();
}

/**
 * Ends the merchant's live secret keys at `expiresAt` (never later than an end they already
 * have) and revokes them outright when that is `now`.
 */
export async function endSecretKeys(db: Db, merchantId: string, expiresAt: Date, now: Date): Promise<void> {
  await forgetCachedKeys(
    db
      .updateTable('api_keys')
      .set({ expires_at: expiresAt, ...(expiresAt.getTime() <= now.getTime() ? { revoked_at: now } : {}) })
      .where('merchant_id', '=', merchantId)
      .where('kind', '=', 'secret')
      .where('revoked_at', 'is', null)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', expiresAt)]))
      .execute(),
  );
}
