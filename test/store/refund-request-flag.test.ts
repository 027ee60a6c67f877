import { sql, type CompiledQuery } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createMerchant } from '../../src/domain/merchants';
import { openStore, type Store } from '../../src/store/db';
import { migrateToLatest } from '../../src/store/migrate';
import * as refundRequestFlag from '../../src/store/migrations/0009_refund_request_flag';
import { findPayment } from '../../src/store/payments.repo';
import { dropSchemas, testSchemaName, usingPostgres } from '../helpers/harness';

// A payment's refunds and refund requests are read only when the payment says it has some
// (`amount_refunded`, and `has_refund_requests` of migration 0009), and then with the payment in
// one statement; the migration flags the payments that had requests before it.
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

it('shows refunds and amount_refunded from one moment, even when a refund commits between its reads', async () => {
  await sql`
    INSERT INTO payments (id, merchant_id, status, payment_type, amount, tax, currency, payment_details, locale, created_at, updated_at, captured_at)
    VALUES ('race1', ${merchantId}, 'captured', 'credit_card', 1000, 0, 'JPY', '{"type":"credit_card"}', 'ja', now(), now(), now())`.execute(store.db);
  const refund = (id: string) => sql`
    WITH r AS (INSERT INTO refunds (id, merchant_id, payment_id, amount, currency, created_at) VALUES (${id}, ${merchantId}, 'race1', 100, 'JPY', now()))
    UPDATE payments SET amount_refunded = amount_refunded + 100, updated_at = now() WHERE id = 'race1'`;
  await refund('ref1').execute(store.db);
  // Once the read's first statement has answered, another refund commits before the next one.
  let refunded = false;
  const interleaved = new Proxy(store.db, {
    get(target, property) {
      if (property === 'executeQuery') {
        return async (query: CompiledQuery) => {
          const result = await target.executeQuery(query);
          if (!refunded) {
            refunded = true;
            await refund('ref2').execute(target);
          }
          return result;
        };
      }
      const value = Reflect.get(target, property);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  const payment = await findPayment(interleaved, merchantId, 'race1');
  expect(refunded).toBe(true);
  expect(payment!.refunds.reduce((sum, r) => sum + r.amount, 0)).toBe(payment!.amount_refunded);
});
