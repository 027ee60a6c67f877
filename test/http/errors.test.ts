import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CATALOGUE } from '../../src/kernel/errors';
import { startHarness, testCard, usingPostgres, type ApiResponse, type Harness, type TestMerchant } from '../helpers/harness';

let h: Harness;
let m: TestMerchant;

beforeAll(async () => {
  h = await startHarness();
  m = await h.merchant();
});
afterAll(() => h.close());

/**
 * KOMOJU's envelope and nothing else: `{"error":{"message","code","param"}}`, as JSON, with
 * `details` on a request's validation errors (missing or invalid parameters) only.
 */
function expectEnvelope(res: ApiResponse, status: number, code: string): void {
  expect(res.status, res.text).toBe(status);
  expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
  expect(Object.keys(res.body)).toEqual(['error']);
  const validation = code === 'missing_parameter' || code === 'invalid_parameter';
  const keys = Object.keys(res.body.error).filter((key) => !(validation && key === 'details'));
  expect(keys.sort()).toEqual(['code', 'message', 'param']);
  expect(res.body.error.code).toBe(code);
  expect(typeof res.body.error.message).toBe('string');
  expect(res.body.error.message.length).toBeGreaterThan(0);
  expect(res.body.error.message).not.toMatch(/%\{|\s\s/); // no unfilled template, no empty param
  expect(res.body.error.param === null || typeof res.body.error.param === 'string').toBe(true);
  // The catalogue fixes the status of every code.
  expect(ERROR_CATALOGUE[code as keyof typeof ERROR_CATALOGUE][0]).toBe(status);
}

const json = (body: unknown) => ({ key: m.secretKey, json: body });

describe('unknown routes', () => {
  it.each(['/api/v1/nothing', '/api/v1/payments/abc/explode', '/api/v1'])('answer 404 not_found at %s', async (url) => {
    const res = await h.request({ url, key: m.secretKey });
    expectEnvelope(res, 404, 'not_found');
    // Not the message of an unknown id: the client learns that the route itself does not exist.
    expect(res.body.error.message).toBe(`Unrecognized request URL (GET ${url})`);
  });

  it.each(['/api', '/api/v2/payments', '/apiary'])('outside /api/v1 are the 404 page, with a key or without: %s', async (url) => {
    for (const key of [m.secretKey, undefined]) {
      const res = await h.request({ url, key });
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
    }
  });

  it.each([
    ['DELETE', '/api/v1/payments/abc'],
    ['PUT', '/api/v1/payments'],
    ['GET', '/api/v1/payments/abc/refund'],
    ['PATCH', '/api/v1/events/abc'],
    ['DELETE', '/api/v1/events'],
  ] as const)('answer 404 not_found for %s %s (a method the route does not have)', async (method, url) => {
    const res = await h.app.inject({ method, url, headers: { authorization: `Basic ${Buffer.from(`${m.secretKey}:`).toString('base64')}` } });
    expectEnvelope({ status: res.statusCode, headers: res.headers, body: JSON.parse(res.body), text: res.body }, 404, 'not_found');
  });

  it('ask for a key before revealing whether a route exists', async () => {
    expectEnvelope(await h.request({ url: '/api/v1/nothing' }), 401, 'unauthorized');
  });
});

describe('every error answers with the envelope', () => {
  const cases: [name: string, run: () => Promise<ApiResponse>, status: number, code: string][] = [
    ['missing key', () => h.request({ url: '/api/v1/payments' }), 401, 'unauthorized'],
    ['publishable key', () => h.request({ url: '/api/v1/payments', key: m.publishableKey }), 403, 'forbidden'],
    ['unknown payment', () => h.request({ url: `/api/v1/payments/${'x'.repeat(25)}`, key: m.secretKey }), 404, 'not_found'],
    [
      'malformed JSON',
      () => h.app.inject({ method: 'POST', url: '/api/v1/payments', headers: { authorization: `Basic ${Buffer.from(`${m.secretKey}:`).toString('base64')}`, 'content-type': 'application/json' }, payload: '{"amount":' }).then(toResponse),
      400,
      'bad_request',
    ],
    [
      'a JSON array as body',
      () => h.app.inject({ method: 'POST', url: '/api/v1/payments', headers: { authorization: `Basic ${Buffer.from(`${m.secretKey}:`).toString('base64')}`, 'content-type': 'application/json' }, payload: '[1,2]' }).then(toResponse),
      400,
      'bad_request',
    ],
    [
      'a text/plain body',
      () => h.app.inject({ method: 'POST', url: '/api/v1/payments', headers: { authorization: `Basic ${Buffer.from(`${m.secretKey}:`).toString('base64')}`, 'content-type': 'text/plain' }, payload: 'amount=1000' }).then(toResponse),
      400,
      'bad_request',
    ],
    [
      'a body over the size limit',
      () => h.request({ method: 'POST', url: '/api/v1/payments', ...json({ description: 'x'.repeat(300_000) }) }),
      413,
      'request_entity_too_large',
    ],
    ['bad idempotency key', () => h.request({ method: 'POST', url: '/api/v1/payments', ...json({ amount: 10, currency: 'JPY', payment_details: testCard() }), headers: { 'X-KOMOJU-IDEMPOTENCY': 'x'.repeat(101) } }), 400, 'bad_request'],
    ['missing amount', () => h.request({ method: 'POST', url: '/api/v1/payments', ...json({ currency: 'JPY' }) }), 422, 'missing_parameter'],
    ['invalid amount', () => h.request({ method: 'POST', url: '/api/v1/payments', ...json({ amount: 'ten', currency: 'JPY', payment_details: testCard() }) }), 422, 'invalid_parameter'],
    ['invalid currency', () => h.request({ method: 'POST', url: '/api/v1/payments', ...json({ amount: 10, currency: 'ZZZ', payment_details: testCard() }) }), 422, 'invalid_currency'],
    ['invalid payment type', () => h.request({ method: 'POST', url: '/api/v1/payments', ...json({ amount: 10, currency: 'JPY', payment_details: { type: 'gold_bars' } }) }), 422, 'invalid_payment_type'],
    ['invalid token', () => h.request({ method: 'POST', url: '/api/v1/payments', ...json({ amount: 10, currency: 'JPY', payment_details: 'tok_nothing' }) }), 422, 'invalid_token'],
    ['card declined', () => h.request({ method: 'POST', url: '/api/v1/payments', ...json({ amount: 10, currency: 'JPY', payment_details: testCard({ number: '4123111111111059' }) }) }), 502, 'card_declined'],
    ['invalid per_page', () => h.request({ url: '/api/v1/payments?per_page=500', key: m.secretKey }), 422, 'invalid_parameter'],
    ['an id longer than any', () => h.request({ url: `/api/v1/payments/${'a'.repeat(100)}`, key: m.secretKey }), 404, 'not_found'],
    ['unknown API version', () => h.request({ url: '/api/v1/payments', key: m.secretKey, headers: { 'X-KOMOJU-API-VERSION': 'x' } }), 400, 'bad_request'],
  ];

  it.each(cases)('%s', async (_name, run, status, code) => {
    expectEnvelope(await run(), status, code);
  });

  it('names the param of a state error as null and of a validation error by its dotted path', async () => {
    const captured = await h.request({ method: 'POST', url: '/api/v1/payments', ...json({ amount: 1000, currency: 'JPY', payment_details: testCard() }) });
    const res = await h.request({ method: 'POST', url: `/api/v1/payments/${captured.body.id}/capture`, ...json({}) });
    expectEnvelope(res, 422, 'not_capturable');
    expect(res.body.error.param).toBeNull();
    const bad = await h.request({ method: 'POST', url: '/api/v1/payments', ...json({ amount: 1000, currency: 'JPY', payment_details: testCard({ month: 13 }) }) });
    expectEnvelope(bad, 422, 'invalid_parameter');
    expect(bad.body.error.param).toBe('payment_details.month');
  });

  it("gives a validation error `details`: every offending parameter, the error's own first", async () => {
    const res = await h.request({ method: 'POST', url: '/api/v1/payments', ...json({ amount: 'ten', currency: 'JPY', capture: 'maybe' }) });
    expectEnvelope(res, 422, 'invalid_parameter');
    expect(res.body.error).toEqual({
      message: 'The value of amount is invalid',
      code: 'invalid_parameter',
      param: 'amount',
      details: {
        errors: [
          { param: 'amount', code: 'invalid_parameter', message: 'The value of amount is invalid' },
          { param: 'capture', code: 'invalid_parameter', message: 'The value of capture is invalid' },
        ],
      },
    });
    const list = await h.request({ url: '/api/v1/payments?per_page=500&page=0', key: m.secretKey });
    expect(list.body.error.details.errors.map((e: { param: string }) => e.param)).toEqual(['page', 'per_page']);
    expect(list.body.error.param).toBe('page');
    // The method's own schema (payment_details), checked after the route's, too.
    const card = await h.request({ method: 'POST', url: '/api/v1/payments', ...json({ amount: 1000, currency: 'JPY', payment_details: testCard({ month: 13, year: 'soon' }) }) });
    expect(card.body.error.param).toBe(card.body.error.details.errors[0].param);
    expect(card.body.error.details.errors.map((e: { param: string }) => e.param).sort()).toEqual(['payment_details.month', 'payment_details.year']);
    const missing = await h.request({ method: 'POST', url: '/api/v1/payments', ...json({ amount: 1000 }) });
    expect(missing.body.error).toMatchObject({ code: 'missing_parameter', details: { errors: [{ code: 'missing_parameter' }] } });
  });

  it('sends no `details` on an error that has none (state, not found, decline)', async () => {
    const captured = await h.request({ method: 'POST', url: '/api/v1/payments', ...json({ amount: 1000, currency: 'JPY', payment_details: testCard() }) });
    const responses = [
      await h.request({ method: 'POST', url: `/api/v1/payments/${captured.body.id}/capture`, ...json({}) }),
      await h.request({ url: '/api/v1/payments/nothing', key: m.secretKey }),
      await h.request({ method: 'POST', url: '/api/v1/payments', ...json({ amount: 10, currency: 'JPY', payment_details: testCard({ number: '4123111111111059' }) }) }),
    ];
    for (const res of responses) expect(Object.keys(res.body.error).sort(), res.text).toEqual(['code', 'message', 'param']);
  });

  // On PGlite (one connection) a held transaction would block the request itself, and requests
  // with one key run one after the other (idempotency.test.ts shows they replay); the in-flight
  // answer is observable on PostgreSQL, where another process can hold the key.
  it.runIf(usingPostgres)('answers 409 conflict in the envelope, with Retry-After, while the key is held elsewhere', async () => {
    const key = `held-${Date.now()}`;
    let res: ApiResponse | undefined;
    await h.store.db.transaction().execute(async (trx) => {
      // What another process executing a request with this key holds (see idempotency.repo.ts).
      await sql`SELECT pg_advisory_xact_lock(hashtextextended(${m.id} || ':' || ${key}, 0))`.execute(trx);
      res = await h.request({
        method: 'POST',
        url: '/api/v1/payments',
        ...json({ amount: 1000, currency: 'JPY', payment_details: testCard() }),
        headers: { 'X-KOMOJU-IDEMPOTENCY': key },
      });
    });
    expectEnvelope(res!, 409, 'conflict');
    expect(res!.headers['retry-after']).toBe('1');
    // Once the other request is done the key is free again.
    const after = await h.request({ method: 'POST', url: '/api/v1/payments', ...json({ amount: 1000, currency: 'JPY', payment_details: testCard() }), headers: { 'X-KOMOJU-IDEMPOTENCY': key } });
    expect(after.status).toBe(200);
  });
});

function toResponse(res: { statusCode: number; headers: ApiResponse['headers']; body: string }): ApiResponse {
  return { status: res.statusCode, headers: res.headers, body: JSON.parse(res.body), text: res.body };
}
