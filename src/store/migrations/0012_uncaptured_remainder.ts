import { sql, type Kysely } from 'kysely';

/**
 * What a partial capture left uncaptured (amount and tax). Since KOMOJU API version 2025-01-28 a
 * partially captured payment shows only what was captured; earlier versions showed the payment
 * as authorized with the remainder refunded (`amount_refunded` and a refund in `refunds`, per the
 * official SDK's CHANGELOG 1.0.0). The remainder is kept so that both shapes can be printed.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE payments ADD COLUMN uncaptured_amount bigint NOT NULL DEFAULT 0, ADD COLUMN uncaptured_tax bigint NOT NULL DEFAULT 0`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE payments DROP COLUMN uncaptured_amount, DROP COLUMN uncaptured_tax`.execute(db);
}
