import { sql, type Kysely } from 'kysely';

/**
 * Fields of KOMOJU's Payment model (official SDK, models/payment.ts) that kessai accepted but did
 * not keep: the customer's family and given name (from the card details), the Merchant Category
 * Code and the statement descriptor (an object of up to five strings). Null where the request gave
 * none; rows written before this migration read as null. And a session's `line_items` (SDK
 * LineItem), shown back and on the hosted page; null when the request gave none.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE payments ADD COLUMN customer_family_name text, ADD COLUMN customer_given_name text, ADD COLUMN mcc text, ADD COLUMN statement_descriptor jsonb`.execute(db);
  await sql`ALTER TABLE sessions ADD COLUMN line_items jsonb`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE sessions DROP COLUMN line_items`.execute(db);
  await sql`ALTER TABLE payments DROP COLUMN customer_family_name, DROP COLUMN customer_given_name, DROP COLUMN mcc, DROP COLUMN statement_descriptor`.execute(db);
}
