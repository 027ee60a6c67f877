import { sql, type Kysely } from 'kysely';

/**
 * The first schema. `seq` columns order rows created within the same millisecond; JSON columns
 * are `json`, not `jsonb`, so objects keep the key order the API prints. Money rules are constraints here as well as code checks: a refund can never
 * push amount_refunded past total, and a payment is captured exactly when captured_at is set.
 */
export async function up(db: Kysely<any>): Promise<void> {
  // One statement per call: PGlite's extended protocol runs a single statement at a time.
  for (const statement of SCHEMA.split(/;\s*\n/).map((s) => s.trim()).filter(Boolean)) {
    await sql.raw(statement).execute(db);
  }
}

const SCHEMA = `
    CREATE TABLE merchants (
      id text PRIMARY KEY,
      name text NOT NULL,
      mode text NOT NULL CHECK (mode IN ('test', 'live')),
      clock_offset_ms bigint NOT NULL DEFAULT 0,
      payment_types json,
      created_at timestamptz NOT NULL
    );

    CREATE TABLE api_keys (
      digest text PRIMARY KEY,
      merchant_id text NOT NULL REFERENCES merchants(id),
      kind text NOT NULL CHECK (kind IN ('secret', 'publishable')),
      display text NOT NULL,
      created_at timestamptz NOT NULL,
      revoked_at timestamptz
    );
    CREATE INDEX api_keys_merchant ON api_keys (merchant_id);

    CREATE TABLE payments (
      id text PRIMARY KEY,
      merchant_id text NOT NULL REFERENCES merchants(id),
      status text NOT NULL CHECK (status IN ('pending', 'authorized', 'captured', 'refunded', 'cancelled', 'expired', 'failed')),
      payment_type text NOT NULL,
      amount bigint NOT NULL CHECK (amount >= 0),
      tax bigint NOT NULL CHECK (tax >= 0),
      payment_method_fee bigint NOT NULL DEFAULT 0 CHECK (payment_method_fee >= 0),
      total bigint GENERATED ALWAYS AS (amount + tax + payment_method_fee) STORED,
      currency text NOT NULL,
      amount_refunded bigint NOT NULL DEFAULT 0,
      customer_id text,
      session_id text,
      payment_deadline timestamptz,
      payment_details json NOT NULL,
      secret_details text,
      description text,
      external_order_num text,
      metadata json NOT NULL DEFAULT '{}',
      locale text NOT NULL,
      email text,
      return_url text,
      fraud_details json,
      failure_code text,
      captured_at timestamptz,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      seq bigint GENERATED ALWAYS AS IDENTITY,
      CONSTRAINT refunds_within_total CHECK (amount_refunded >= 0 AND amount_refunded <= amount + tax + payment_method_fee),
      CONSTRAINT captured_once CHECK ((status IN ('captured', 'refunded')) = (captured_at IS NOT NULL)),
      CONSTRAINT refunded_only_when_captured CHECK (amount_refunded = 0 OR status IN ('captured', 'refunded'))
    );
    CREATE INDEX payments_merchant_created ON payments (merchant_id, created_at DESC, seq DESC);
    CREATE INDEX payments_merchant_order ON payments (merchant_id, external_order_num);

    CREATE TABLE refunds (
      id text PRIMARY KEY,
      merchant_id text NOT NULL REFERENCES merchants(id),
      payment_id text NOT NULL REFERENCES payments(id),
      amount bigint NOT NULL CHECK (amount > 0),
      currency text NOT NULL,
      description text,
      created_at timestamptz NOT NULL,
      seq bigint GENERATED ALWAYS AS IDENTITY
    );
    CREATE INDEX refunds_payment ON refunds (payment_id, created_at, seq);
    CREATE INDEX payments_due ON payments (payment_deadline) WHERE status IN ('pending', 'authorized');

    CREATE TABLE refund_requests (
      id text PRIMARY KEY,
      merchant_id text NOT NULL REFERENCES merchants(id),
      payment_id text NOT NULL REFERENCES payments(id),
      amount bigint NOT NULL CHECK (amount > 0),
      customer_name text NOT NULL,
      bank_name text NOT NULL,
      bank_code text,
      branch_name text,
      branch_number text NOT NULL,
      account_type text NOT NULL CHECK (account_type IN ('normal', 'checking', 'savings')),
      account_number text NOT NULL,
      include_payment_method_fee boolean NOT NULL,
      description text,
      status text NOT NULL CHECK (status IN ('pending', 'completed', 'rejected')),
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      seq bigint GENERATED ALWAYS AS IDENTITY
    );
    CREATE INDEX refund_requests_payment ON refund_requests (payment_id, created_at, seq);

    CREATE TABLE events (
      id text PRIMARY KEY,
      merchant_id text NOT NULL REFERENCES merchants(id),
      type text NOT NULL,
      resource_id text NOT NULL,
      data json NOT NULL,
      reason text,
      created_at timestamptz NOT NULL,
      seq bigint GENERATED ALWAYS AS IDENTITY
    );
    CREATE INDEX events_merchant_created ON events (merchant_id, created_at DESC, seq DESC);

    CREATE TABLE idempotency_keys (
      merchant_id text NOT NULL REFERENCES merchants(id),
      key text NOT NULL,
      request_hash text NOT NULL,
      status_code integer NOT NULL,
      body text NOT NULL,
      created_at timestamptz NOT NULL,
      PRIMARY KEY (merchant_id, key)
    );
`;

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE idempotency_keys, events, refunds, payments, api_keys, merchants`.execute(db);
}
