import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { hmacSha256Hex, sha256Hex } from '../../lib/digest';
import { actorFor } from '../seeding';
import { newId, randomAlphanumeric } from '../../lib/random';
import * as dashboardRepo from '../../store/dashboard.repo';
import type { Db } from '../../store/db';
import * as merchantsRepo from '../../store/merchants.repo';
import type { Actor, Services } from '../context';
import type { Merchant } from '../../model/merchant';

/**
 * Who may open a merchant's dashboard, and how a browser stays signed in.
 *
 * Passwords: scrypt (node:crypto; N=2^14, r=8, p=1 — about 50 ms and 16 MiB per check) with a
 * random 16-byte salt, compared with timingSafeEqual. Sessions: a random 256-bit token in an
 * HttpOnly cookie; only its SHA-256 is stored. The CSRF token of a session is an HMAC of the
 * session's token, so it differs per session, needs no storage, and says nothing about the token.
 * Failed sign-ins are counted per email and client address: the sixth within 15 minutes is
 * refused before the password is even checked.
 */

export const SESSION_TTL_MS = 12 * 3600_000;
export const LOGIN_LINK_TTL_MS = 15 * 60_000;
export const MAX_FAILURES = 5;
export const FAILURE_WINDOW_MS = 15 * 60_000;
export const MIN_PASSWORD_LENGTH = 8;

const SCRYPT_PARAMS = { N: 16384, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;

function scrypt(password: string, salt: Buffer, keyLength: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCallback(password, salt, keyLength, { ...options, maxmem: 64 * 1024 * 1024 }, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

/**
 * `scrypt$N$r$p$salt$hash` (base64url salt and hash).
 *
 *   await hashPassword('correct horse'); // 'scrypt$16384$8$1$3q2…$Yk9…'
 */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const { N, r, p } = SCRYPT_PARAMS;
  const hash = await scrypt(password, salt, KEY_LENGTH, { N, r, p });
  return ['scrypt', N, r, p, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = await scrypt(password, Buffer.from(salt, 'base64url'), expected.length, { N: Number(n), r: Number(r), p: Number(p) });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** Checked once, so that an unknown email costs as long as a wrong password. */
let decoyHash: Promise<string> | null = null;

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export class DashboardUserError extends Error {}

/**
 * A dashboard user of merchant `merchantId` (the `kessai users create` command).
 *
 *   await createDashboardUser(db, clock, { merchantId, email: 'ops@shop.example', password: 'a long secret' });
 */
export async function createDashboardUser(
  db: Db,
  now: Date,
  input: { merchantId: string; email: string; password: string },
): Promise<{ id: string; email: string; merchantId: string }> {
  const email = normalizeEmail(input.email);
  if (!/^[^\s@]+@[^\s@]+$/.test(email) || email.length > 254) throw new DashboardUserError(`Not an email address: ${input.email}`);
  if (input.password.length < MIN_PASSWORD_LENGTH) throw new DashboardUserError(`The password must have at least ${MIN_PASSWORD_LENGTH} characters`);
  if (!(await merchantsRepo.findMerchant(db, input.merchantId))) throw new DashboardUserError(`No merchant ${input.merchantId}`);
  if ((await dashboardRepo.usersByEmail(db, email)).some((user) => user.merchant_id === input.merchantId)) {
    throw new DashboardUserError(`${email} is already a user of merchant ${input.merchantId}`);
  }
  const id = newId();
  await dashboardRepo.insertUser(db, { id, merchant_id: input.merchantId, email, password_hash: await hashPassword(input.password), created_at: now });
  return { id, email, merchantId: input.merchantId };
}

/** A password for `users create` without --password: 20 random alphanumerics (≈ 103 bits). */
export function generatePassword(): string {
  return randomAlphanumeric(20);
}

export type SignInResult = { ok: true; token: string } | { ok: false; reason: 'invalid' | 'rate_limited' };

/**
 * Checks an email and password; on success opens a session and answers its token (for the
 * cookie). An email that belongs to users of several merchants signs in to the first whose
 * password matches.
 */
export async function signIn(db: Db, now: Date, input: { email: string; password: string; clientAddress: string }): Promise<SignInResult> {
  const email = normalizeEmail(input.email);
  const keyHash = sha256Hex(`${email}\n${input.clientAddress}`);
  const since = new Date(now.getTime() - FAILURE_WINDOW_MS);
  if ((await dashboardRepo.countFailures(db, keyHash, since)) >= MAX_FAILURES) return { ok: false, reason: 'rate_limited' };
  const users = email === '' ? [] : await dashboardRepo.usersByEmail(db, email);
  for (const user of users) {
    if (await verifyPassword(input.password, user.password_hash)) {
      await dashboardRepo.clearFailures(db, keyHash);
      return { ok: true, token: await openSession(db, user.merchant_id, user.id, now) };
    }
  }
  if (users.length === 0) await verifyPassword(input.password, await (decoyHash ??= hashPassword(randomAlphanumeric(16))));
  await dashboardRepo.recordFailure(db, keyHash, now, since);
  return { ok: false, reason: 'invalid' };
}

async function openSession(db: Db, merchantId: string, userId: string | null, now: Date): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await dashboardRepo.deleteExpiredSessions(db, now);
  await dashboardRepo.insertSession(db, {
    token_hash: sha256Hex(token),
    merchant_id: merchantId,
    user_id: userId,
    created_at: now,
    expires_at: new Date(now.getTime() + SESSION_TTL_MS),
  });
  return token;
}

/** A signed-in browser: its merchant (every dashboard query is scoped by it) and who signed in. */
export interface DashboardSession {
  token: string;
  merchant: Merchant;
  /** The merchant with its test clock, as the API's commands take it. */
  actor: Actor;
  /** Null when signed in through a one-time link. */
  email: string | null;
  csrfToken: string;
}

/** `reading`: the request only reads (a GET; see actorFor). */
export async function findDashboardSession(services: Services, token: string, { reading = false } = {}): Promise<DashboardSession | null> {
  if (token.length < 20 || token.length > 100) return null;
  const found = await dashboardRepo.findSession(services.db, sha256Hex(token), services.clock.now());
  if (!found) return null;
  return {
    token,
    merchant: found.merchant,
    actor: await actorFor(services.db, services.clock, found.merchant, { reading }),
    email: found.email,
    csrfToken: csrfTokenFor(token),
  };
}

/** The session's CSRF token: HMAC-SHA256 keyed with the session token. */
export function csrfTokenFor(sessionToken: string): string {
  return hmacSha256Hex(sessionToken, 'kessai dashboard csrf');
}

/** Whether `given` is this session's CSRF token (constant time). */
export function csrfTokenMatches(session: DashboardSession, given: unknown): boolean {
  return typeof given === 'string' && sameString(given, session.csrfToken);
}

export function sameString(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

export async function signOut(db: Db, token: string): Promise<void> {
  await dashboardRepo.deleteSession(db, sha256Hex(token));
}

/**
 * A one-time sign-in link's token for `merchantId` (the banner of `kessai serve`, test mode on
 * the embedded database): one use, within 15 minutes.
 */
export async function createLoginLink(db: Db, merchantId: string, now: Date): Promise<string> {
  const token = randomAlphanumeric(40);
  await dashboardRepo.insertLoginLink(db, {
    token_hash: sha256Hex(token),
    merchant_id: merchantId,
    created_at: now,
    expires_at: new Date(now.getTime() + LOGIN_LINK_TTL_MS),
  });
  return token;
}

/** Uses a one-time link: a new session's token, or null when the link is unknown, used or expired. */
export async function redeemLoginLink(db: Db, token: string, now: Date): Promise<string | null> {
  const merchantId = await dashboardRepo.useLoginLink(db, sha256Hex(token), now);
  return merchantId ? openSession(db, merchantId, null, now) : null;
}
