import { sql, type Kysely } from 'kysely';

/**
 * The mail outbox: the e-mails KOMOJU sends a payment's customer (konbini, bank transfer and
 * PayEasy instructions, receipts, refund notices), rendered (HTML and text) and written in the
 * statement that records the payment's event. Test-mode mails are kept, never sent (`kept`);
 * live-mode mails wait (`queued`) until the mail worker sends them over SMTP (`sent`, or `failed`
 * once its retries are spent). See src/domain/mail.ts.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`CREATE TABLE mails (
    id text PRIMARY KEY,
    merchant_id text NOT NULL REFERENCES merchants (id),
    payment_id text NOT NULL,
    event_id text NOT NULL,
    kind text NOT NULL,
    recipient text NOT NULL,
    subject text NOT NULL,
    locale text NOT NULL,
    html text NOT NULL,
    text text NOT NULL,
    status text NOT NULL CHECK (status IN ('kept', 'queued', 'sent', 'failed')),
    attempts integer NOT NULL DEFAULT 0,
    last_error text,
    next_attempt_at timestamptz,
    claimed_until timestamptz,
    sent_at timestamptz,
    created_at timestamptz NOT NULL,
    seq bigserial NOT NULL
  )`.execute(db);
  await sql`CREATE INDEX mails_merchant_created ON mails (merchant_id, created_at DESC, seq DESC)`.execute(db);
  await sql`CREATE INDEX mails_merchant_recipient ON mails (merchant_id, recipient)`.execute(db);
  await sql`CREATE INDEX mails_merchant_payment ON mails (merchant_id, payment_id)`.execute(db);
  // What the worker claims: few rows, so a partial index keeps its scan small.
  await sql`CREATE INDEX mails_queued ON mails (next_attempt_at) WHERE status = 'queued'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE mails`.execute(db);
}
