import { sql, type Kysely } from 'kysely';

/**
 * Tokens (one-time payment details, and 3-D Secure "secure tokens") and customers (stored
 * payment details). Sensitive details live only in `secret_details`, a vault envelope that starts
 * with the id of the key that sealed it (`kid.iv.tag.ciphertext`), so `kessai vault rotate` can
 * find and re-seal what an older key sealed. A token's envelope (card number, CVV, prepaid number,
 * passwords) is erased when the token is used or expires: a constraint keeps used tokens empty.
 */
export async function up(db: Kysely<any>): Promise<void> {
  // One statement per call: PGlite's extended protocol runs a single statement at a time.
  for (const statement of SCHEMA.split(/;\s*\n/).map((s) => s.trim()).filter(Boolean)) {
    await sql.raw(statement).execute(db);
  }
}

const SCHEMA = `
    CREATE TABLE customers (
      id text PRIMARY KEY,
      merchant_id text NOT NULL REFERENCES merchants(id),
      email text,
      metadata json NOT NULL DEFAULT '{}',
      payment_type text,
      source json,
      secret_details text,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      seq bigint GENERATED ALWAYS AS IDENTITY,
      CONSTRAINT stored_details_complete CHECK ((payment_type IS NULL) = (secret_details IS NULL))
    );
    CREATE INDEX customers_merchant_created ON customers (merchant_id, created_at DESC, seq DESC);

    CREATE TABLE tokens (
      id text PRIMARY KEY,
      merchant_id text NOT NULL REFERENCES merchants(id),
      kind text NOT NULL CHECK (kind IN ('token', 'secure_token')),
      payment_type text NOT NULL,
      payment_details json NOT NULL,
      secret_details text,
      currency text,
      amount bigint CHECK (amount >= 0),
      customer_id text,
      return_url text,
      verification_status text CHECK (verification_status IN ('NEEDS_VERIFY', 'OK', 'SKIPPED', 'ERRORED')),
      created_at timestamptz NOT NULL,
      expires_at timestamptz NOT NULL,
      used_at timestamptz,
      CONSTRAINT secure_tokens_verify CHECK ((kind = 'secure_token') = (verification_status IS NOT NULL)),
      CONSTRAINT used_tokens_keep_no_secrets CHECK (used_at IS NULL OR secret_details IS NULL)
    );
    CREATE INDEX tokens_secrets_expiring ON tokens (expires_at) WHERE secret_details IS NOT NULL;
`;

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE tokens, customers`.execute(db);
}
