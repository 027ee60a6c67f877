import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLoginLink } from '../../src/domain/dashboard/auth';
import { startHarness, testCard, type ApiResponse, type Harness, type TestMerchant } from '../helpers/harness';

// Input no field may hold (a NUL character, a lone surrogate, absurd nesting) and failures the
// framework meets before any route (a URL it cannot decode, an id longer than its router keeps,
// headers over Node's limit, a body over the limit, an unknown route): all answer KOMOJU's
// envelope on the API and an HTML page elsewhere, never a 500 or the framework's own words.

let h: Harness;
let m: TestMerchant;
let paymentId: string;
/** The payments made on purpose: no refused request may add one. */
const paymentIds: string[] = [];

beforeAll(async () => {
  h = await startHarness();
  m = await h.merchant();
  const payment = await h.request({ method: 'POST', url: '/api/v1/payments', key: m.secretKey, json: { amount: 1000, currency: 'JPY', payment_details: testCard() } });
  expect(payment.status).toBe(200);
  paymentId = payment.body.id;
  paymentIds.push(paymentId);
});
afterAll(() => h.close());

/** KOMOJU's envelope, naming nothing internal. */
function expectEnvelope(res: Pick<ApiResponse, 'status' | 'headers' | 'text'>, status: number, code: string, param?: string | null): void {
  expect(res.status, res.text).toBe(status);
  expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
  const body = JSON.parse(res.text);
  expect(Object.keys(body)).toEqual(['error']);
  expect(body.error.code).toBe(code);
  if (param !== undefined) expect(body.error.param).toBe(param);
  expect(res.text).not.toMatch(/FST_|Error\b|statusCode/);
}

function expectPage(res: { status: number; headers: ApiResponse['headers']; text: string }, status: number): void {
  expect(res.status, res.text.slice(0, 300)).toBe(status);
  expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
  expect(res.text).toMatch(/^<!doctype html>/);
  expect(res.text).not.toMatch(/FST_|Error\b/);
}

const NUL = '\u0000';

describe('a NUL character, a lone surrogate or deep nesting in any input is invalid_parameter', () => {
  it('in a path id', async () => {
    expectEnvelope(await h.request({ url: '/api/v1/payments/abc%00def', key: m.secretKey }), 422, 'invalid_parameter', 'id');
    expectEnvelope(await h.request({ method: 'POST', url: '/api/v1/payments/abc%00def/refund', key: m.secretKey, json: {} }), 422, 'invalid_parameter', 'id');
    expectEnvelope(await h.request({ url: '/api/v1/customers/%00', key: m.secretKey }), 422, 'invalid_parameter', 'id');
  });

  it.each([
    ['/api/v1/payments?external_order_num=%00', 'external_order_num'],
    ['/api/v1/payments?status=captured%00', 'status'],
    ['/api/v1/payments?currency=JPY%00', 'currency'],
    ['/api/v1/events?resource_id=%00', 'resource_id'],
    ['/api/v1/events?type=payment.captured%00', 'type'],
  ])('in a query filter: %s', async (url, param) => {
    expectEnvelope(await h.request({ url, key: m.secretKey }), 422, 'invalid_parameter', param);
  });

  const payment = (extra: Record<string, unknown>) => ({ amount: 1000, currency: 'JPY', payment_details: testCard(), ...extra });
  it.each([
    ['description', () => ['POST', '/api/v1/payments', payment({ description: `a${NUL}b` })], 'description'],
    ['external_order_num', () => ['POST', '/api/v1/payments', payment({ external_order_num: `order${NUL}` })], 'external_order_num'],
    ['a card holder name', () => ['POST', '/api/v1/payments', payment({ payment_details: testCard({ name: `Taro${NUL}` }) })], 'payment_details.name'],
    ['a metadata value', () => ['POST', '/api/v1/payments', payment({ metadata: { order: `x${NUL}` } })], 'metadata.order'],
    ['a metadata key', () => ['POST', '/api/v1/payments', payment({ metadata: { [`k${NUL}`]: 'x' } })], 'metadata'],
    ['a lone surrogate in metadata (jsonb refuses it)', () => ['POST', '/api/v1/payments', payment({ metadata: { order: 'x\ud800' } })], 'metadata.order'],
    ['a lone surrogate in a description', () => ['POST', '/api/v1/payments', payment({ description: '\udc00' })], 'description'],
    ['an updated description', () => ['PATCH', `/api/v1/payments/${paymentId}`, { description: NUL }], 'description'],
    ['a refund description', () => ['POST', `/api/v1/payments/${paymentId}/refund`, { amount: 1, description: NUL }], 'description'],
    ['a webhook secret_token', () => ['POST', '/api/v1/webhooks', { url: 'https://example.com/hooks', secret_token: `s${NUL}` }], 'secret_token'],
    ['a customer email', () => ['POST', '/api/v1/customers', { email: `a${NUL}@example.com` }], 'email'],
    ['a session return_url', () => ['POST', '/api/v1/sessions', { amount: 1000, currency: 'JPY', return_url: `https://shop.example/${NUL}` }], 'return_url'],
    ['a token', () => ['POST', '/api/v1/payments', { amount: 1000, currency: 'JPY', payment_details: `tok_${NUL}` }], 'payment_details'],
  ] as const)('in a body field: %s', async (_name, make, param) => {
    const [method, url, body] = make() as ['POST' | 'PATCH', string, Record<string, unknown>];
    expectEnvelope(await h.request({ method, url, key: m.secretKey, json: body }), 422, 'invalid_parameter', param);
  });

  it('in the bank fields of a refund request', async () => {
    const konbini = await h.request({ method: 'POST', url: '/api/v1/payments', key: m.secretKey, json: { amount: 1000, currency: 'JPY', payment_details: { type: 'konbini', store: 'lawson', email: 'a@example.com' } } });
    expect((await h.request({ method: 'POST', url: `/api/v1/test_helpers/payments/${konbini.body.id}/pay`, key: m.secretKey, json: {} })).body.status).toBe('captured');
    const bank = { amount: 100, customer_name: 'ヤマダ タロウ', bank_name: 'Bank', branch_name: 'Main', branch_number: '123', account_type: 'normal', account_number: '1234567', include_payment_method_fee: false };
    for (const field of ['bank_name', 'branch_name', 'description']) {
      const res = await h.request({ method: 'POST', url: `/api/v1/payments/${konbini.body.id}/refund_request`, key: m.secretKey, json: { ...bank, [field]: `x${NUL}` } });
      expectEnvelope(res, 422, 'invalid_parameter', field);
    }
    paymentIds.push(konbini.body.id);
  });

  it('in a form field', async () => {
    const form = [
      ['amount', '1000'],
      ['currency', 'JPY'],
      ['external_order_num', `o${NUL}`],
    ] as [string, string][];
    expectEnvelope(await h.request({ method: 'POST', url: '/api/v1/payments', key: m.secretKey, form }), 422, 'invalid_parameter', 'external_order_num');
  });

  it('nested deeper than any request nests (recursion could exhaust the stack)', async () => {
    const deep = `{"amount":1000,"currency":"JPY","metadata":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    const res = await h.app.inject({ method: 'POST', url: '/api/v1/payments', headers: { authorization: auth(m.secretKey), 'content-type': 'application/json' }, payload: deep });
    expectEnvelope({ status: res.statusCode, headers: res.headers, text: res.body }, 422, 'invalid_parameter');
    expect(JSON.parse(res.body).error.param).toMatch(/^metadata(\.0)+$/);
  });

  it('and nothing was stored', async () => {
    const list = await h.request({ url: '/api/v1/payments?per_page=100', key: m.secretKey });
    expect(list.status).toBe(200);
    expect(list.body.data.map((p: { id: string }) => p.id).sort()).toEqual([...paymentIds].sort());
  });

  it('on the customer pages: a 400 page', async () => {
    expectPage(await h.request({ url: '/sessions/abc%00' }), 400);
    expectPage(await h.request({ url: `/ja/instructions/${paymentId}%00` }), 400);
    const session = await h.request({ method: 'POST', url: '/api/v1/sessions', key: m.secretKey, json: { amount: 1000, currency: 'JPY', payment_types: ['konbini'] } });
    expect(session.status).toBe(200);
    const pay = await h.request({ method: 'POST', url: `/sessions/${session.body.id}/pay`, form: { type: 'konbini', store: 'lawson', email: `a${NUL}@example.com` } });
    expectPage(pay, 400);
  });

  it('on the API documentation (a page): a 400 page, not JSON', async () => {
    expectPage(await h.request({ url: '/docs?x=%00' }), 400);
  });

  it('a body a page cannot read (malformed JSON): a 400 page, not a 500', async () => {
    const session = await h.request({ method: 'POST', url: '/api/v1/sessions', key: m.secretKey, json: { amount: 1000, currency: 'JPY' } });
    for (const url of [`/sessions/${session.body.id}/pay`, `/sessions/${session.body.id}/cancel`, '/three_d_secure_service/offsite']) {
      const res = await h.app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload: '{"type":' });
      expectPage({ status: res.statusCode, headers: res.headers, text: res.body }, 400);
    }
  });

  it('on the dashboard: a 400 page', async () => {
    const cookie = await dashboardCookie(m.id);
    const ok = await h.app.inject({ url: '/dashboard/payments?external_order_num=x', headers: { cookie } });
    expect(ok.statusCode).toBe(200);
    for (const url of ['/dashboard/payments?external_order_num=%00', '/dashboard/payments?status=%00', '/dashboard/developers/events?type=%00', `/dashboard/payments/${paymentId}%00`]) {
      const res = await h.app.inject({ url, headers: { cookie } });
      expectPage({ status: res.statusCode, headers: res.headers, text: res.body }, 400);
    }
  });
});

describe('failures the framework meets before any route answer the envelope', () => {
  it('a path it cannot percent-decode: 400 bad_request', async () => {
    expectEnvelope(await h.request({ url: '/api/v1/payments/%ZZ', key: m.secretKey }), 400, 'bad_request', null);
    expectEnvelope(await h.request({ url: '/api/v1/payments/%E0%A4%A', key: m.secretKey }), 400, 'bad_request', null);
  });

  it.each([65, 100, 101, 5000])('an id of %i characters: 404 not_found, like any unknown id', async (length) => {
    expectEnvelope(await h.request({ url: `/api/v1/payments/${'a'.repeat(length)}`, key: m.secretKey }), 404, 'not_found', null);
    expectEnvelope(await h.request({ method: 'POST', url: `/api/v1/payments/${'a'.repeat(length)}/cancel`, key: m.secretKey, json: {} }), 404, 'not_found', null);
  });

  it('a body over the limit: 413 request_entity_too_large', async () => {
    const res = await h.request({ method: 'POST', url: '/api/v1/payments', key: m.secretKey, json: { description: 'x'.repeat(300_000) } });
    expectEnvelope(res, 413, 'request_entity_too_large', null);
  });

  it('OPTIONS on a CORS route without Origin: the preflight answer, not a plain-text error', async () => {
    const res = await h.app.inject({ method: 'OPTIONS', url: '/api/v1/tokens' });
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');
    const preflight = await h.app.inject({ method: 'OPTIONS', url: '/api/v1/tokens', headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST' } });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('*');
    // Whatever it carries: a preflight's answer has no versioned shape.
    const versioned = await h.app.inject({ method: 'OPTIONS', url: '/api/v1/tokens', headers: { 'x-komoju-api-version': 'x' } });
    expect(versioned.statusCode).toBe(204);
  });

  it('on a page: the HTML error page', async () => {
    expectPage(await h.request({ url: '/sessions/%ZZ' }), 400);
    expectPage(await h.request({ url: `/sessions/${'a'.repeat(200)}` }), 404);
  });

  describe('over real HTTP (Node refuses these before Fastify sees a request)', () => {
    let port: number;
    beforeAll(async () => {
      port = Number(new URL(await h.listen()).port);
    });

    it('headers over 16 KiB: 431 request_header_fields_too_large', async () => {
      const res = await get(port, '/api/v1/payments', { authorization: auth(m.secretKey), 'x-padding': 'x'.repeat(20 * 1024) });
      expectEnvelope(res, 431, 'request_header_fields_too_large', null);
    });

    it('a request that is not HTTP: 400 bad_request', async () => {
      const res = await raw(port, 'GET /api/v1/payments HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n');
      expect(res).toMatch(/^HTTP\/1\.1 400 /);
      const body = res.slice(res.indexOf('\r\n\r\n') + 4);
      expect(JSON.parse(body).error.code).toBe('bad_request');
      expect(res).toMatch(/content-type: application\/json; charset=utf-8/i);
      expect(res).not.toMatch(/FST_|statusCode/);
    });
  });
});

describe('an unknown route is told apart from an unknown id', () => {
  it('under /api: 404 not_found saying the URL is not recognized', async () => {
    const route = await h.request({ url: '/api/v1/no_such_resource', key: m.secretKey });
    expectEnvelope(route, 404, 'not_found', null);
    expect(route.body.error.message).toBe('Unrecognized request URL (GET /api/v1/no_such_resource)');
    const post = await h.request({ method: 'POST', url: '/api/v1/no_such_resource?x=1', key: m.secretKey, json: {} });
    expect(post.body.error.message).toBe('Unrecognized request URL (POST /api/v1/no_such_resource)');
    const id = await h.request({ url: `/api/v1/payments/${'z'.repeat(25)}`, key: m.secretKey });
    expectEnvelope(id, 404, 'not_found');
    expect(id.body.error.message).not.toBe(route.body.error.message);
  });

  it('under /api without a key: 401 first, revealing nothing of which routes exist', async () => {
    expectEnvelope(await h.request({ url: '/api/v1/no_such_resource' }), 401, 'unauthorized');
  });

  it.each(['/nothing', '/dashboardx', '/sessions', '/assets'])('outside the API: a 404 page at %s, with or without a key', async (url) => {
    const res = await h.request({ url, headers: { 'accept-language': 'en' } });
    expectPage(res, 404);
    expect(res.text).toContain('Page not found');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expectPage(await h.request({ url, key: m.secretKey }), 404);
  });
});

function auth(key: string): string {
  return `Basic ${Buffer.from(`${key}:`).toString('base64')}`;
}

async function dashboardCookie(merchantId: string): Promise<string> {
  const token = await createLoginLink(h.store.db, merchantId, h.clock.now());
  const res = await h.app.inject({ url: `/dashboard/login/${token}` });
  const cookie = [res.headers['set-cookie'] ?? []].flat().find((c) => c.startsWith('kessai_dashboard='));
  if (!cookie) throw new Error(`no session cookie: ${res.statusCode}`);
  return cookie.split(';')[0];
}

function get(port: number, path: string, headers: Record<string, string>): Promise<{ status: number; headers: ApiResponse['headers']; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.end();
  });
}

function raw(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(request));
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk) => (text += chunk));
    socket.on('close', () => resolve(text));
    socket.on('error', reject);
  });
}
