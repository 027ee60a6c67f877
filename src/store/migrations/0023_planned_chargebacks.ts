import { sql, type Kysely } from 'kysely';

/**
 * The disputes a test card promises (src/processors/test-processor.ts TEST_CARD_DISPUTES): one row
 * per payment made with such a card. The chargeback opens `delay_seconds` after the payment's
 * capture on its merchant's clock (`opened_at` then records when); `outcome` decides a defense of
 * it (null: the test helper does). A payment that is never captured never opens one.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`CREATE TABLE planned_chargebacks (
    payment_id text PRIMARY KEY REFERENCES payments (id),
    merchant_id text NOT NULL REFERENCES merchants (id),
    reason_code text NOT NULL,
    delay_seconds integer NOT NULL CHECK (delay_seconds >= 0),
    outcome text CHECK (outcome IN ('won', 'lost')),
    opened_at timestamptz
  )`.execute(db);
  // What the sweep looks for: the disputes still to open, a few rows.
  await sql`CREATE INDEX planned_chargebacks_waiting ON planned_chargebacks (merchant_id) WHERE opened_at IS NULL`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE planned_chargebacks`.execute(db);
}
