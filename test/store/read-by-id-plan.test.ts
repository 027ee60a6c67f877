import { CompiledQuery, sql, type KyselyPlugin } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMerchant } from '../../src/domain/merchants';
import * as customersRepo from '../../src/store/customers.repo';
import { openStore, type Db, type Store } from '../../src/store/db';
import { migrateToLatest } from '../../src/store/migrate';
import * as sessionsRepo from '../../src/store/sessions.repo';
import { dropSchemas, testSchemaName, usingPostgres } from '../helpers/harness';

// Reads of one customer or session by id must never go through the merchant-led index: on a table
// never analysed (a new database), PostgreSQL chose it and filtered all of the merchant's rows by
// id (see src/store/of-merchant.ts). The payment reads have their own test (payment-read-plan.test.ts).
const schema = usingPostgres ? testSchemaName() : undefined;
let store: Store;
let merchantId: string;
// 25 characters, as kessai's ids are: with short ids the primary key's index is the smaller one
// and wins anyway.
const CUSTOMER = `cus${'150'.padStart(22, '0')}`;
const SESSION = `ses${'150'.padStart(22, '0')}`;

beforeAll(async () => {
  store = await openStore({ databaseUrl: process.env.DATABASE_URL ?? null, schema, dataDir: 'memory://', poolSize: 1 });
  await migrateToLatest(store.db);
  merchantId = (await createMerchant(store.db, { name: 'Plans' }, new Date())).merchant.id;
  await sql`
    INSERT INTO customers (id, merchant_id, metadata, created_at, updated_at)
    SELECT 'cus' || lpad(g::text, 22, '0'), ${merchantId}, '{}', now(), now() FROM generate_series(1, 300) g`.execute(store.db);
  await sql`
    INSERT INTO sessions (id, merchant_id, mode, status, amount, currency, default_locale, payment_types, payment_data, metadata, expires_at, created_at, updated_at)
    SELECT 'ses' || lpad(g::text, 22, '0'), ${merchantId}, 'payment', 'pending', 1000, 'JPY', 'ja', '[]', '{}', '{}', now() + interval '1 day', now(), now()
    FROM generate_series(1, 300) g`.execute(store.db);
});

afterAll(async () => {
  await store.close();
  if (schema) await dropSchemas([schema]);
});

/** The statements `read` sends, compiled as the store sends them. */
async function statementsOf(read: (db: Db) => Promise<unknown>): Promise<CompiledQuery[]> {
  const sent: CompiledQuery[] = [];
  const spy: KyselyPlugin = {
    transformQuery: (args) => {
      sent.push(store.db.getExecutor().compileQuery(args.node, args.queryId));
      return args.node;
    },
    transformResult: async (args) => args.result,
  };
  await store.db.transaction().execute((trx) => read(trx.withPlugin(spy)));
  return sent;
}

/** The plan PostgreSQL makes for `statement` with its values (custom) and without them (generic). */
async function plansOf(statement: CompiledQuery): Promise<string[]> {
  const values = sql.join(statement.parameters.map((value) => sql.lit(value as string)));
  return store.db.connection().execute(async (db) => {
    const custom = await db.executeQuery(CompiledQuery.raw(`EXPLAIN (FORMAT JSON) ${statement.sql}`, [...statement.parameters]));
    await sql`PREPARE plan_probe AS ${sql.raw(statement.sql)}`.execute(db);
    await sql`SET plan_cache_mode = force_generic_plan`.execute(db);
    try {
      const generic = await sql`EXPLAIN (FORMAT JSON) EXECUTE plan_probe(${values})`.execute(db);
      return [JSON.stringify(custom.rows), JSON.stringify(generic.rows)];
    } finally {
      await sql`RESET plan_cache_mode`.execute(db);
      await sql`DEALLOCATE plan_probe`.execute(db);
    }
  });
}

describe.each([
  { name: 'findCustomer', pkey: 'customers_pkey', id: CUSTOMER, read: (db: Db): Promise<unknown> => customersRepo.findCustomer(db, merchantId, CUSTOMER) },
  { name: 'lockCustomer', pkey: 'customers_pkey', id: CUSTOMER, read: (db: Db): Promise<unknown> => customersRepo.lockCustomer(db, merchantId, CUSTOMER) },
  { name: 'findSession', pkey: 'sessions_pkey', id: SESSION, read: (db: Db): Promise<unknown> => sessionsRepo.findSession(db, merchantId, SESSION) },
  { name: 'lockSession', pkey: 'sessions_pkey', id: SESSION, read: (db: Db): Promise<unknown> => sessionsRepo.lockSession(db, merchantId, SESSION) },
])('$name', ({ pkey, id, read }) => {
  it("is never planned through the merchant's index, with or without its values", async () => {
    expect(((await store.db.transaction().execute((trx) => read(trx))) as { id: string } | undefined)?.id).toBe(id);
    const statements = await statementsOf(read);
    expect(statements).toHaveLength(1);
    for (const plan of await plansOf(statements[0])) {
      // The primary key, or a sequential scan while the planner still believes the table empty.
      expect(plan).toMatch(new RegExp(`"Index Name":"${pkey}"|"Node Type":"Seq Scan"`));
      expect(plan).not.toMatch(/_merchant/);
    }
  });
});

it("answers nothing for another merchant's customer or session", async () => {
  expect(await customersRepo.findCustomer(store.db, 'someoneelse', CUSTOMER)).toBeUndefined();
  expect(await sessionsRepo.findSession(store.db, 'someoneelse', SESSION)).toBeUndefined();
  await store.db.transaction().execute(async (trx) => {
    expect(await customersRepo.lockCustomer(trx, 'someoneelse', CUSTOMER)).toBeUndefined();
    expect(await sessionsRepo.lockSession(trx, 'someoneelse', SESSION)).toBeUndefined();
  });
});
