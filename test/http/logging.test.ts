import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import { prettyLine } from '../../src/lib/pretty-log';
import { startWebhookWorker } from '../../src/worker/webhooks';
import { basicAuth, startHarness, testCard, type Harness, type TestMerchant } from '../helpers/harness';
import { startReceiver, type Receiver } from '../helpers/receiver';

// What the server logs: one line per request (JSON by default off a terminal, readable with
// LOG_FORMAT=pretty), and a line for each payment a command creates, captures or fails and for
// each webhook attempt. The log is captured through the app's destination stream.

/** A stream collecting what is written to it, line by line. */
function capture(): { stream: Writable; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  return { stream, lines };
}

const entries = (h: Harness) => h.logs.flatMap((chunk) => chunk.split('\n').filter(Boolean)).map((line) => JSON.parse(line));

let h: Harness;
let m: TestMerchant;

beforeAll(async () => {
  h = await startHarness();
  m = await h.merchant();
});
afterAll(async () => {
  await h.close();
});

describe('the request log (JSON)', () => {
  it('writes one line per request, at its end, with method, path, status, time and the key kind, never the key', async () => {
    h.logs.length = 0;
    const res = await h.request({ method: 'POST', url: '/api/v1/payments', key: m.secretKey, json: { amount: 1000, currency: 'JPY', payment_details: testCard() } });
    expect(res.status, res.text).toBe(200);
    const lines = entries(h).filter((entry) => entry.req);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 30,
      msg: 'request completed',
      req: { method: 'POST', url: '/api/v1/payments' },
      res: { statusCode: 200 },
      keyKind: 'sk_test',
    });
    expect(typeof lines[0].reqId).toBe('string');
    expect(typeof lines[0].responseTime).toBe('number');
    expect(entries(h).some((entry) => entry.msg === 'incoming request')).toBe(false);
    expect(h.logs.join('')).not.toContain(m.secretKey);
    expect(h.logs.join('')).not.toContain('4111111111111111');
  });

  it('names the kind of key: publishable, live, or none', async () => {
    const live = await h.merchant({ mode: 'live' });
    h.logs.length = 0;
    await h.request({ url: '/api/v1/payment_methods', key: m.publishableKey });
    await h.request({ url: '/api/v1/payments', key: live.secretKey });
    await h.request({ url: '/api/v1/payments' });
    await h.request({ url: '/health' });
    expect(entries(h).map((entry) => [entry.req.url, entry.res.statusCode, entry.keyKind])).toEqual([
      ['/api/v1/payment_methods', 200, 'pk_test'],
      ['/api/v1/payments', 200, 'sk_live'],
      ['/api/v1/payments', 401, 'none'],
      ['/health', 200, 'none'],
    ]);
    expect(h.logs.join('')).not.toContain(live.secretKey);
  });
});

describe('payment lines', () => {
  it('logs a created payment, a declined one with its failure code, a capture and a failure by the test helper', async () => {
    h.logs.length = 0;
    const created = await h.request({ method: 'POST', url: '/api/v1/payments', key: m.secretKey, json: { amount: 1000, currency: 'JPY', capture: false, payment_details: testCard() } });
    const declined = await h.request({
      method: 'POST',
      url: '/api/v1/payments',
      key: m.secretKey,
      json: { amount: 1000, currency: 'JPY', payment_details: testCard({ number: '4123111111111000' }) },
    });
    expect(declined.status, declined.text).toBe(502);
    const captured = await h.request({ method: 'POST', url: `/api/v1/payments/${created.body.id}/capture`, key: m.secretKey });
    expect(captured.status, captured.text).toBe(200);
    const konbini = await h.request({
      method: 'POST',
      url: '/api/v1/payments',
      key: m.secretKey,
      json: { amount: 1000, currency: 'JPY', payment_details: { type: 'konbini', store: 'lawson', email: 'taro@example.com' } },
    });
    const failed = await h.request({ method: 'POST', url: `/api/v1/test_helpers/payments/${konbini.body.id}/fail`, key: m.secretKey, json: { code: 'other_error' } });
    expect(failed.status, failed.text).toBe(200);

    const lines = entries(h).filter((entry) => /^payment /.test(entry.msg));
    expect(lines.map((entry) => [entry.msg, entry.status, entry.code])).toEqual([
      ['payment created', 'authorized', undefined],
      ['payment failed', 'failed', 'insufficient_funds'],
      ['payment captured', 'captured', undefined],
      ['payment created', 'authorized', undefined],
      ['payment failed', 'failed', 'other_error'],
    ]);
    expect(lines[0]).toMatchObject({ payment: created.body.id, type: 'credit_card', total: 1100, currency: 'JPY' });
    // With the request's id: the payment line and its request line go together.
    const request = entries(h).find((entry) => entry.req?.url === `/api/v1/payments/${created.body.id}/capture`);
    expect(lines[2].reqId).toBe(request.reqId);
  });

  it('logs a refund, a cancellation and an update of a payment', async () => {
    h.logs.length = 0;
    const paid = await h.request({ method: 'POST', url: '/api/v1/payments', key: m.secretKey, json: { amount: 1000, currency: 'JPY', payment_details: testCard() } });
    const refund = await h.request({ method: 'POST', url: `/api/v1/payments/${paid.body.id}/refund`, key: m.secretKey, json: { amount: 100 } });
    expect(refund.status, refund.text).toBe(200);
    const held = await h.request({ method: 'POST', url: '/api/v1/payments', key: m.secretKey, json: { amount: 1000, currency: 'JPY', capture: false, payment_details: testCard() } });
    const updated = await h.request({ method: 'PATCH', url: `/api/v1/payments/${held.body.id}`, key: m.secretKey, json: { description: 'order 7' } });
    expect(updated.status, updated.text).toBe(200);
    const cancelled = await h.request({ method: 'POST', url: `/api/v1/payments/${held.body.id}/cancel`, key: m.secretKey });
    expect(cancelled.status, cancelled.text).toBe(200);

    const lines = entries(h).filter((entry) => /^payment /.test(entry.msg));
    expect(lines.map((entry) => [entry.msg, entry.payment])).toEqual([
      ['payment created', paid.body.id],
      ['payment refunded', paid.body.id],
      ['payment created', held.body.id],
      ['payment updated', held.body.id],
      ['payment cancelled', held.body.id],
    ]);
  });

  it('logs a session payment: created by its first card, updated when the next prepaid card continues it', async () => {
    const session = await h.request({
      method: 'POST',
      url: '/api/v1/sessions',
      key: m.secretKey,
      json: { amount: 3000, currency: 'JPY', return_url: 'https://shop.example/done', payment_types: ['web_money'] },
    });
    expect(session.status, session.text).toBe(200);
    h.logs.length = 0;
    // 3,000 yen from 2,000-yen cards: the first leaves 1,000 short, the second pays the rest.
    const pay = () =>
      h.request({ method: 'POST', url: `/api/v1/sessions/${session.body.id}/pay`, key: m.publishableKey, json: { payment_details: { type: 'web_money', prepaid_number: '1111111111111111' } } });
    const first = await pay();
    expect(first.body.payment.status, first.text).toBe('pending');
    const second = await pay();
    expect(second.body.payment.status, second.text).toBe('captured');

    const lines = entries(h).filter((entry) => /^payment /.test(entry.msg));
    expect(lines.map((entry) => [entry.msg, entry.payment, entry.status])).toEqual([
      ['payment created', first.body.payment.id, 'pending'],
      ['payment updated', first.body.payment.id, 'captured'],
    ]);
  });

  it('does not log an idempotent replay again', async () => {
    const headers = { 'x-komoju-idempotency': `replay-${Date.now()}` };
    const json = { amount: 500, currency: 'JPY', payment_details: testCard() };
    await h.request({ method: 'POST', url: '/api/v1/payments', key: m.secretKey, json, headers });
    h.logs.length = 0;
    const replay = await h.request({ method: 'POST', url: '/api/v1/payments', key: m.secretKey, json, headers });
    expect(replay.status, replay.text).toBe(200);
    expect(entries(h).filter((entry) => /^payment /.test(entry.msg))).toEqual([]);
  });
});

describe('webhook attempt lines', () => {
  let receiver: Receiver;
  let worker: Awaited<ReturnType<typeof startWebhookWorker>>;
  const logged: { details: any; message: string }[] = [];

  beforeAll(async () => {
    receiver = await startReceiver();
    worker = await startWebhookWorker(h.services, {
      log: { info: (details, message) => logged.push({ details, message }), error: (details, message) => logged.push({ details, message }) },
      pollMs: 100,
    });
  });
  afterAll(async () => {
    await worker.stop();
    await receiver.close();
  });

  it('logs a delivery with its status, and a failed one with its status and the next retry', async () => {
    const merchant = await h.merchant();
    const endpoint = await h.request({ method: 'POST', url: '/api/v1/webhooks', key: merchant.secretKey, json: { url: receiver.url, events: ['payment.captured'] } });
    expect(endpoint.status, endpoint.text).toBe(200);
    await expect.poll(() => logged.filter((line) => line.message === 'webhook delivered').length, { timeout: 10_000 }).toBe(1); // the ping

    receiver.respond = (_request, response) => void response.writeHead(500).end('down');
    const paid = await h.request({ method: 'POST', url: '/api/v1/payments', key: merchant.secretKey, json: { amount: 1000, currency: 'JPY', payment_details: testCard() } });
    expect(paid.status, paid.text).toBe(200);
    await expect.poll(() => logged.filter((line) => line.message === 'webhook failed').length, { timeout: 10_000 }).toBe(1);

    const delivered = logged.find((line) => line.message === 'webhook delivered')!;
    expect(delivered.details).toMatchObject({ event: 'ping', endpoint: endpoint.body.id, status: 200, attempt: 1 });
    const failed = logged.find((line) => line.message === 'webhook failed')!;
    expect(failed.details).toMatchObject({ event: 'payment.captured', endpoint: endpoint.body.id, status: 500, attempt: 1, receiver: new URL(receiver.url).origin });
    // The first retry is a minute (±10 %) after the attempt.
    const retryIn = Date.parse(failed.details.next_retry_at) - Date.now();
    expect(retryIn).toBeGreaterThan(40_000);
    expect(retryIn).toBeLessThan(70_000);
  });
});

describe('readable lines (LOG_FORMAT=pretty)', () => {
  it('prints a request as method, path, status, milliseconds and key kind on one line', async () => {
    const { stream, lines } = capture();
    const app = await buildApp(h.services, { logFormat: 'pretty', logStream: stream });
    try {
      await app.inject({ method: 'GET', url: '/api/v1/payments', headers: { authorization: basicAuth(m.secretKey) } });
      await app.inject({ method: 'GET', url: '/health' });
    } finally {
      await app.close();
    }
    const requests = lines.filter((line) => line.includes(' /'));
    expect(requests).toHaveLength(2);
    expect(requests[0]).toMatch(/^\d\d:\d\d:\d\d GET \/api\/v1\/payments 200 \d+ms sk_test$/);
    expect(requests[1]).toMatch(/^\d\d:\d\d:\d\d GET \/health 200 \d+ms none$/);
    expect(lines.join('\n')).not.toContain(m.secretKey);
  });

  it('prints other lines as their message and fields, the level when it is not info, and an error with its stack', () => {
    const failed = JSON.stringify({ level: 30, time: 0, pid: 1, hostname: 'x', msg: 'payment failed', payment: 'p1', code: 'card_declined' });
    expect(prettyLine(failed)).toMatch(/^\d\d:\d\d:\d\d payment failed {2}payment=p1 code=card_declined$/);
    const retry = JSON.stringify({ level: 30, time: 0, msg: 'webhook failed', status: 500, next_retry_at: '2026-12-03T14:03:08.412Z' });
    expect(prettyLine(retry)).toMatch(/webhook failed {2}status=500 next_retry_at=2026-12-03T14:03:08.412Z$/);
    const error = JSON.stringify({ level: 50, time: 0, msg: 'unhandled error', err: { message: 'boom', stack: 'Error: boom\n    at x' } });
    expect(prettyLine(error)).toMatch(/^\d\d:\d\d:\d\d ERROR unhandled error\n {2}Error: boom\n {6}at x$/);
    expect(prettyLine('not json')).toBe('not json');
  });

  it('is chosen by LOG_FORMAT (json, pretty, or auto when unset) and refuses anything else', () => {
    expect(loadConfig({}).logFormat).toBe('auto');
    expect(loadConfig({ LOG_FORMAT: 'json' }).logFormat).toBe('json');
    expect(loadConfig({ LOG_FORMAT: 'pretty' }).logFormat).toBe('pretty');
    expect(() => loadConfig({ LOG_FORMAT: 'yaml' })).toThrow(/LOG_FORMAT must be one of/);
  });
});
