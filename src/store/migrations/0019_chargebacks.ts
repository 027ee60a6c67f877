import { sql, type Kysely } from 'kysely';

/**
 * Chargeback requests (KOMOJU's GET /chargeback_requests …) and the documents of their defenses.
 * A payment is disputed at most once (UNIQUE payment_id), for at most what it captured; a status
 * outside KOMOJU's six is refused by the database. `debited_at` / `credited_at` record the money
 * movements (src/domain/chargeback-money.ts): a credit only ever follows a debit. A document's
 * bytes live in their own table so that lists never read them; 15 MiB at most, as KOMOJU takes.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`CREATE TABLE chargebacks (
    id text PRIMARY KEY,
    merchant_id text NOT NULL REFERENCES merchants (id),
    payment_id text NOT NULL UNIQUE REFERENCES payments (id),
    amount bigint NOT NULL CHECK (amount > 0),
    currency text NOT NULL,
    status text NOT NULL CHECK (status IN ('pending', 'accepted', 'cancelled', 'expired', 'defended', 'lost')),
    reason_code text NOT NULL,
    reason text NOT NULL,
    due_date timestamptz NOT NULL,
    timeline jsonb NOT NULL,
    payment jsonb NOT NULL,
    customer jsonb NOT NULL,
    defense jsonb,
    debited_at timestamptz,
    credited_at timestamptz,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    seq bigserial NOT NULL,
    CONSTRAINT chargebacks_credit_after_debit CHECK (credited_at IS NULL OR debited_at IS NOT NULL)
  )`.execute(db);
  await sql`CREATE INDEX chargebacks_merchant_created ON chargebacks (merchant_id, created_at DESC, seq DESC)`.execute(db);
  // What the due sweep looks for: pending disputes only, a few rows.
  await sql`CREATE INDEX chargebacks_due ON chargebacks (due_date) WHERE status = 'pending'`.execute(db);
  await sql`CREATE TABLE chargeback_documents (
    id text PRIMARY KEY,
    merchant_id text NOT NULL REFERENCES merchants (id),
    chargeback_id text NOT NULL REFERENCES chargebacks (id),
    file_name text NOT NULL,
    content_type text NOT NULL CHECK (content_type IN ('application/pdf', 'image/jpeg', 'image/png', 'image/gif')),
    file_size integer NOT NULL CHECK (file_size > 0 AND file_size <= 15728640),
    content text NOT NULL,
    signing_key text NOT NULL,
    uploaded_at timestamptz NOT NULL,
    seq bigserial NOT NULL
  )`.execute(db);
  await sql`CREATE INDEX chargeback_documents_chargeback ON chargeback_documents (chargeback_id, seq)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE chargeback_documents, chargebacks`.execute(db);
}
