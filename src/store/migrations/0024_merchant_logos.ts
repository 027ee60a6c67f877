import { sql, type Kysely } from 'kysely';

/**
 * A merchant's logo, shown to its customers above its name on the hosted page, the instructions
 * and the result pages; uploaded in the dashboard's settings. One per merchant; `digest` (sha256
 * of the bytes) is the logo's public address (/logos/<digest>), so a new logo is a new address and
 * the old one may be cached for good. The bytes were checked to be a PNG, JPEG or WebP image of
 * `width` × `height` pixels before they were stored.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`CREATE TABLE merchant_logos (
    merchant_id text PRIMARY KEY REFERENCES merchants (id) ON DELETE CASCADE,
    digest text NOT NULL,
    content_type text NOT NULL CHECK (content_type IN ('image/png', 'image/jpeg', 'image/webp')),
    width integer NOT NULL CHECK (width > 0),
    height integer NOT NULL CHECK (height > 0),
    bytes bytea NOT NULL,
    updated_at timestamptz NOT NULL
  )`.execute(db);
  await sql`CREATE INDEX merchant_logos_digest ON merchant_logos (digest)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE merchant_logos`.execute(db);
}
