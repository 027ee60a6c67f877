import { sql, type Kysely } from 'kysely';

/**
 * One-click payment (spec §6.7): the card a Hosted Page customer chose to save, for the merchant's
 * `external_customer_id` — one card per id, replaced when saved again, erased by
 * `DELETE /external_customers/:id` or the customer's "Remove" on the page. Sealed like every
 * stored card (never a CVV); `source` is what the page shows (brand, last four, expiry).
 */
export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of STATEMENTS) await sql.raw(statement).execute(db);
}

const STATEMENTS = [
  `CREATE TABLE external_customers (
    id text PRIMARY KEY,
    merchant_id text NOT NULL REFERENCES merchants(id),
    external_customer_id text NOT NULL CHECK (length(external_customer_id) BETWEEN 1 AND 255),
    payment_type text NOT NULL,
    source jsonb NOT NULL,
    secret_details text NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    seq bigint GENERATED ALWAYS AS IDENTITY,
    CONSTRAINT external_customers_one_per_id UNIQUE (merchant_id, external_customer_id)
  )`,
];

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE external_customers`.execute(db);
}
