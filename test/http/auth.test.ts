import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rollSecretKey } from '../../src/domain/dashboard/keys';
import { changeEnabledTypes, createMerchant } from '../../src/domain/merchants';
import { sha256Hex } from '../../src/lib/digest';
import * as merchantsRepo from '../../src/store/merchants.repo';
import { KEY_CACHE_MS } from '../../src/store/merchants.repo';
import { startHarness, testCard, type Harness } from '../helpers/harness';
import { expectError, paymentApi } from '../helpers/payment-api';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

/** Every route only the secret key may call (docs/decisions.md #2). `:id` need not exist: 403 comes first. */
const SECRET_ONLY: { method: 'GET' | 'POST' | 'PATCH'; url: string; json?: unknown }[] = [
  { method: 'GET', url: '/api/v1/payments' },
  { method: 'GET', url: '/api/v1/payments/abc' },
  { method: 'POST', url: '/api/v1/payments', json: { amount: 1000, currency: 'JPY', payment_details: testCard() } },
  { method: 'POST', url: '/api/v1/payments/abc/capture', json: {} },
  { method: 'POST', url: '/api/v1/payments/abc/refund', json: {} },
  { method: 'POST', url: '/api/v1/payments/abc/cancel', json: {} },
  { method: 'PATCH', url: '/api/v1/payments/abc', json: { description: 'x' } },
  { method: 'GET', url: '/api/v1/events' },
  { method: 'GET', url: '/api/v1/events/abc' },
];

describe('authentication', () => {
  it('answers 401 unauthorized without an Authorization header', async () => {
    const res = await h.request({ url: '/api/v1/payments' });
    expectError(res, 401, 'unauthorized', null);
  });

  it('answers 401 for a key no merchant has', async () => {
    expectError(await h.request({ url: '/api/v1/payments', key: 'sk_test_nobodyhasthiskey000000000000' }), 401, 'unauthorized');
  });

  it('answers 401 for malformed Authorization headers', async () => {
    const { secretKey } = await h.merchant();
    const malformed = [
      `Bearer ${secretKey}`, // not Basic
      `Basic ${secretKey}`, // the key not base64-encoded (contains "_")
      'Basic', // nothing after the scheme
      'Basic !!!!', // not base64
      `Basic ${Buffer.from(':').toString('base64')}`, // empty user name
      `Basic ${Buffer.from(`:${secretKey}`).toString('base64')}`, // key sent as the password
      secretKey, // no scheme at all
    ];
    for (const authorization of malformed) {
      const res = await h.request({ url: '/api/v1/payments', headers: { authorization } });
      expect(res.status, authorization).toBe(401);
      expect(res.body.error.code).toBe('unauthorized');
    }
  });

  it('does not create a payment for an unauthenticated request', async () => {
    const count = async () => (await sql<{ n: number }>`SELECT count(*)::int AS n FROM payments`.execute(h.store.db)).rows[0].n;
    const before = await count();
    const res = await h.request({
      method: 'POST',
      url: '/api/v1/payments',
      key: 'sk_test_wrong',
      json: { amount: 1000, currency: 'JPY', payment_details: testCard() },
    });
    expectError(res, 401, 'unauthorized');
    expect(await count()).toBe(before);
  });

  it('accepts the secret key as user name, with or without a password part', async () => {
    const m = await h.merchant();
    expect((await h.request({ url: '/api/v1/payments', key: m.secretKey })).status).toBe(200);
    const withPassword = `Basic ${Buffer.from(`${m.secretKey}:ignored`).toString('base64')}`;
    expect((await h.request({ url: '/api/v1/payments', headers: { authorization: withPassword } })).status).toBe(200);
    const lowercaseScheme = `basic ${Buffer.from(`${m.secretKey}:`).toString('base64')}`;
    expect((await h.request({ url: '/api/v1/payments', headers: { authorization: lowercaseScheme } })).status).toBe(200);
  });

  it('lets the secret key call every secret-only route', async () => {
    const m = await h.merchant();
    const api = paymentApi(h, m.secretKey);
    const authorized = await api.create({ capture: false });
    const captured = await api.create();
    expect((await api.get('/api/v1/payments')).status).toBe(200);
    expect((await api.get(`/api/v1/payments/${captured.id}`)).status).toBe(200);
    expect((await api.patch(`/api/v1/payments/${captured.id}`, { description: 'd' })).status).toBe(200);
    expect((await api.post(`/api/v1/payments/${captured.id}/refund`, {})).status).toBe(200);
    expect((await api.post(`/api/v1/payments/${authorized.id}/capture`, {})).status).toBe(200);
    const another = await api.create({ capture: false });
    expect((await api.post(`/api/v1/payments/${another.id}/cancel`, {})).status).toBe(200);
    const events = await api.get('/api/v1/events');
    expect(events.status).toBe(200);
    expect((await api.get(`/api/v1/events/${events.body.data[0].id}`)).status).toBe(200);
  });
});

describe('the publishable key', () => {
  it.each(SECRET_ONLY)('answers 403 forbidden on $method $url', async ({ method, url, json }) => {
    const m = await h.merchant();
    const res = await h.request({ method, url, key: m.publishableKey, json });
    expectError(res, 403, 'forbidden', null);
  });

  it('cannot create a payment even with a valid body', async () => {
    const m = await h.merchant();
    await h.request({ method: 'POST', url: '/api/v1/payments', key: m.publishableKey, json: SECRET_ONLY[2].json });
    const list = await h.request({ url: '/api/v1/payments', key: m.secretKey });
    expect(list.body.total).toBe(0);
  });
});

describe('key storage', () => {
  it('stores both keys only as SHA-256 digests, never the clear secret key', async () => {
    const m = await h.merchant();
    const rows = await h.store.db.selectFrom('api_keys').selectAll().where('merchant_id', '=', m.id).execute();
    expect(rows.map((r) => [r.kind, r.digest]).sort()).toEqual(
      [
        ['publishable', sha256Hex(m.publishableKey)],
        ['secret', sha256Hex(m.secretKey)],
      ].sort(),
    );
    // Nothing in any column of any key row is the clear secret key (the masked display keeps 12 of
    // 40 characters: enough to recognise, not to use).
    const dump = JSON.stringify(rows);
    expect(dump).not.toContain(m.secretKey);
    const secretRow = rows.find((r) => r.kind === 'secret')!;
    expect(secretRow.display).not.toBe(m.secretKey);
  });

  it('keeps the clear secret key out of every table', async () => {
    const m = await h.merchant();
    await paymentApi(h, m.secretKey).create();
    const tables = await sql<{ table_name: string }>`
      SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'
    `.execute(h.store.db);
    for (const { table_name } of tables.rows) {
      const { rows } = await sql<{ row: string }>`SELECT row_to_json(t)::text AS row FROM ${sql.table(table_name)} t`.execute(h.store.db);
      for (const { row } of rows) expect(row, table_name).not.toContain(m.secretKey);
    }
  });
});

describe('key lookups reused between requests', () => {
  const pay = (key: string) =>
    h.request({ method: 'POST', url: '/api/v1/payments', key, json: { amount: 1000, currency: 'JPY', payment_details: testCard() } });

  it('a change made by this process applies to the very next request: methods, test clock, rolled key', async () => {
    const m = await h.merchant();
    expect((await pay(m.secretKey)).status).toBe(200);
    await changeEnabledTypes(h.services.db, m.id, { disable: ['credit_card'] });
    expectError(await pay(m.secretKey), 422, 'invalid_payment_type', 'payment_details.type');
    await changeEnabledTypes(h.services.db, m.id, { all: true });

    const before = Date.parse((await pay(m.secretKey)).body.created_at);
    expect((await h.request({ method: 'POST', url: '/api/v1/test_helpers/clock/advance', key: m.secretKey, json: { seconds: 86400 } })).status).toBe(200);
    expect(Date.parse((await pay(m.secretKey)).body.created_at) - before).toBeGreaterThanOrEqual(86_400_000);

    const merchant = (await merchantsRepo.findMerchant(h.services.db, m.id))!;
    await rollSecretKey(h.services.db, merchant, 0, h.clock.now());
    expectError(await pay(m.secretKey), 401, 'unauthorized', null);
  });

  it("another process's change applies within KEY_CACHE_MS", async () => {
    const m = await h.merchant();
    expect((await pay(m.secretKey)).status).toBe(200);
    // As another process would: straight to the database, past this process's cache.
    await sql`UPDATE api_keys SET revoked_at = now() WHERE digest = ${sha256Hex(m.secretKey)}`.execute(h.services.db);
    await new Promise((resolve) => setTimeout(resolve, KEY_CACHE_MS + 50));
    expectError(await pay(m.secretKey), 401, 'unauthorized', null);
  });

  it('makes one key lookup for concurrent requests with a key not yet cached', async () => {
    const m = await h.merchant();
    let lookups = 0;
    // A Kysely instance of its own (its own cache) that counts the statements reading api_keys.
    const counting = h.services.db.withPlugin({
      transformQuery: (args) => {
        if (args.node.kind === 'SelectQueryNode' && JSON.stringify(args.node.from).includes('"api_keys"')) lookups++;
        return args.node;
      },
      transformResult: async (args) => args.result,
    });
    const found = await Promise.all(Array.from({ length: 20 }, () => merchantsRepo.findByKeyDigestCached(counting, sha256Hex(m.secretKey))));
    expect(found.every((lookup) => lookup?.merchant.id === m.id)).toBe(true);
    expect(lookups).toBe(1);
  });

  it('does not remember an unknown key: a key added later works at once', async () => {
    const key = `sk_test_later${Date.now()}`;
    expectError(await pay(key), 401, 'unauthorized', null);
    await createMerchant(h.services.db, { name: 'Later', secretKey: key }, h.clock.now());
    expect((await pay(key)).status).toBe(200);
  });
});
