import { sql, type Kysely } from 'kysely';

/**
 * Subscriptions (POST /subscriptions): a customer's stored card charged every week, month or
 * year on the merchant's clock. `subscriptions_due` is what the billing sweep reads: active rows
 * by the time their next charge (or retry) falls due. The customer is not a foreign key: deleting
 * a customer cancels its subscriptions, which keep a snapshot of it (`customer`).
 */
export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of SCHEMA.split(/;\s*\n/).map((s) => s.trim()).filter(Boolean)) {
    await sql.raw(statement).execute(db);
  }
}

const SCHEMA = `
    CREATE TABLE subscriptions (
      id text PRIMARY KEY,
      merchant_id text NOT NULL REFERENCES merchants(id),
      customer_id text NOT NULL,
      customer json NOT NULL,
      status text NOT NULL CHECK (status IN ('active', 'suspended', 'cancelled')),
      amount bigint NOT NULL CHECK (amount >= 0),
      currency text NOT NULL,
      period text NOT NULL CHECK (period IN ('weekly', 'monthly', 'yearly')),
      day integer NOT NULL CHECK (day BETWEEN 1 AND 366),
      cycle integer NOT NULL DEFAULT 0 CHECK (cycle >= 0),
      next_capture_at timestamptz NOT NULL,
      retry_count integer NOT NULL DEFAULT 0 CHECK (retry_count >= 0),
      retry_at timestamptz,
      payments json NOT NULL DEFAULT '[]',
      metadata json NOT NULL DEFAULT '{}',
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      ended_at timestamptz,
      seq bigint GENERATED ALWAYS AS IDENTITY,
      CONSTRAINT subscription_ended CHECK ((status = 'active') = (ended_at IS NULL)),
      CONSTRAINT subscription_retry CHECK (retry_at IS NULL OR status = 'active')
    );
    CREATE INDEX subscriptions_merchant_created ON subscriptions (merchant_id, created_at DESC, seq DESC);
    CREATE INDEX subscriptions_customer ON subscriptions (customer_id) WHERE status = 'active';
    CREATE INDEX subscriptions_due ON subscriptions ((coalesce(retry_at, next_capture_at))) WHERE status = 'active'
`;

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE subscriptions`.execute(db);
}
