import Fastify, { type FastifyInstance } from 'fastify';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/domain/context';
import { requestLogWriter } from '../../src/domain/request-log';
import { registerRequestLog } from '../../src/http/plugins/request-log';
import { startHarness, type Harness, type TestMerchant } from '../helpers/harness';
import { randomIds } from '../../src/lib/ids';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

interface Deferred {
  promise: Promise<void>;
  resolve(): void;
}
const deferred = (): Deferred => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

async function requestLogRows(m: TestMerchant) {
  await requestLogWriter(h.services.db, { error: () => {} }).flush();
  return h.store.db.selectFrom('request_log').select(['method', 'path', 'status_code']).where('merchant_id', '=', m.id).execute();
}

describe('the request log plugin', () => {
  it('records a request whose client left while an earlier hook (authentication) was still working, as 499', async () => {
    const m = await h.merchant();
    const reached = deferred();
    const gate = deferred();
    const closed = deferred();
    const passed = deferred();
    // The plugin alone, behind a stand-in for authentication that waits at a gate.
    const app: FastifyInstance = Fastify();
    app.decorateRequest('actor', null as unknown as Actor);
    app.addHook('onRequest', async (request, reply) => {
      reply.raw.once('close', () => closed.resolve());
      request.actor = { merchant: { id: m.id } as Actor['merchant'], clock: h.clock, ids: randomIds } as Actor;
      reached.resolve();
      await gate.promise;
    });
    registerRequestLog(app, h.services);
    app.addHook('onRequest', async () => passed.resolve());
    app.post('/api/v1/payments', async () => ({}));
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const client = http.request(`${url}/api/v1/payments`, { method: 'POST', headers: { 'content-type': 'application/json' } });
      client.on('error', () => {}); // ECONNRESET: this client left on purpose
      client.end('{}');
      await reached.promise;
      client.destroy();
      await closed.promise;
      gate.resolve();
      await passed.promise;
      expect(await requestLogRows(m)).toEqual([{ method: 'POST', path: '/api/v1/payments', status_code: 499 }]);
    } finally {
      await app.close();
    }
  });
});
