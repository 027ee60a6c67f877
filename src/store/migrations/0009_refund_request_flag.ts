import { sql, type Kysely } from 'kysely';

/**
 * Whether a payment has refund requests, so that reading one payment needs no sub-query for them
 * when it has none (nearly always; its refunds are skipped the same way by `amount_refunded`).
 * PostgreSQL builds every sub-plan of a statement before running it, even one a CASE then skips:
 * the refunds and refund-requests sub-plans were a fifth to a third of the database's work per
 * GET /payments/:id. Set in the statement that inserts a refund request (refund-requests.repo.ts).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE payments ADD COLUMN has_refund_requests boolean NOT NULL DEFAULT false`.execute(db);
  await sql`UPDATE payments p SET has_refund_requests = true WHERE EXISTS (SELECT 1 FROM refund_requests q WHERE q.payment_id = p.id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE payments DROP COLUMN has_refund_requests`.execute(db);
}
