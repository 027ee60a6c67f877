import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import * as cheaperWrites from '../../src/store/migrations/0010_cheaper_writes';
import { WEBHOOK_CHANNEL } from '../../src/store/outbox.repo';
import { startHarness, testCard, type Harness } from '../helpers/harness';

// Inserting deliveries wakes the webhook workers (NOTIFY kessai_webhooks, payload: the schema),
// once per transaction; a write that queues no delivery sends nothing.
let h: Harness;
const notifications: string[] = [];
let unlisten: () => Promise<void>;
let schema: string;

// The channel is shared by every schema on the database, and other test files run beside this one
// on PostgreSQL: count only this harness's schema.
beforeAll(async () => {
  h = await startHarness();
  schema = (await sql<{ schema: string }>`SELECT current_schema() AS schema`.execute(h.store.db)).rows[0].schema;
  unlisten = await h.store.listen(WEBHOOK_CHANNEL, (payload) => {
    if (payload === schema) notifications.push(payload);
  });
});
afterAll(async () => {
  await unlisten();
  await h.close();
});

const settle = () => new Promise((resolve) => setTimeout(resolve, 300));
const pay = (key: string) => h.request({ method: 'POST', url: '/api/v1/payments', key, json: { amount: 1000, currency: 'JPY', payment_details: testCard() } });

it('notifies once per transaction that queues deliveries, and not for one that queues none', async () => {
  const quiet = await h.merchant();
  expect((await pay(quiet.secretKey)).status).toBe(200);
  await settle();
  expect(notifications).toEqual([]);

  const busy = await h.merchant();
  for (const path of ['/one', '/two']) {
    const endpoint = await h.request({ method: 'POST', url: '/api/v1/webhooks', key: busy.secretKey, json: { url: `http://127.0.0.1:9${path}` } });
    expect(endpoint.status, endpoint.text).toBe(200);
  }
  // Each new endpoint is greeted with a ping, queued and notified in its own transaction.
  await settle();
  expect(notifications).toEqual([schema, schema]);
  notifications.length = 0;
  expect((await pay(busy.secretKey)).status).toBe(200);
  const deadline = Date.now() + 5000;
  while (notifications.length === 0 && Date.now() < deadline) await settle();
  await settle();
  expect(notifications).toEqual([schema]);
});

it('wakes the workers from a row trigger, and logs requests without locking their merchant (migration 0010)', async () => {
  // A statement-level trigger ran for every fan-out statement, most of which insert no delivery;
  // request_log's foreign key locked the merchant's row for every API request.
  const shape = async () => ({
    rowTrigger: (await sql<{ row: boolean }>`SELECT (tgtype & 1) = 1 AS row FROM pg_trigger WHERE tgrelid = 'webhook_deliveries'::regclass AND tgname = 'webhook_deliveries_notify'`.execute(h.store.db)).rows[0].row,
    logForeignKeys: Number(
      (await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_constraint WHERE conrelid = 'request_log'::regclass AND contype = 'f'`.execute(h.store.db)).rows[0].n,
    ),
  });
  expect(await shape()).toEqual({ rowTrigger: true, logForeignKeys: 0 });
  await cheaperWrites.down(h.store.db);
  expect(await shape()).toEqual({ rowTrigger: false, logForeignKeys: 1 });
  await cheaperWrites.up(h.store.db);
  expect(await shape()).toEqual({ rowTrigger: true, logForeignKeys: 0 });
});
