import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicAuth, startHarness, testCard, type Harness, type TestMerchant } from '../helpers/harness';

/**
 * API faults by `Komoju-Scenario` (docs/testing.md "API faults"), each seen by a real HTTP client
 * over a real socket: what the client gets, and what was (or was not) written.
 */

let h: Harness;
let base: string;
let m: TestMerchant;
beforeAll(async () => {
  h = await startHarness();
  base = await h.listen();
  m = await h.merchant();
});
afterAll(() => h.close());

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: any;
  ms: number;
}

/** One request on its own connection; rejects with the socket's error when no answer comes. */
function send(method: string, path: string, options: { key?: string; json?: unknown; headers?: Record<string, string> } = {}): Promise<Answer> {
  const started = Date.now();
  const body = options.json === undefined ? undefined : JSON.stringify(options.json);
  return new Promise((resolve, reject) => {
    const request = http.request(
      `${base}${path}`,
      {
        method,
        agent: false,
        headers: {
          authorization: basicAuth(options.key ?? m.secretKey),
          ...(body ? { 'content-type': 'application/json' } : {}),
          ...options.headers,
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: response.statusCode!, headers: response.headers, body: text ? JSON.parse(text) : undefined, ms: Date.now() - started });
        });
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

const fault = (value: string, extra: Record<string, string> = {}) => ({ 'komoju-scenario': value, ...extra });
const newPayment = { amount: 1234, currency: 'JPY', payment_details: testCard() };

async function paymentCount(merchant: TestMerchant): Promise<number> {
  const res = await send('GET', '/api/v1/payments?per_page=100', { key: merchant.secretKey });
  return res.body.total;
}

describe('Komoju-Scenario: timeout_after_commit', () => {
  it('commits the payment, closes the connection without an answer, and the retry with the key gets the committed payment', async () => {
    const own = await h.merchant();
    const key = 'order-42';
    const lost = send('POST', '/api/v1/payments', { key: own.secretKey, json: newPayment, headers: fault('timeout_after_commit', { 'x-komoju-idempotency': key }) });
    await expect(lost).rejects.toMatchObject({ code: 'ECONNRESET', message: 'socket hang up' });
    expect(await paymentCount(own)).toBe(1);

    // The retry a careful client makes: same key, same request, the header still set.
    const retry = await send('POST', '/api/v1/payments', { key: own.secretKey, json: newPayment, headers: fault('timeout_after_commit', { 'x-komoju-idempotency': key }) });
    expect(retry.status).toBe(200);
    // Marked as a replay on the reply only, for this plugin: no header, as KOMOJU.
    expect(retry.headers['idempotent-replayed']).toBeUndefined();
    expect(retry.body).toMatchObject({ resource: 'payment', status: 'captured', amount: 1234 });
    // Without the header too: the fault is no part of the request's identity.
    const plain = await send('POST', '/api/v1/payments', { key: own.secretKey, json: newPayment, headers: { 'x-komoju-idempotency': key } });
    expect(plain.body.id).toBe(retry.body.id);
    expect(await paymentCount(own)).toBe(1);
    const list = await send('GET', '/api/v1/payments', { key: own.secretKey });
    expect(list.body.data.map((p: { id: string }) => p.id)).toEqual([retry.body.id]);
  });

  it('answers a refused request as without the fault: nothing was committed, so nothing is lost', async () => {
    const own = await h.merchant();
    const headers = fault('timeout_after_commit', { 'x-komoju-idempotency': 'refused-1' });
    const invalid = await send('POST', '/api/v1/payments', { key: own.secretKey, json: { ...newPayment, currency: 'XXX' }, headers });
    expect(invalid.status).toBeGreaterThanOrEqual(400);
    expect(invalid.status).toBeLessThan(500);
    expect(invalid.body).toEqual({ error: { code: expect.any(String), message: expect.any(String), param: expect.anything() } });
    const missing = await send('GET', '/api/v1/payments/nonexistent', { key: own.secretKey, headers: fault('timeout_after_commit') });
    expect(missing.status).toBe(404);
    expect(await paymentCount(own)).toBe(0);
  });

  it('without a key, the retry makes a second payment: what idempotency keys are for', async () => {
    const own = await h.merchant();
    await expect(send('POST', '/api/v1/payments', { key: own.secretKey, json: newPayment, headers: fault('timeout_after_commit') })).rejects.toThrow('socket hang up');
    await send('POST', '/api/v1/payments', { key: own.secretKey, json: newPayment });
    expect(await paymentCount(own)).toBe(2);
  });
});

describe('Komoju-Scenario: refusals that write nothing', () => {
  it.each([
    ['server_error', 500, 'internal_server_error', undefined],
    ['unavailable', 503, 'service_unavailable', '1'],
    ['rate_limited', 429, 'too_many_requests', '1'],
  ])('%s: %i with the envelope, Retry-After %s, and no payment', async (value, status, code, retryAfter) => {
    const own = await h.merchant();
    const res = await send('POST', '/api/v1/payments', { key: own.secretKey, json: newPayment, headers: fault(value, { 'x-komoju-idempotency': `k-${value}` }) });
    expect(res.status).toBe(status);
    expect(res.body).toEqual({ error: { code, message: expect.any(String), param: null } });
    expect(res.headers['retry-after']).toBe(retryAfter);
    expect(await paymentCount(own)).toBe(0);
    // Nothing kept of the key either: the same key now runs the request.
    const again = await send('POST', '/api/v1/payments', { key: own.secretKey, json: newPayment, headers: { 'x-komoju-idempotency': `k-${value}` } });
    expect(again.status).toBe(200);
    expect(again.headers['idempotent-replayed']).toBeUndefined();
  });

  it('applies to any API request, reads included, and to the publishable key', async () => {
    expect((await send('GET', '/api/v1/payments', { headers: fault('unavailable') })).status).toBe(503);
    expect((await send('GET', '/api/v1/events', { headers: fault('server_error') })).status).toBe(500);
    const customer = await send('POST', '/api/v1/customers', { json: { email: 'a@example.com' }, headers: fault('rate_limited') });
    expect(customer.status).toBe(429);
    const token = await send('POST', '/api/v1/tokens', { key: m.publishableKey, json: { payment_details: testCard() }, headers: fault('server_error') });
    expect(token.status).toBe(500);
  });
});

describe('Komoju-Scenario: slow:<ms>', () => {
  it('holds the answer that long', async () => {
    const res = await send('GET', '/api/v1/payments', { headers: fault('slow:700') });
    expect(res.status).toBe(200);
    expect(res.ms).toBeGreaterThanOrEqual(700);
  });

  it.each(['slow:30001', 'slow:', 'slow:-1', 'slow:1e3'])('%s is refused with 400 naming the header', async (value) => {
    const res = await send('GET', '/api/v1/payments', { headers: fault(value) });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'bad_request', param: 'Komoju-Scenario' });
  });
});

describe('Komoju-Scenario: what stays as it was', () => {
  it('a decline code still makes the payment fail, and a session made with a fault is not kept failing', async () => {
    const declined = await send('POST', '/api/v1/payments', { json: newPayment, headers: fault('insufficient_funds') });
    expect(declined.status).toBe(502);
    expect(declined.body.error.code).toBe('insufficient_funds');

    const session = await send('POST', '/api/v1/sessions', {
      json: { amount: 1500, currency: 'JPY', return_url: 'https://shop.example/done', payment_types: ['credit_card'] },
      headers: fault('slow:0'),
    });
    expect(session.status).toBe(200);
    const paid = await send('POST', `/api/v1/sessions/${session.body.id}/pay`, { key: m.publishableKey, json: { payment_details: testCard() } });
    expect(paid.status).toBe(200);
    expect(paid.body.status).toBe('completed');
  });

  it('live mode refuses a fault value with 400, as any Komoju-Scenario, and writes nothing', async () => {
    const live = await h.merchant({ mode: 'live' });
    for (const value of ['timeout_after_commit', 'server_error', 'slow:10']) {
      const res = await send('GET', '/api/v1/payments', { key: live.secretKey, headers: fault(value) });
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'bad_request', param: 'Komoju-Scenario' });
    }
  });
});
