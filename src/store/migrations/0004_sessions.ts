import { sql, type Kysely } from 'kysely';

/**
 * Sessions (the Hosted Page): what the merchant asked for, the session's status and the payment it
 * produced. `payment_id` is set once, by the first successful pay (a payment that is `captured`,
 * `authorized` or, for cash methods, waiting for the customer); a declined attempt is recorded on
 * the payment side only (`payments.session_id`), so the session stays payable.
 */
export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of STATEMENTS) await sql.raw(statement).execute(db);
}

const STATEMENTS = [
  `CREATE TABLE sessions (
    id text PRIMARY KEY,
    merchant_id text NOT NULL REFERENCES merchants(id),
    mode text NOT NULL CHECK (mode IN ('payment', 'customer', 'customer_payment')),
    status text NOT NULL CHECK (status IN ('pending', 'completed', 'cancelled')),
    amount bigint,
    currency text NOT NULL,
    return_url text,
    default_locale text NOT NULL,
    payment_types jsonb NOT NULL,
    payment_data jsonb NOT NULL,
    metadata jsonb NOT NULL,
    email text,
    external_customer_id text,
    customer_id text,
    payment_id text REFERENCES payments(id),
    expires_at timestamptz NOT NULL,
    created_at timestamptz NOT NULL,
    completed_at timestamptz,
    cancelled_at timestamptz,
    updated_at timestamptz NOT NULL,
    seq bigint GENERATED ALWAYS AS IDENTITY
  )`,
  `CREATE INDEX sessions_merchant ON sessions (merchant_id, created_at DESC, seq DESC)`,
];

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE sessions`.execute(db);
}
