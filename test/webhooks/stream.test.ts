import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestLogWriter } from '../../src/domain/request-log';
import { basicAuth, startHarness, type Harness } from '../helpers/harness';
import { paymentApi } from '../helpers/payment-api';

let h: Harness;
let base: string;

beforeAll(async () => {
  // Two requests in flight at most: a stream that never released its slot would soon block the API.
  h = await startHarness({ maxInFlight: 2 });
  base = await h.listen();
});
afterAll(() => h.close());

interface Streamed {
  id: string;
  event: string;
  data: any;
}

/**
 * Opens GET /api/v1/events/stream and collects its events until `close()`. node:http rather than
 * fetch: closing it closes the connection at once (an aborted fetch leaves the server's socket
 * open until the keep-alive timeout, which holds up the harness's close by a minute).
 */
async function openStream(key: string, lastEventId?: string) {
  const events: Streamed[] = [];
  let text = '';
  const request = http.get(`${base}/api/v1/events/stream`, {
    headers: { authorization: basicAuth(key), ...(lastEventId ? { 'last-event-id': lastEventId } : {}) },
  });
  const response = await new Promise<http.IncomingMessage>((resolve, reject) => request.on('response', resolve).on('error', reject));
  response.setEncoding('utf8');
  response.on('data', (chunk: string) => {
    text += chunk;
    let end: number;
    while ((end = text.indexOf('\n\n')) !== -1) {
      const block = text.slice(0, end);
      text = text.slice(end + 2);
      const fields = Object.fromEntries(
        block
          .split('\n')
          .filter((line) => !line.startsWith(':'))
          .map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 2)]),
      );
      if (fields.id) events.push({ id: fields.id, event: fields.event, data: JSON.parse(fields.data) });
    }
  });
  response.on('error', () => {});
  request.on('error', () => {});
  return {
    status: response.statusCode,
    contentType: response.headers['content-type'],
    events,
    close: () => void request.destroy(),
  };
}

describe('GET /api/v1/events/stream', () => {
  it("streams the merchant's new events as server-sent events, the data as the webhook body", async () => {
    const m = await h.merchant();
    const other = await h.merchant();
    const api = paymentApi(h, m.secretKey);
    await api.create(); // before the stream: not sent
    const stream = await openStream(m.secretKey);
    try {
      expect(stream.status).toBe(200);
      expect(stream.contentType).toBe('text/event-stream; charset=utf-8');
      const payment = await api.create({ capture: false });
      await api.post(`/api/v1/payments/${payment.id}/capture`);
      await paymentApi(h, other.secretKey).create(); // another merchant's: not sent
      await expect.poll(() => stream.events.map((e) => e.event), { timeout: 5000 }).toEqual(['payment.authorized', 'payment.captured']);
      for (const event of stream.events) {
        expect(event.data).toEqual((await api.get(`/api/v1/events/${event.id}`)).body);
        expect(event.data.type).toBe(event.event);
      }
    } finally {
      stream.close();
    }
  });

  it('resumes after Last-Event-ID', async () => {
    const m = await h.merchant();
    const api = paymentApi(h, m.secretKey);
    const first = await api.create();
    const [seen] = (await api.get(`/api/v1/events?resource_id=${first.id}`)).body.data;
    const missed = [await api.create(), await api.create()];
    const stream = await openStream(m.secretKey, seen.id);
    try {
      await expect.poll(() => stream.events.map((e) => e.data.data.id), { timeout: 5000 }).toEqual(missed.map((p) => p.id));
    } finally {
      stream.close();
    }
  });

  it('holds a request slot while open and gives it back when the client goes away', async () => {
    const m = await h.merchant();
    const status = async () => (await h.request({ url: '/api/v1/events', key: m.secretKey })).status;
    for (let round = 0; round < 2; round++) {
      const streams = [await openStream(m.secretKey), await openStream(m.secretKey)];
      expect(streams.map((s) => s.status)).toEqual([200, 200]);
      expect(await status()).toBe(503);
      for (const stream of streams) stream.close();
      await expect.poll(status, { timeout: 5000 }).toBe(200);
    }
  });

  it('appears in the request log once the client closes it, with the 200 it was sent', async () => {
    const m = await h.merchant();
    const stream = await openStream(m.secretKey);
    stream.close();
    const logged = async () => {
      await requestLogWriter(h.services.db, { error: () => {} }).flush();
      return h.store.db.selectFrom('request_log').select(['method', 'path', 'status_code']).where('merchant_id', '=', m.id).execute();
    };
    await expect.poll(logged, { timeout: 5000 }).toEqual([{ method: 'GET', path: '/api/v1/events/stream', status_code: 200 }]);
  });
});
