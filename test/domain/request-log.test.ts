import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRequestLog, listApiRequests, type RequestLogEntry } from '../../src/domain/request-log';
import { startHarness, type Harness } from '../helpers/harness';
import { randomIds } from '../../src/lib/ids';

describe('the API request log', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  const entry = (merchantId: string, n: number): RequestLogEntry => ({
    merchant_id: merchantId,
    method: 'GET',
    path: `/api/v1/payments?n=${n}`,
    status_code: 200,
    latency_ms: 1,
    idempotency_key: null,
    request_id: `req-${n}`,
    created_at: new Date(Date.UTC(2026, 0, 1, 0, 0, n)),
  });
  const actorOf = (id: string) => ({ merchant: { id } as never, clock: h.clock, ids: randomIds });

  it('lists an API request at once, before its batch is due to be written', async () => {
    const m = await h.merchant();
    expect((await h.request({ url: '/api/v1/payments', key: m.secretKey })).status).toBe(200);
    const { rows } = await listApiRequests(h.services.db, actorOf(m.id), 1, 10);
    expect(rows.map((r) => [r.method, r.path, r.status_code])).toEqual([['GET', '/api/v1/payments', 200]]);
    // Unique across processes and restarts, unlike Fastify's default per-process req-1, req-2 …
    expect(rows[0].request_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });

  it('writes entries together after the flush interval, and trims each merchant to the newest rows it keeps', async () => {
    const [a, b] = [await h.merchant(), await h.merchant()];
    const writer = createRequestLog(h.services.db, { error: () => {} }, { flushMs: 20, trimMs: 0, keep: 3 });
    for (let n = 0; n < 5; n++) writer.record(entry(a.id, n));
    writer.record(entry(b.id, 9));
    // Nothing is written while the batch waits …
    expect((await listApiRequests(h.services.db, actorOf(a.id), 1, 10)).total).toBe(0);
    // … and all of it once the interval has passed, trimmed to the newest three of merchant a.
    await expect.poll(async () => (await listApiRequests(h.services.db, actorOf(b.id), 1, 10)).total).toBe(1);
    const { rows, total } = await listApiRequests(h.services.db, actorOf(a.id), 1, 10);
    expect(total).toBe(3);
    expect(rows.map((r) => r.request_id)).toEqual(['req-4', 'req-3', 'req-2']);
  });

  it('a failed write is reported, not thrown, and the writer goes on', async () => {
    const errors: unknown[] = [];
    const writer = createRequestLog(h.services.db, { error: (details) => errors.push(details) }, { flushMs: 1000 });
    writer.record({ ...entry('any-merchant', 1), method: null as unknown as string }); // breaks NOT NULL
    await writer.flush();
    expect(errors).toHaveLength(1);
    const m = await h.merchant();
    writer.record(entry(m.id, 2));
    await writer.flush();
    expect((await listApiRequests(h.services.db, actorOf(m.id), 1, 10)).total).toBe(1);
  });
});
