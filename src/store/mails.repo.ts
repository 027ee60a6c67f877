import { sql, type RawBuilder } from 'kysely';
import type { Db } from './db';
import { CLAIM_NOW } from './claim-time';
import { ofMerchant } from './of-merchant';
import type { Mail, MailKind } from '../model/mail';

// The mail outbox (migration 0014): mails written with the event that causes them, read by the
// test helpers and the dashboard, claimed and marked by the mail worker.

/** A rendered mail to queue; its recipient is `email`, else the e-mail of customer `customer_id`. */
export interface QueuedMail {
  id: string;
  merchant_id: string;
  payment_id: string;
  event_id: string;
  kind: MailKind;
  subject: string;
  locale: string;
  html: string;
  text: string;
  created_at: Date;
  email: string | null;
  customer_id: string | null;
  /** Whether a live merchant's mail is queued for SMTP (the process has a server), else `kept`. */
  send_live: boolean;
}

/**
 * The mail's INSERT, to run as a CTE of the statement that inserts its event (events.repo.ts,
 * payments.repo.ts), so that a mail exists exactly when its event does and costs no round trip.
 * The row is written only when there is someone to write to: the payment's e-mail, else its
 * customer's (read here, not by the caller, so no extra read). A test-mode merchant's mail is
 * `kept` (never sent); a live one's `queued`, due at once, when `send_live` (the process has an
 * SMTP server), else `kept` too. Its values are bound in the order of `mailParameters`.
 */
export function insertMail(mail: QueuedMail): RawBuilder<Record<string, never>> {
  // Parenthesised: Kysely writes a raw CTE body as it is, after `AS`.
  return sql<Record<string, never>>`(INSERT INTO mails (id, merchant_id, payment_id, event_id, kind, subject, locale, html, text, created_at, recipient, status, next_attempt_at)
    SELECT ${mail.id}::text, ${mail.merchant_id}::text, ${mail.payment_id}::text, ${mail.event_id}::text, ${mail.kind}::text,
      ${mail.subject}::text, ${mail.locale}::text, ${mail.html}::text, ${mail.text}::text, ${mail.created_at}::timestamptz,
      r.recipient,
      CASE WHEN r.queued THEN 'queued' ELSE 'kept' END,
      CASE WHEN r.queued THEN now() END
    FROM merchants m,
      LATERAL (SELECT coalesce(${mail.email}::text, (SELECT c.email FROM customers c WHERE c.id = ${mail.customer_id}::text AND c.merchant_id = m.id)) AS recipient,
        m.mode = 'live' AND ${mail.send_live}::boolean AS queued) r
    WHERE m.id = ${mail.merchant_id}::text AND r.recipient IS NOT NULL)`;
}

/** insertMail's values in the order it binds them (for statements compiled once). */
export function mailParameters(mail: QueuedMail): unknown[] {
  return [
    mail.id, mail.merchant_id, mail.payment_id, mail.event_id, mail.kind, mail.subject, mail.locale, mail.html, mail.text,
    mail.created_at, mail.email, mail.customer_id, mail.send_live, mail.merchant_id,
  ];
}

/** mailParameters turned back into the mail (the compiled-once statement's builder reads them so). */
export function mailFromParameters(values: unknown[]): QueuedMail {
  const [id, merchant_id, payment_id, event_id, kind, subject, locale, html, text, created_at, email, customer_id, send_live] = values;
  return { id, merchant_id, payment_id, event_id, kind, subject, locale, html, text, created_at, email, customer_id, send_live } as QueuedMail;
}

export async function findMail(db: Db, merchantId: string, id: string): Promise<Mail | undefined> {
  return ofMerchant(merchantId, await db.selectFrom('mails').selectAll().where('id', '=', id).executeTakeFirst());
}

export interface MailFilter {
  merchantId: string;
  recipient?: string;
  paymentId?: string;
  startTime?: Date;
  endTime?: Date;
}

/** A merchant's mails, newest first. Recipients are compared without letter case. */
export async function listMails(db: Db, filter: MailFilter, page: number, perPage: number) {
  let query = db.selectFrom('mails').where('merchant_id', '=', filter.merchantId);
  if (filter.recipient !== undefined) query = query.where(sql<string>`lower(recipient)`, '=', filter.recipient.toLowerCase());
  if (filter.paymentId !== undefined) query = query.where('payment_id', '=', filter.paymentId);
  if (filter.startTime) query = query.where('created_at', '>=', filter.startTime);
  if (filter.endTime) query = query.where('created_at', '<=', filter.endTime);
  const [rows, count] = await Promise.all([
    query.selectAll().orderBy('created_at', 'desc').orderBy('seq', 'desc').limit(perPage).offset((page - 1) * perPage).execute(),
    query.select(sql<number>`count(*)::int`.as('total')).executeTakeFirstOrThrow(),
  ]);
  return { rows: rows.map(({ seq: _seq, ...mail }) => mail as Mail), total: Number(count.total) };
}

/**
 * Claims up to `limit` queued mails that are due, for `claimMs`: `FOR UPDATE SKIP LOCKED` lets
 * several workers claim at once without taking the same mail, and a claim (rather than a
 * transaction held open during the SMTP conversation) lets another worker retry a mail whose
 * worker died once the claim runs out. The claim is timed by the database's clock (CLAIM_NOW),
 * so workers whose clocks disagree still agree on when it ends.
 */
export async function claimDueMails(db: Db, limit: number, claimMs: number): Promise<Mail[]> {
  const { rows } = await sql<Mail & { seq: number }>`
    UPDATE mails SET claimed_until = ${CLAIM_NOW} + ${claimMs} * interval '1 millisecond'
    WHERE id IN (
      SELECT id FROM mails
      WHERE status = 'queued' AND next_attempt_at <= ${CLAIM_NOW} AND (claimed_until IS NULL OR claimed_until <= ${CLAIM_NOW})
      ORDER BY next_attempt_at
      LIMIT ${limit}
      FOR UPDATE SKIP LOCKED
    )
    RETURNING *`.execute(db);
  return rows.map(({ seq: _seq, ...mail }) => mail);
}

/** What one try at sending a mail came to: sent, tried again at `retryAt`, or given up (`failed`). */
export type SendOutcome = { status: 'sent'; at: Date } | { status: 'queued'; error: string; retryAt: Date } | { status: 'failed'; error: string };

/** Records a try (`systemNow`: this process's time, of which a retry's time is reckoned); a mail no longer queued (another worker got there) keeps its state. */
export async function recordSend(db: Db, id: string, outcome: SendOutcome, systemNow: Date): Promise<void> {
  await db
    .updateTable('mails')
    .set({
      status: outcome.status,
      attempts: sql<number>`attempts + 1`,
      claimed_until: null,
      last_error: outcome.status === 'sent' ? null : outcome.error,
      // The retry's delay, counted from the database's clock, which claimDueMails compares with.
      next_attempt_at: outcome.status === 'queued' ? sql<Date>`${CLAIM_NOW} + (${outcome.retryAt}::timestamptz - ${systemNow}::timestamptz)` : null,
      sent_at: outcome.status === 'sent' ? outcome.at : null,
    })
    .where('id', '=', id)
    .where('status', '=', 'queued')
    .execute();
}
