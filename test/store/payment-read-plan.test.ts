import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createMerchant } from '../../src/domain/merchants';
import { openStore, type Store } from '../../src/store/db';
import { migrateToLatest } from '../../src/store/migrate';
import { findPayment, lockPayment } from '../../src/store/payments.repo';
import { dropSchemas, testSchemaName, usingPostgres } from '../helpers/harness';

// One connection, so the statements EXPLAINed below are the ones the reads prepared.
const schema = usingPostgres ? testSchemaName() : undefined;
let store: Store;
let merchantId: string;

beforeAll(async () => {
  store = await openStore({ databaseUrl: process.env.DATABASE_URL ?? null, schema, dataDir: 'memory://', poolSize: 1 });
  await migrateToLatest(store.db);
  merchantId = (await createMerchant(store.db, { name: 'Plans' }, new Date())).merchant.id;
  // Never ANALYZEd, as on a new database, and always on PGlite (no autovacuum).
  await sql`
    INSERT INTO payments (id, merchant_id, status, payment_type, amount, tax, currency, payment_details, locale, created_at, updated_at)
    SELECT 'plan' || g, ${merchantId}, 'pending', 'konbini', 100, 0, 'JPY', '{}', 'ja', now(), now() FROM generate_series(1, 300) g`.execute(store.db);
});

afterAll(async () => {
  await store.close();
  if (schema) await dropSchemas([schema]);
});

it("reads and locks a payment through the primary key, never by scanning the merchant's payments, and with no sub-plan", async () => {
  // Past five executions PostgreSQL may switch a prepared statement to its generic plan.
  for (let i = 0; i < 8; i++) {
    expect((await findPayment(store.db, merchantId, 'plan150'))?.id).toBe('plan150');
    await store.db.transaction().execute(async (trx) => expect((await lockPayment(trx, merchantId, 'plan150'))?.id).toBe('plan150'));
  }
  const { rows } = await sql<{ name: string; parameters: number }>`
    SELECT name, cardinality(parameter_types) AS parameters FROM pg_prepared_statements WHERE statement LIKE '%row_to_json%'`.execute(store.db);
  expect(rows).toHaveLength(2);
  for (const { name, parameters } of rows) {
    // The payment id is the last parameter; a merchant id, if any, comes first.
    const values = parameters === 1 ? ['plan150'] : [merchantId, 'plan150'];
    const plan = await sql<Record<string, unknown>>`EXPLAIN (FORMAT JSON) EXECUTE ${sql.id(name)}(${sql.join(values.map((v) => sql.lit(v)))})`.execute(store.db);
    const text = JSON.stringify(plan.rows);
    expect(text).toContain('"Index Name":"payments_pkey"');
    expect(text).not.toContain('payments_merchant');
    // No refunds or refund-requests sub-plan: built on every execution even when a CASE skips it.
    expect(text).not.toContain('SubPlan');
  }
});

it("answers nothing for another merchant's payment", async () => {
  expect(await findPayment(store.db, 'someoneelse', 'plan150')).toBeUndefined();
  await store.db.transaction().execute(async (trx) => expect(await lockPayment(trx, 'someoneelse', 'plan150')).toBeUndefined());
});
