import { sql, type Kysely } from 'kysely';

/**
 * Konbini barcodes (GET /barcodes/:payment_id, src/domain/barcodes.ts): one row per payment, made
 * by the first request (the barcode is then "being generated": `number` null) and reissued in
 * place once the barcode shown expires. Goes with its payment (ON DELETE CASCADE) and with the
 * merchant's test data (store/test-data.repo.ts).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`CREATE TABLE barcodes (
    payment_id text PRIMARY KEY REFERENCES payments (id) ON DELETE CASCADE,
    merchant_id text NOT NULL REFERENCES merchants (id),
    serial integer NOT NULL CHECK (serial >= 0),
    number text CHECK (number ~ '^[0-9]{44}$'),
    issued_at timestamptz,
    expires_at timestamptz,
    created_at timestamptz NOT NULL,
    CHECK ((number IS NULL) = (serial = 0) AND (number IS NULL) = (expires_at IS NULL))
  )`.execute(db);
  await sql`CREATE INDEX barcodes_merchant ON barcodes (merchant_id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE barcodes`.execute(db);
}
