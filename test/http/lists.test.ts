import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, testCard, type Harness } from '../helpers/harness';
import { expectError, paymentApi, type PaymentApi } from '../helpers/payment-api';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

async function freshApi(): Promise<PaymentApi> {
  return paymentApi(h, (await h.merchant()).secretKey);
}

/** Creates `n` captured payments with amounts 1, 2, … n (in that order); returns their ids. */
async function createMany(api: PaymentApi, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 1; i <= n; i++) ids.push((await api.create({ amount: i, tax: 0 })).id);
  return ids;
}

describe('the list envelope', () => {
  it('is empty with last_page 0 when there is nothing', async () => {
    const api = await freshApi();
    for (const url of ['/api/v1/payments', '/api/v1/events']) {
      const res = await api.get(url);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ resource: 'list', total: 0, page: 1, per_page: 10, last_page: 0, start_time: null, end_time: null, data: [] });
    }
  });

  it('pages 10 per page by default, newest first', async () => {
    const api = await freshApi();
    const ids = await createMany(api, 23);
    const newestFirst = [...ids].reverse();
    const pages = [];
    for (const page of [1, 2, 3]) {
      const res = await api.get(`/api/v1/payments?page=${page}`);
      expect(res.body).toMatchObject({ resource: 'list', total: 23, page, per_page: 10, last_page: 3 });
      pages.push(...res.body.data.map((p: { id: string }) => p.id));
    }
    expect(pages).toEqual(newestFirst);
    const beyond = await api.get('/api/v1/payments?page=4');
    expect(beyond.body).toMatchObject({ total: 23, page: 4, last_page: 3, data: [] });
  });

  it('takes per_page up to 100', async () => {
    const api = await freshApi();
    await createMany(api, 12);
    const res = await api.get('/api/v1/payments?per_page=100');
    expect(res.body).toMatchObject({ total: 12, page: 1, per_page: 100, last_page: 1 });
    expect(res.body.data).toHaveLength(12);
    const small = await api.get('/api/v1/payments?per_page=5&page=3');
    expect(small.body).toMatchObject({ total: 12, page: 3, per_page: 5, last_page: 3 });
    expect(small.body.data.map((p: { amount: number }) => p.amount)).toEqual([2, 1]);
  });

  it.each([
    ['per_page=101', 'per_page'],
    ['per_page=0', 'per_page'],
    ['per_page=abc', 'per_page'],
    ['page=0', 'page'],
    ['page=-1', 'page'],
    ['page=1.5', 'page'],
    ['page=99999999999999999999', 'page'], // would overflow the SQL OFFSET
  ])('refuses %s with invalid_parameter', async (query, param) => {
    const api = await freshApi();
    for (const url of ['/api/v1/payments', '/api/v1/events']) {
      expectError(await api.get(`${url}?${query}`), 422, 'invalid_parameter', param);
    }
  });
});

describe('payment filters', () => {
  it('filters by one status and by a comma-separated list', async () => {
    const api = await freshApi();
    const captured = await api.create();
    const authorized = await api.create({ capture: false });
    const cancelled = await api.create({ capture: false });
    await api.post(`/api/v1/payments/${cancelled.id}/cancel`, {});
    const refunded = await api.create();
    await api.post(`/api/v1/payments/${refunded.id}/refund`, {});
    await api.post('/api/v1/payments', { amount: 1000, currency: 'JPY', payment_details: testCard({ number: '4123111111111059' }) });

    const ids = async (query: string) => (await api.get(`/api/v1/payments?${query}`)).body.data.map((p: { id: string }) => p.id);
    expect(await ids('status=captured')).toEqual([captured.id]);
    expect(await ids('status=authorized')).toEqual([authorized.id]);
    expect(await ids('status=captured,refunded')).toEqual([refunded.id, captured.id]);
    expect(await ids('status=authorized,cancelled,refunded')).toEqual([refunded.id, cancelled.id, authorized.id]);
    expect(await ids('status=expired')).toEqual([]);
    const failed = await api.get('/api/v1/payments?status=failed');
    expect(failed.body.total).toBe(1);
    expect(failed.body.data[0]).toMatchObject({ status: 'failed' });
    expect((await api.get('/api/v1/payments?status=captured,refunded')).body.total).toBe(2);
  });

  it('refuses an unknown status with invalid_parameter', async () => {
    const api = await freshApi();
    expectError(await api.get('/api/v1/payments?status=paid'), 422, 'invalid_parameter', 'status');
    expectError(await api.get('/api/v1/payments?status=captured,,refunded'), 422, 'invalid_parameter', 'status');
  });

  it('filters by external_order_num', async () => {
    const api = await freshApi();
    const a = await api.create({ external_order_num: 'ORDER-A' });
    await api.create({ external_order_num: 'ORDER-B' });
    await api.create();
    const res = await api.get('/api/v1/payments?external_order_num=ORDER-A');
    expect(res.body.total).toBe(1);
    expect(res.body.data.map((p: { id: string }) => p.id)).toEqual([a.id]);
    expect((await api.get('/api/v1/payments?external_order_num=ORDER-Z')).body.total).toBe(0);
  });

  it('filters by start_time and end_time and echoes them', async () => {
    const api = await freshApi();
    const hour = 3600_000;
    const early = await api.create({ amount: 1 });
    h.clock.advance(hour);
    const middle = await api.create({ amount: 2 });
    h.clock.advance(hour);
    const late = await api.create({ amount: 3 });
    const at = (p: { created_at: string }, deltaMs: number) => new Date(Date.parse(p.created_at) + deltaMs).toISOString();
    const ids = async (query: string) => {
      const res = await api.get(`/api/v1/payments?${query}`);
      expect(res.status, res.text).toBe(200);
      return res.body.data.map((p: { id: string }) => p.id);
    };
    const afterEarly = at(early, hour / 2);
    const beforeLate = at(late, -hour / 2);
    expect(await ids(`start_time=${afterEarly}`)).toEqual([late.id, middle.id]);
    expect(await ids(`end_time=${beforeLate}`)).toEqual([middle.id, early.id]);
    expect(await ids(`start_time=${afterEarly}&end_time=${beforeLate}`)).toEqual([middle.id]);
    const echoed = await api.get(`/api/v1/payments?start_time=${afterEarly}&end_time=${beforeLate}`);
    expect(echoed.body).toMatchObject({ total: 1, start_time: afterEarly, end_time: beforeLate });
    // Time zones other than UTC mean the same instant.
    const tokyo = new Date(Date.parse(afterEarly) + 9 * hour).toISOString().replace('Z', '+09:00');
    expect(await ids(`start_time=${encodeURIComponent(tokyo)}`)).toEqual([late.id, middle.id]);
  });

  it.each(['start_time=yesterday', 'end_time=2024-13-45T00:00:00Z', 'start_time=12345'])('refuses an invalid date (%s)', async (query) => {
    const api = await freshApi();
    const param = query.split('=')[0];
    expectError(await api.get(`/api/v1/payments?${query}`), 422, 'invalid_parameter', param);
    expectError(await api.get(`/api/v1/events?${query}`), 422, 'invalid_parameter', param);
  });
});

describe('event lists', () => {
  it('page newest first and filter by time', async () => {
    const api = await freshApi();
    const ids = await createMany(api, 12);
    const page1 = (await api.get('/api/v1/events?per_page=5')).body;
    expect(page1).toMatchObject({ resource: 'list', total: 12, page: 1, per_page: 5, last_page: 3 });
    const all = [];
    for (const page of [1, 2, 3]) {
      all.push(...(await api.get(`/api/v1/events?per_page=5&page=${page}`)).body.data.map((e: any) => e.data.id));
    }
    expect(all).toEqual([...ids].reverse());
    h.clock.advance(3600_000);
    const later = await api.create();
    const since = new Date(Date.parse(later.created_at) - 60_000).toISOString();
    const recent = (await api.get(`/api/v1/events?start_time=${since}`)).body;
    expect(recent.total).toBe(1);
    expect(recent.data[0].data.id).toBe(later.id);
  });
});

// One rule per kind of filter, the same on every list (src/http/schemas.ts, docs/api.md "Lists"):
// a value the param cannot take is 422 naming it; a valid value matching nothing is an empty 200.
describe('every list follows one rule per kind of filter', () => {
  async function lists() {
    const m = await h.merchant();
    const api = paymentApi(h, m.secretKey);
    const hook = await api.post('/api/v1/webhooks', { url: 'http://127.0.0.1:9/hooks', active: false });
    expect(hook.status, hook.text).toBe(200);
    const all = ['/api/v1/payments', '/api/v1/customers', '/api/v1/events', '/api/v1/webhooks', `/api/v1/webhooks/${hook.body.id}/deliveries`];
    const timed = ['/api/v1/payments', '/api/v1/customers', '/api/v1/events'];
    return { api, all, timed };
  }

  it('pagination: per_page 1–100 and page ≥ 1, anything else 422', async () => {
    const { api, all } = await lists();
    for (const url of all) {
      for (const [query, param] of [['per_page=0', 'per_page'], ['per_page=101', 'per_page'], ['page=0', 'page'], ['per_page=ten', 'per_page']]) {
        expectError(await api.get(`${url}?${query}`), 422, 'invalid_parameter', param);
      }
      for (const query of ['per_page=1', 'per_page=100', 'page=7']) {
        const res = await api.get(`${url}?${query}`);
        expect(res.status, `${url}?${query}: ${res.text}`).toBe(200);
        expect(res.body.resource).toBe('list');
      }
    }
  });

  it('times: an ISO 8601 date or date-time (a date is 00:00 UTC, no offset is UTC); anything else 422', async () => {
    const { api, timed } = await lists();
    for (const url of timed) {
      const date = await api.get(`${url}?start_time=2026-12-01&end_time=2026-12-31`);
      expect(date.status, `${url}: ${date.text}`).toBe(200);
      expect(date.body).toMatchObject({ start_time: '2026-12-01T00:00:00.000Z', end_time: '2026-12-31T00:00:00.000Z' });
      const local = await api.get(`${url}?start_time=2026-12-01T09:30:00&end_time=${encodeURIComponent('2026-12-01T18:30:00.5+09:00')}`);
      expect(local.body).toMatchObject({ start_time: '2026-12-01T09:30:00.000Z', end_time: '2026-12-01T09:30:00.500Z' });
      for (const query of ['start_time=yesterday', 'start_time=2026-02-30', 'end_time=2026-12-01T25:00:00Z', 'end_time=01/12/2026', 'start_time=2026-12-01T10:00:00%2B25:00']) {
        expectError(await api.get(`${url}?${query}`), 422, 'invalid_parameter', query.split('=')[0]);
      }
    }
  });

  it('a date-only window selects by day', async () => {
    const { api } = await lists();
    const payment = await api.create();
    const day = payment.created_at.slice(0, 10);
    const next = new Date(Date.parse(`${day}T00:00:00Z`) + 86400_000).toISOString().slice(0, 10);
    expect((await api.get(`/api/v1/payments?start_time=${day}`)).body.total).toBe(1);
    expect((await api.get(`/api/v1/payments?start_time=${next}`)).body.total).toBe(0);
    expect((await api.get(`/api/v1/payments?end_time=${next}`)).body.total).toBe(1);
    const events = (await api.get('/api/v1/events')).body.total; // the webhook's ping and payment.captured
    expect((await api.get(`/api/v1/events?start_time=${day}&end_time=${next}`)).body.total).toBe(events);
    expect((await api.get(`/api/v1/events?start_time=${next}`)).body.total).toBe(0);
  });

  it('enumerated filters (status, currency): an unknown value is 422, a known one matching nothing an empty 200', async () => {
    const { api } = await lists();
    await api.create({ currency: 'JPY' });
    expectError(await api.get('/api/v1/payments?currency=XYZ'), 422, 'invalid_parameter', 'currency');
    expectError(await api.get('/api/v1/payments?currency=yen'), 422, 'invalid_parameter', 'currency');
    expectError(await api.get('/api/v1/payments?status=paid'), 422, 'invalid_parameter', 'status');
    expect((await api.get('/api/v1/payments?currency=USD')).body).toMatchObject({ total: 0, data: [] });
    expect((await api.get('/api/v1/payments?status=refunded')).body).toMatchObject({ total: 0, data: [] });
    expect((await api.get('/api/v1/payments?currency=jpy')).body.total).toBe(1);
  });

  it('open filters (external_order_num, event type, resource_id): matched exactly, nothing matching is an empty 200', async () => {
    const { api } = await lists();
    await api.create({ external_order_num: 'ORDER-1' });
    for (const url of ['/api/v1/payments?external_order_num=ORDER-2', '/api/v1/events?type=payment.nosuchthing', '/api/v1/events?resource_id=nosuchid']) {
      const res = await api.get(url);
      expect(res.status, `${url}: ${res.text}`).toBe(200);
      expect(res.body).toMatchObject({ total: 0, data: [] });
    }
  });
});
