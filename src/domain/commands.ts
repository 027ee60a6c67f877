import type { Db } from '../store/db';
import * as idempotencyRepo from '../store/idempotency.repo';
import * as merchantLocks from '../store/merchant-locks.repo';
import { ApiError } from '../kernel/errors';
import type { Actor } from './context';

/** A response as it will be sent, stored verbatim for idempotent replays. */
export interface StoredResponse {
  status: number;
  body: string;
  /** Set on an idempotent replay: the committed answer of an earlier request with the key. */
  replayed?: true;
}

export interface IdempotencyKey {
  key: string;
  /** Digest of the request (method, path, body); a replay must match it. */
  requestHash: string;
}

/** KOMOJU keeps idempotency keys for 24 hours. */
export const IDEMPOTENCY_TTL_MS = 24 * 3600 * 1000;

/**
 * Runs one state-changing command in one transaction and renders its response inside it, so the
 * idempotency record commits together with the change, or not at all.
 *
 * With a key: a transaction-scoped advisory lock on the key makes a concurrent request from any
 * process answer 409 instead of executing twice; a committed record is replayed (same key, same
 * request) or refused (same key, other request). A command that throws rolls back and stores
 * nothing.
 *
 * `singleStatement` declares that `work` writes with exactly one SQL statement (atomic on its
 * own); without an idempotency key it then runs outside a transaction, saving the BEGIN and
 * COMMIT round trips on the hottest path (payment creation).
 *
 * A transaction's first statement holds the merchant's row (merchant-locks.repo: with the key's
 * lock when there is a key, else on its own), before `work` locks any of the merchant's rows: a
 * reset of its test data running meanwhile is then waited for, not deadlocked with
 * (test-data-reset.ts). A single statement needs none: its inserts' foreign keys hold the row.
 */
export async function runCommand<T>(
  db: Db,
  actor: Actor,
  idempotency: IdempotencyKey | null,
  work: (trx: Db) => Promise<T>,
  render: (result: T) => StoredResponse,
  options?: { singleStatement?: boolean },
): Promise<StoredResponse>;
/**
 * Without a renderer: the hosted page, whose forms carry no idempotency key and whose page is
 * drawn after the commit from what the command returned. The command runs in one transaction.
 */
export async function runCommand<T>(db: Db, actor: Actor, idempotency: null, work: (trx: Db) => Promise<T>): Promise<T>;
export async function runCommand<T>(
  db: Db,
  actor: Actor,
  idempotency: IdempotencyKey | null,
  work: (trx: Db) => Promise<T>,
  render?: (result: T) => StoredResponse,
  { singleStatement = false } = {},
): Promise<StoredResponse | T> {
  if (!render) {
    return db.transaction().execute(async (trx) => {
      await merchantLocks.holdMerchant(trx, actor.merchant.id);
      return work(trx);
    });
  }
  if (singleStatement && !idempotency) return render(await work(db));
  return db.transaction().execute(async (trx) => {
    const now = actor.clock.now();
    if (!idempotency) await merchantLocks.holdMerchant(trx, actor.merchant.id);
    if (idempotency) {
      const merchantId = actor.merchant.id;
      if (!(await idempotencyRepo.tryLockKey(trx, merchantId, idempotency.key))) throw new ApiError('conflict');
      const previous = await idempotencyRepo.findRecord(trx, merchantId, idempotency.key, new Date(now.getTime() - IDEMPOTENCY_TTL_MS));
      if (previous) {
        if (previous.request_hash !== idempotency.requestHash) {
          throw new ApiError('unprocessable_entity', {
            param: 'X-KOMOJU-IDEMPOTENCY',
            message: 'This idempotency key was already used with a different request.',
          });
        }
        return { status: previous.status_code, body: previous.body, replayed: true };
      }
    }
    const response = render(await work(trx));
    if (idempotency) {
      await idempotencyRepo.saveRecord(trx, {
        merchant_id: actor.merchant.id,
        key: idempotency.key,
        request_hash: idempotency.requestHash,
        status_code: response.status,
        body: response.body,
        created_at: now,
      });
    }
    return response;
  });
}

/** Deletes idempotency records past their 24 hours (run by the worker). */
export async function purgeExpiredIdempotencyKeys(db: Db, clock: { now(): Date }): Promise<number> {
  return idempotencyRepo.purgeBefore(db, new Date(clock.now().getTime() - IDEMPOTENCY_TTL_MS));
}
