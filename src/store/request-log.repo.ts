import { sql } from 'kysely';
import type { Db } from './db';
import type { RequestLogRow } from './schema';

export type RequestLogEntry = Omit<RequestLogRow, 'seq'>;

/**
 * Appends requests in one statement with one parameter (the rows as JSON): a few hundred rows as
 * separate parameters cost the event loop milliseconds to build and send, which showed as a
 * latency spike of the API every flush.
 */
export async function insertRequests(db: Db, entries: RequestLogEntry[]): Promise<void> {
  await sql`
    INSERT INTO request_log (merchant_id, method, path, status_code, latency_ms, idempotency_key, request_id, created_at)
    SELECT merchant_id, method, path, status_code, latency_ms, idempotency_key, request_id, created_at
    FROM json_populate_recordset(NULL::request_log, ${JSON.stringify(entries)}::json)`.execute(db);
}

/** Deletes each merchant's rows older than its newest `keep`, in one statement. */
export async function trimRequests(db: Db, merchantIds: string[], keep: number): Promise<void> {
  if (merchantIds.length === 0) return;
  await sql`
    DELETE FROM request_log r
    USING (
      SELECT m.id, (SELECT seq FROM request_log WHERE merchant_id = m.id ORDER BY seq DESC OFFSET ${keep - 1} LIMIT 1) AS oldest_kept
      FROM unnest(${merchantIds}::text[]) AS m(id)
    ) cut
    WHERE r.merchant_id = cut.id AND r.seq < cut.oldest_kept`.execute(db);
}

/** Newest first. */
export async function listRequests(db: Db, merchantId: string, page: number, perPage: number) {
  const query = db.selectFrom('request_log').where('merchant_id', '=', merchantId);
  const [rows, count] = await Promise.all([
    query.selectAll().orderBy('seq', 'desc').limit(perPage).offset((page - 1) * perPage).execute(),
    query.select(sql<number>`count(*)::int`.as('total')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.total) };
}
