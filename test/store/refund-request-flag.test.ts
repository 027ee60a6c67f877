import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createMerchant } from '../../src/domain/merchants';
import { openStore, type Store } from '../../src/store/db';
import { migrateToLatest } from '../../src/store/migrate';
import * as refundRequestFlag from '../../src/store/migrations/0009_refund_request_flag';
import { findPayment } from '../../src/store/payments.repo';
import { dropSchemas, testSchemaName, usingPostgres } from '../helpers/harness';

// A payment's refund requests are read only when the payment is flagged (migration 0009); the
// migration flags the payments that had requests before it.
const schema = usingPostgres ? testSchemaName() : undefined;
let store: Store;
let merchantId: string;

beforeAll(async () => {
  store = await openStore({ databaseUrl: process.env.DATABASE_URL ?? null, schema, dataDir: 'memory://' });
  await migrateToLatest(store.db);
  merchantId = (await createMerchant(store.db, { name: 'Flags' }, new Date())).merchant.id;
});

afterAll(async () => {
  await store.close();
  if (schema) await dropSchemas([schema]);
});

it('flags, when it runs, the payments that already have refund requests, and only those', async () => {
  await refundRequestFlag.down(store.db);
  await sql`
    INSERT INTO payments (id, merchant_id, status, payment_type, amount, tax, currency, payment_details, locale, created_at, updated_at, captured_at)
    SELECT 'flag' || g, ${merchantId}, 'captured', 'konbini', 1000, 0, 'JPY', '{"type":"konbini"}', 'ja', now(), now(), now() FROM generate_series(1, 2) g`.execute(store.db);
  await sql`
    INSERT INTO refund_requests (id, merchant_id, payment_id, amount, customer_name, bank_name, branch_number, account_type, account_number, include_payment_method_fee, status, created_at, updated_at)
    VALUES ('rr1', ${merchantId}, 'flag1', 500, 'ヤマダ タロウ', 'みずほ銀行', '001', 'normal', '1234567', false, 'pending', now(), now())`.execute(store.db);
  await refundRequestFlag.up(store.db);

  const { rows } = await sql<{ id: string; has_refund_requests: boolean }>`SELECT id, has_refund_requests FROM payments WHERE id LIKE 'flag%' ORDER BY id`.execute(store.db);
  expect(rows).toEqual([
    { id: 'flag1', has_refund_requests: true },
    { id: 'flag2', has_refund_requests: false },
  ]);
  expect((await findPayment(store.db, merchantId, 'flag1'))?.refund_requests).toMatchObject([{ id: 'rr1', amount: 500, status: 'pending' }]);
  expect((await findPayment(store.db, merchantId, 'flag2'))?.refund_requests).toEqual([]);
});
