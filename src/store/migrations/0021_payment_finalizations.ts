import { sql, type Kysely } from 'kysely';

/**
 * The EMV chip payments whose terminal has sent its final decision (POST /payments/:id/finalize).
 * Until then an EMV authorization may not be captured: the chip may still decline it. A row of its
 * own, not a payments column, as only terminal payments ever have one; it goes with its payment.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`CREATE TABLE payment_finalizations (
    payment_id text PRIMARY KEY REFERENCES payments(id) ON DELETE CASCADE,
    ac_type text NOT NULL CHECK (ac_type IN ('tc', 'aac', 'fault')),
    finalized_at timestamptz NOT NULL
  )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE payment_finalizations`.execute(db);
}
