import type { FastifyInstance, RouteHandlerMethod } from 'fastify';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app';
import { requestLogWriter } from '../../src/domain/request-log';
import type { Processor } from '../../src/processors/processor';
import { basicAuth, startHarness, testCard, type ApiResponse, type Harness, type TestMerchant } from '../helpers/harness';
import { expectError, paymentApi } from '../helpers/payment-api';

let h: Harness;
let baseUrl: string;

beforeAll(async () => {
  h = await startHarness();
  baseUrl = await h.listen();
});
afterAll(() => h.close());

const KEY_HEADER = 'X-KOMOJU-IDEMPOTENCY';
const card = (overrides: Record<string, unknown> = {}) => ({ amount: 1000, currency: 'JPY', payment_details: testCard(), ...overrides });

let keySeq = 0;
/** A fresh idempotency key per use, so tests never share one by accident. */
const newKey = () => `idem-${Date.now()}-${++keySeq}`;

function post(m: TestMerchant, url: string, json: unknown, key: string): Promise<ApiResponse> {
  return h.request({ method: 'POST', url, key: m.secretKey, json, headers: { [KEY_HEADER]: key } });
}

async function paymentCount(m: TestMerchant): Promise<number> {
  return (await h.request({ url: '/api/v1/payments', key: m.secretKey })).body.total;
}

/** Expects `res` to be the same response as `first`, byte for byte, with the same headers (KOMOJU marks no replay). */
function expectReplay(res: ApiResponse, first: ApiResponse): void {
  expect(res.status).toBe(first.status);
  expect(res.text).toBe(first.text);
  expect(res.headers['content-type']).toBe(first.headers['content-type']);
  expect(answerHeaders(res)).toEqual(answerHeaders(first));
}

/** A response's header names but the connection's own (keep-alive or close differs by socket). */
function answerHeaders(res: ApiResponse): string[] {
  return Object.keys(res.headers).filter((name) => name !== 'connection' && name !== 'keep-alive').sort();
}

/** POST over real HTTP (a separate socket per request, so requests truly overlap). */
async function httpPost(url: string, key: string, json: unknown, idempotencyKey: string, base = baseUrl): Promise<ApiResponse> {
  const res = await fetch(`${base}${url}`, {
    method: 'POST',
    headers: { authorization: basicAuth(key), 'content-type': 'application/json', [KEY_HEADER]: idempotencyKey },
    body: JSON.stringify(json),
  });
  const text = await res.text();
  return { status: res.status, headers: Object.fromEntries(res.headers), body: JSON.parse(text), text };
}

/**
 * Checks the outcome of requests that raced with one key: exactly one distinct success body,
 * every other answer a 409 (in flight) or that same body replayed.
 */
function expectOneExecution(responses: ApiResponse[]): ApiResponse {
  const winners = responses.filter((r) => r.status !== 409);
  expect(winners.length).toBeGreaterThanOrEqual(1);
  for (const r of winners) expect(r.text).toBe(winners[0].text);
  for (const r of responses.filter((r) => r.status === 409)) {
    expect(r.body).toEqual({ error: { code: 'conflict', message: expect.any(String), param: null } });
    expect(r.headers['retry-after']).toBe('1');
  }
  return winners[0];
}

describe('replay', () => {
  it('replays the first response byte for byte and creates one payment', async () => {
    const m = await h.merchant();
    const key = newKey();
    const first = await post(m, '/api/v1/payments', card(), key);
    expect(first.status).toBe(200);
    const second = await post(m, '/api/v1/payments', card(), key);
    expectReplay(second, first);
    expect(await paymentCount(m)).toBe(1);
  });

  it('answers a replay over HTTP as the first time: same body, no header of its own (no Idempotent-Replayed)', async () => {
    const m = await h.merchant();
    const key = newKey();
    const first = await httpPost('/api/v1/payments', m.secretKey, card(), key);
    expect(first.status).toBe(200);
    const second = await httpPost('/api/v1/payments', m.secretKey, card(), key);
    expect(second.headers['idempotent-replayed']).toBeUndefined();
    expectReplay(second, first);
    expect(await paymentCount(m)).toBe(1);
  });

  it('replays a form-encoded request (curl -d) the same way', async () => {
    const m = await h.merchant();
    const key = newKey();
    const form = { amount: '1000', currency: 'JPY', payment_details: testCard({ month: '12' }) };
    const send = () => h.request({ method: 'POST', url: '/api/v1/payments', key: m.secretKey, form, headers: { [KEY_HEADER]: key } });
    const first = await send();
    expect(first.status).toBe(200);
    expectReplay(await send(), first);
    expect(await paymentCount(m)).toBe(1);
  });

  it('replays the same JSON with its keys in another order, at any depth', async () => {
    const m = await h.merchant();
    const key = newKey();
    const first = await post(m, '/api/v1/payments', card({ metadata: { a: '1', b: '2' } }), key);
    expect(first.status).toBe(200);
    const reordered = {
      metadata: { b: '2', a: '1' },
      payment_details: Object.fromEntries(Object.entries(testCard()).reverse()),
      currency: 'JPY',
      amount: 1000,
    };
    expectReplay(await post(m, '/api/v1/payments', reordered, key), first);
    expect(await paymentCount(m)).toBe(1);
  });

  it('replays a request first sent as JSON and retried as a form (every value a string)', async () => {
    const m = await h.merchant();
    const key = newKey();
    const json = card({ capture: true, metadata: { order: 7 } });
    const first = await post(m, '/api/v1/payments', json, key);
    expect(first.status).toBe(200);
    const form = {
      payment_details: { ...testCard(), month: '12', year: String(testCard().year) },
      metadata: { order: '7' },
      capture: 'true',
      currency: 'JPY',
      amount: '1000',
    };
    const retried = await h.request({ method: 'POST', url: '/api/v1/payments', key: m.secretKey, form, headers: { [KEY_HEADER]: key } });
    expectReplay(retried, first);
    expect(await paymentCount(m)).toBe(1);
  });

  it('still refuses a body that differs only deep inside (422), whatever the encoding', async () => {
    const m = await h.merchant();
    const key = newKey();
    expect((await post(m, '/api/v1/payments', card(), key)).status).toBe(200);
    const other = card({ payment_details: testCard({ name: 'Hanako Yamada' }) });
    expectError(await post(m, '/api/v1/payments', other, key), 422, 'unprocessable_entity', 'X-KOMOJU-IDEMPOTENCY');
    const form = { amount: '1000', currency: 'JPY', payment_details: { ...testCard(), month: '11' } };
    const asForm = await h.request({ method: 'POST', url: '/api/v1/payments', key: m.secretKey, form, headers: { [KEY_HEADER]: key } });
    expectError(asForm, 422, 'unprocessable_entity', 'X-KOMOJU-IDEMPOTENCY');
    expect(await paymentCount(m)).toBe(1);
  });

  it('answers a body nested 60,000 deep with an idempotency key as bad input (422), never a 5xx, and records nothing', async () => {
    // JSON.parse takes it; a recursive fingerprint of it overflowed the stack (500). The input check
    // now refuses values nested past its depth before anything runs, and the fingerprint
    // (canonicalText, test/lib/canonical.test.ts) does not recurse either.
    const m = await h.merchant();
    const key = newKey();
    const deep = '['.repeat(60_000) + ']'.repeat(60_000);
    const payload = `{"amount":1000,"currency":"JPY","payment_details":${JSON.stringify(testCard()).slice(0, -1)},"note":${deep}},"extra":${deep}}`;
    const send = () =>
      h.app.inject({
        method: 'POST',
        url: '/api/v1/payments',
        headers: { authorization: basicAuth(m.secretKey), 'content-type': 'application/json', [KEY_HEADER]: key },
        payload,
      });
    for (const res of [await send(), await send()]) {
      expect(res.statusCode, res.body).toBe(422);
      expect(res.json().error.code).toBe('invalid_parameter');
    }
    expect(await paymentCount(m)).toBe(0);
  });

  it('counts Komoju-Scenario as part of the request: a session made without it is not replayed for a retry that sends it', async () => {
    const m = await h.merchant();
    const key = newKey();
    const session = { amount: 1000, currency: 'JPY', return_url: 'https://shop.example/back' };
    const plain = await post(m, '/api/v1/sessions', session, key);
    expect(plain.status, plain.text).toBe(200);
    const send = (headers: Record<string, string>) =>
      h.request({ method: 'POST', url: '/api/v1/sessions', key: m.secretKey, json: session, headers: { [KEY_HEADER]: key, ...headers } });
    expectError(await send({ 'Komoju-Scenario': 'card_declined' }), 422, 'unprocessable_entity', 'X-KOMOJU-IDEMPOTENCY');
    expectReplay(await send({}), plain);
  });

  it('refuses the same key with a different body (422 unprocessable_entity) and executes nothing', async () => {
    const m = await h.merchant();
    const key = newKey();
    expect((await post(m, '/api/v1/payments', card(), key)).status).toBe(200);
    const res = await post(m, '/api/v1/payments', card({ amount: 2000 }), key);
    expectError(res, 422, 'unprocessable_entity');
    expect(await paymentCount(m)).toBe(1);
  });

  it('refuses the same key on another endpoint', async () => {
    const m = await h.merchant();
    const key = newKey();
    const created = await post(m, '/api/v1/payments', card(), key);
    const res = await post(m, `/api/v1/payments/${created.body.id}/refund`, {}, key);
    expectError(res, 422, 'unprocessable_entity');
    expect((await h.request({ url: `/api/v1/payments/${created.body.id}`, key: m.secretKey })).body.amount_refunded).toBe(0);
  });

  it('replays a declined card as the same 502, with one failed payment', async () => {
    const m = await h.merchant();
    const key = newKey();
    const declined = card({ payment_details: testCard({ number: '4123111111111059' }) });
    const first = await post(m, '/api/v1/payments', declined, key);
    expectError(first, 502, 'card_declined');
    expectReplay(await post(m, '/api/v1/payments', declined, key), first);
    const list = await h.request({ url: '/api/v1/payments', key: m.secretKey });
    expect(list.body.total).toBe(1);
    expect(list.body.data[0].status).toBe('failed');
  });

  it('executes requests without a key every time', async () => {
    const m = await h.merchant();
    const api = paymentApi(h, m.secretKey);
    const a = await api.create();
    const b = await api.create();
    expect(a.id).not.toBe(b.id);
    expect(await paymentCount(m)).toBe(2);
  });
});

describe('keys', () => {
  it('accepts a key of exactly 100 ASCII characters', async () => {
    const m = await h.merchant();
    expect((await post(m, '/api/v1/payments', card(), 'k'.repeat(100))).status).toBe(200);
  });

  it.each([
    ['101 characters', 'k'.repeat(101)],
    ['non-ASCII characters', 'clé-ü'],
    ['an empty value', ''],
  ])('answers 400 bad_request for a key of %s and executes nothing', async (_name, key) => {
    const m = await h.merchant();
    const res = await post(m, '/api/v1/payments', card(), key);
    expectError(res, 400, 'bad_request', 'X-KOMOJU-IDEMPOTENCY');
    expect(await paymentCount(m)).toBe(0);
  });

  it('keeps keys per merchant: two merchants using one key both execute', async () => {
    const a = await h.merchant();
    const b = await h.merchant();
    const key = newKey();
    const resA = await post(a, '/api/v1/payments', card(), key);
    const resB = await post(b, '/api/v1/payments', card(), key);
    expect(resA.status).toBe(200);
    expect(resB.status).toBe(200);
    expect(resB.body.id).not.toBe(resA.body.id);
    expect(await paymentCount(a)).toBe(1);
    expect(await paymentCount(b)).toBe(1);
  });

  it('keeps a key 24 hours: replayed before, executed again after', async () => {
    const m = await h.merchant();
    const key = newKey();
    const first = await post(m, '/api/v1/payments', card(), key);
    h.clock.advance(24 * 3600 * 1000 - 60_000);
    expectReplay(await post(m, '/api/v1/payments', card(), key), first);
    h.clock.advance(2 * 60_000);
    const later = await post(m, '/api/v1/payments', card(), key);
    expect(later.status).toBe(200);
    expect(later.body.id).not.toBe(first.body.id);
    expect(await paymentCount(m)).toBe(2);
    // …and the new execution is what the key replays from now on.
    expectReplay(await post(m, '/api/v1/payments', card(), key), later);
  });
});

describe('failed requests store nothing', () => {
  async function storedKeys(m: TestMerchant, key: string) {
    return h.store.db.selectFrom('idempotency_keys').select('key').where('merchant_id', '=', m.id).where('key', '=', key).execute();
  }

  it('lets a key whose request failed schema validation be used with a corrected body', async () => {
    const m = await h.merchant();
    const key = newKey();
    expectError(await post(m, '/api/v1/payments', { currency: 'JPY', payment_details: testCard() }, key), 422, 'missing_parameter', 'amount');
    expect(await storedKeys(m, key)).toEqual([]);
    expect((await post(m, '/api/v1/payments', card(), key)).status).toBe(200);
  });

  it('lets a key whose command rolled back (invalid currency) be used with a corrected body', async () => {
    const m = await h.merchant();
    const key = newKey();
    expectError(await post(m, '/api/v1/payments', card({ currency: 'ZZZ' }), key), 422, 'invalid_currency', 'currency');
    expect(await storedKeys(m, key)).toEqual([]);
    expect(await paymentCount(m)).toBe(0);
    const fixed = await post(m, '/api/v1/payments', card(), key);
    expect(fixed.status).toBe(200);
    expect(await storedKeys(m, key)).toHaveLength(1);
  });

  it('does not remember an illegal action: after not_capturable, the key is still free', async () => {
    const m = await h.merchant();
    const api = paymentApi(h, m.secretKey);
    const captured = await api.create();
    const key = newKey();
    expectError(await post(m, `/api/v1/payments/${captured.id}/capture`, {}, key), 422, 'not_capturable');
    expect(await storedKeys(m, key)).toEqual([]);
  });
});

describe('capture, refund and cancel', () => {
  it('replays a refund without refunding twice', async () => {
    const m = await h.merchant();
    const api = paymentApi(h, m.secretKey);
    const p = await api.create();
    const key = newKey();
    const first = await post(m, `/api/v1/payments/${p.id}/refund`, { amount: 300 }, key);
    expect(first.status).toBe(200);
    expect(first.body.amount_refunded).toBe(300);
    expectReplay(await post(m, `/api/v1/payments/${p.id}/refund`, { amount: 300 }, key), first);
    const now = (await api.get(`/api/v1/payments/${p.id}`)).body;
    expect(now.amount_refunded).toBe(300);
    expect(now.refunds).toHaveLength(1);
    expect(await api.eventTypes(p.id)).toEqual(['payment.captured', 'payment.refund.created']);
  });

  it('replays a capture instead of answering not_capturable', async () => {
    const m = await h.merchant();
    const api = paymentApi(h, m.secretKey);
    const p = await api.create({ capture: false });
    const key = newKey();
    const first = await post(m, `/api/v1/payments/${p.id}/capture`, {}, key);
    expect(first.body.status).toBe('captured');
    expectReplay(await post(m, `/api/v1/payments/${p.id}/capture`, {}, key), first);
    expect(await api.eventTypes(p.id)).toEqual(['payment.authorized', 'payment.captured']);
  });

  it('replays a cancel instead of answering not_cancellable', async () => {
    const m = await h.merchant();
    const api = paymentApi(h, m.secretKey);
    const p = await api.create({ capture: false });
    const key = newKey();
    const first = await post(m, `/api/v1/payments/${p.id}/cancel`, {}, key);
    expect(first.body.status).toBe('cancelled');
    expectReplay(await post(m, `/api/v1/payments/${p.id}/cancel`, {}, key), first);
    expect(await api.eventTypes(p.id)).toEqual(['payment.authorized', 'payment.cancelled']);
  });
});

describe('concurrent requests with one key', () => {
  it('executes once when fired together through inject', async () => {
    const m = await h.merchant();
    const key = newKey();
    const responses = await Promise.all(Array.from({ length: 6 }, () => post(m, '/api/v1/payments', card(), key)));
    const winner = expectOneExecution(responses);
    expect(winner.status).toBe(200);
    expect(await paymentCount(m)).toBe(1);
    expectReplay(await post(m, '/api/v1/payments', card(), key), winner);
  });

  it('executes once when fired together over real HTTP', async () => {
    const m = await h.merchant();
    const key = newKey();
    const responses = await Promise.all(Array.from({ length: 8 }, () => httpPost('/api/v1/payments', m.secretKey, card(), key)));
    const winner = expectOneExecution(responses);
    expect(winner.status).toBe(200);
    expect(await paymentCount(m)).toBe(1);
    expectReplay(await httpPost('/api/v1/payments', m.secretKey, card(), key), winner);
  });

  it('executes once across two API processes sharing the database', async () => {
    // A second app on the same database has its own in-memory bookkeeping, as another process
    // would: only the database (the advisory lock and the stored record) can stop a second run.
    const other: FastifyInstance = await buildApp(h.services, { logLevel: 'silent' });
    await other.ready();
    try {
      const m = await h.merchant();
      const key = newKey();
      const payload = JSON.stringify(card());
      const headers = { authorization: basicAuth(m.secretKey), 'content-type': 'application/json', [KEY_HEADER]: key };
      const send = (app: FastifyInstance) =>
        app.inject({ method: 'POST', url: '/api/v1/payments', headers, payload }).then(
          (r): ApiResponse => ({ status: r.statusCode, headers: r.headers, body: JSON.parse(r.body), text: r.body }),
        );
      const responses = await Promise.all([h.app, other, h.app, other, h.app, other].map(send));
      const winner = expectOneExecution(responses);
      expect(winner.status).toBe(200);
      expect(await paymentCount(m)).toBe(1);
      expectReplay(await send(other), winner);
      expectReplay(await send(h.app), winner);
    } finally {
      await other.close();
    }
  });

  it('refunds once when one refund is fired together over real HTTP', async () => {
    const m = await h.merchant();
    const api = paymentApi(h, m.secretKey);
    const p = await api.create();
    const key = newKey();
    const url = `/api/v1/payments/${p.id}/refund`;
    const responses = await Promise.all(Array.from({ length: 6 }, () => httpPost(url, m.secretKey, { amount: 100 }, key)));
    const winner = expectOneExecution(responses);
    expect(winner.status).toBe(200);
    const now = (await api.get(`/api/v1/payments/${p.id}`)).body;
    expect(now.amount_refunded).toBe(100);
    expect(now.refunds).toHaveLength(1);
    expectReplay(await httpPost(url, m.secretKey, { amount: 100 }, key), winner);
  });
});

describe('a request whose client leaves before the answer', () => {
  interface Deferred {
    promise: Promise<void>;
    resolve(): void;
  }
  const deferred = (): Deferred => {
    let resolve!: () => void;
    const promise = new Promise<void>((r) => (resolve = r));
    return { promise, resolve };
  };

  /**
   * An API process (another app on the harness's database) whose card processor stops at a gate
   * inside the payment's transaction, so a test decides when the payment commits, and which
   * tells when the server saw a connection close and when the payment handler ended. With
   * `holdBeforeHandler`, requests also wait at a second gate before their handler.
   */
  async function gatedProcess({ holdBeforeHandler = false } = {}) {
    const base = h.services.processor;
    const reached = deferred();
    const gate = deferred();
    const closed = deferred();
    const handlerEnded = deferred();
    const processor: Processor = {
      async authorizeCard(request) {
        reached.resolve();
        await gate.promise;
        return base.authorizeCard(request);
      },
      redeemPrepaid: (request) => base.redeemPrepaid(request),
    };
    const app = await buildApp(
      { ...h.services, processor },
      {
        logLevel: 'silent',
        onRoute: (route) => {
          if (route.url !== '/api/v1/payments' || route.method !== 'POST') return;
          const handler = route.handler as (...args: unknown[]) => Promise<unknown>;
          route.handler = async function (this: FastifyInstance, ...args: unknown[]) {
            try {
              return await handler.apply(this, args);
            } finally {
              handlerEnded.resolve();
            }
          } as RouteHandlerMethod;
        },
      },
    );
    app.addHook('onRequest', async (_request, reply) => {
      reply.raw.once('close', () => {
        if (!reply.raw.writableFinished) closed.resolve();
      });
    });
    const beforeHandler = { reached: deferred(), gate: deferred() };
    if (!holdBeforeHandler) beforeHandler.gate.resolve();
    app.addHook('preHandler', async () => {
      beforeHandler.reached.resolve();
      await beforeHandler.gate.promise;
    });
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    return { app, url, reached, gate, closed, handlerEnded, beforeHandler };
  }

  /** Sends POST /api/v1/payments and hangs up once the payment is being made, before the answer. */
  async function abandon(p: Awaited<ReturnType<typeof gatedProcess>>, m: TestMerchant, key: string): Promise<void> {
    const client = http.request(`${p.url}/api/v1/payments`, {
      method: 'POST',
      headers: { authorization: basicAuth(m.secretKey), 'content-type': 'application/json', [KEY_HEADER]: key },
    });
    client.on('error', () => {}); // ECONNRESET: this client left on purpose
    client.end(JSON.stringify(card()));
    await p.reached.promise;
    client.destroy();
    await p.closed.promise;
  }

  async function requestLogRows(m: TestMerchant) {
    await requestLogWriter(h.services.db, { error: () => {} }).flush();
    return h.store.db
      .selectFrom('request_log')
      .select(['method', 'path', 'status_code', 'idempotency_key'])
      .where('merchant_id', '=', m.id)
      .orderBy('seq')
      .execute();
  }

  it('frees the key: a retry gets the replay of the one payment made, not 409; the request log shows both', async () => {
    const p = await gatedProcess();
    try {
      const m = await h.merchant();
      const key = newKey();
      await abandon(p, m, key);
      p.gate.resolve();
      await p.handlerEnded.promise;

      const retry = await httpPost('/api/v1/payments', m.secretKey, card(), key, p.url);
      expect(retry.status, retry.text).toBe(200);
      const list = await h.request({ url: '/api/v1/payments', key: m.secretKey });
      expect(list.body.total).toBe(1);
      expect(retry.body.id).toBe(list.body.data[0].id);
      expectReplay(await httpPost('/api/v1/payments', m.secretKey, card(), key, p.url), retry);

      // The abandoned request is in the log, as 499 (the client closed the request), then the retry.
      expect(await requestLogRows(m)).toEqual([
        { method: 'POST', path: '/api/v1/payments', status_code: 499, idempotency_key: key },
        { method: 'POST', path: '/api/v1/payments', status_code: 200, idempotency_key: key },
        { method: 'GET', path: '/api/v1/payments', status_code: 200, idempotency_key: null },
        { method: 'POST', path: '/api/v1/payments', status_code: 200, idempotency_key: key },
      ]);
    } finally {
      await p.app.close();
    }
  });

  it('never makes a second payment when the retry reaches another process while the first still runs', async () => {
    const p = await gatedProcess();
    try {
      const m = await h.merchant();
      const key = newKey();
      await abandon(p, m, key);
      // Another process (h.app) gets the retry while the payment's transaction is still open: on
      // PostgreSQL the key's lock answers 409; on the embedded database the retry waits for the
      // one connection, then finds the committed record.
      const during = post(m, '/api/v1/payments', card(), key);
      p.gate.resolve();
      await p.handlerEnded.promise;
      const answer = await during;
      const after = await post(m, '/api/v1/payments', card(), key);
      expect(after.status, after.text).toBe(200);
      if (answer.status === 409) expectError(answer, 409, 'conflict');
      else expectReplay(answer, after);
      expect(await paymentCount(m)).toBe(1);
      // Both processes now answer the same: the replay.
      expectReplay(await httpPost('/api/v1/payments', m.secretKey, card(), key, p.url), after);
    } finally {
      await p.app.close();
    }
  });

  it('makes one payment when another process runs the key before the first request reached its transaction', async () => {
    // The first request waits before its handler (in a hook), the same request with the key runs
    // to completion in another process, then the first goes on: it finds the committed record in
    // its transaction and answers the replay. No memory of either process decides this.
    const p = await gatedProcess({ holdBeforeHandler: true });
    try {
      const m = await h.merchant();
      const key = newKey();
      const first = httpPost('/api/v1/payments', m.secretKey, card(), key, p.url);
      await p.beforeHandler.reached.promise;
      const other = await post(m, '/api/v1/payments', card(), key);
      expect(other.status, other.text).toBe(200);
      p.beforeHandler.gate.resolve();
      p.gate.resolve();
      expectReplay(await first, other);
      expect(await paymentCount(m)).toBe(1);
    } finally {
      await p.app.close();
    }
  });
});
