import { sql, type ExpressionBuilder } from 'kysely';
import type { Db } from './db';
import { merchantNowSql } from './merchant-time';
import type { Database, TokensTable } from './schema';
import type { Token, VerificationStatus } from '../model/token';

export async function insertToken(db: Db, token: Token): Promise<void> {
  await db
    .insertInto('tokens')
    .values({ ...token, payment_details: JSON.stringify(token.payment_details) })
    .execute();
}

export async function findToken(db: Db, merchantId: string, id: string, kind: TokensTable['kind']): Promise<Token | undefined> {
  return db.selectFrom('tokens').selectAll().where('merchant_id', '=', merchantId).where('id', '=', id).where('kind', '=', kind).executeTakeFirst();
}

/** A secure token by id alone, for the 3-D Secure page, which carries no key: the id is the credential. */
export async function findSecureTokenById(db: Db, id: string): Promise<(Token & { clock_offset_ms: number; seed: number | null }) | undefined> {
  return db
    .selectFrom('tokens as t')
    .innerJoin('merchants as m', 'm.id', 't.merchant_id')
    .selectAll('t')
    .select(['m.clock_offset_ms', 'm.seed'])
    .where('t.id', '=', id)
    .where('t.kind', '=', 'secure_token')
    .executeTakeFirst();
}

/** Token `t` is `id`, this merchant's, unused, unexpired at `now`, of `kinds`, and verified if a secure token. */
function usable(eb: ExpressionBuilder<Database & { t: TokensTable }, 't'>, merchantId: string, id: string, now: Date, kinds: readonly TokensTable['kind'][]) {
  return eb.and([
    eb('t.id', '=', id),
    eb('t.merchant_id', '=', merchantId),
    eb('t.used_at', 'is', null),
    eb('t.expires_at', '>', now),
    eb('t.kind', 'in', kinds),
    eb.or([eb('t.kind', '=', 'token'), eb('t.verification_status', '=', 'OK')]),
  ]);
}

/**
 * The token a claimToken of the same arguments would claim (this merchant's, unused, unexpired at
 * `now`, verified if a secure token), read without using it: a payment reads the details, checks
 * everything, and only then claims the token.
 */
export async function findUsableToken(db: Db, merchantId: string, id: string, now: Date, kinds: readonly TokensTable['kind'][]): Promise<Token | undefined> {
  return db
    .selectFrom('tokens as t')
    .selectAll()
    .where((eb) => usable(eb, merchantId, id, now, kinds))
    .executeTakeFirst();
}

/**
 * Marks a token used and erases its envelope, if it is this merchant's, unused, unexpired at
 * `now` and (secure tokens) verified — in one statement, so of two payments racing for one token
 * exactly one gets it: the second waits on the row lock, re-reads the row, finds `used_at` set and
 * gets nothing. The self-join hands back the envelope as it was before the erasure.
 */
export async function claimToken(db: Db, merchantId: string, id: string, now: Date, kinds: readonly TokensTable['kind'][]): Promise<Token | undefined> {
  return db
    .updateTable('tokens as t')
    .from('tokens as before')
    .set({ used_at: now, secret_details: null })
    .whereRef('before.id', '=', 't.id')
    .where((eb) => usable(eb, merchantId, id, now, kinds))
    .returning([
      't.id',
      't.merchant_id',
      't.kind',
      't.payment_type',
      't.payment_details',
      'before.secret_details',
      't.currency',
      't.amount',
      't.customer_id',
      't.return_url',
      't.verification_status',
      't.created_at',
      't.expires_at',
      't.used_at',
    ])
    .executeTakeFirst();
}

/** Records the outcome of 3-D Secure authentication, once: only while it still NEEDS_VERIFY. */
export async function setVerificationStatus(db: Db, id: string, status: VerificationStatus): Promise<Token | undefined> {
  return db
    .updateTable('tokens')
    .set({ verification_status: status })
    .where('id', '=', id)
    .where('verification_status', '=', 'NEEDS_VERIFY')
    .returningAll()
    .executeTakeFirst();
}

/**
 * Erases the envelopes (card numbers, CVVs, prepaid numbers, passwords) of up to `limit` unused
 * tokens that expired on their merchant's clock (system time + its test-clock offset). SKIP LOCKED
 * passes over a token a payment is claiming right now; that claim erases it anyway.
 */
export async function eraseExpiredSecrets(db: Db, systemNow: Date, limit: number, merchantId?: string): Promise<number> {
  let due = db
    .selectFrom('tokens as t')
    .innerJoin('merchants as m', 'm.id', 't.merchant_id')
    .select('t.id')
    .where('t.secret_details', 'is not', null)
    .where('t.expires_at', '<=', merchantNowSql(systemNow));
  if (merchantId) due = due.where('t.merchant_id', '=', merchantId);
  const result = await db
    .updateTable('tokens')
    .set({ secret_details: null })
    .where('id', 'in', due.orderBy('t.expires_at').limit(limit).forUpdate('t').skipLocked())
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
