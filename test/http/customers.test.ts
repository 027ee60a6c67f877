import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, testCard, type Harness, type TestMerchant } from '../helpers/harness';
import { expectError, paymentApi } from '../helpers/payment-api';

/**
 * Customers: stored card details (from a hash or a token), CRUD with customer.* events whose
 * data is the customer, payments by `customer`, and isolation between merchants.
 */

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

function api(m: TestMerchant) {
  return {
    ...paymentApi(h, m.secretKey),
    del: (url: string) => h.request({ method: 'DELETE', url, key: m.secretKey }),
  };
}

async function createCustomer(m: TestMerchant, body: Record<string, unknown>) {
  const res = await api(m).post('/api/v1/customers', body);
  expect(res.status, res.text).toBe(200);
  return res.body;
}

describe('POST /api/v1/customers', () => {
  it('stores a card from a details hash and shows brand, last four and expiry only', async () => {
    const m = await h.merchant();
    const card = testCard({ number: '4111111111111111', month: 3, year: 2031 });
    const customer = await createCustomer(m, { email: 'taro@example.com', metadata: { order_id: 'abcdefg' }, payment_details: card });
    expect(customer).toEqual({
      id: expect.stringMatching(/^[0-9a-z]{25}$/),
      resource: 'customer',
      email: 'taro@example.com',
      source: { type: 'credit_card', brand: 'visa', last_four_digits: '1111', month: 3, year: 2031 },
      metadata: { order_id: 'abcdefg' },
      created_at: expect.stringMatching(ISO),
    });
    const row = await h.store.db.selectFrom('customers').selectAll().where('id', '=', customer.id).executeTakeFirstOrThrow();
    const stored = h.services.vault.open(row.secret_details!);
    expect(stored.number).toBe('4111111111111111');
    expect(Object.keys(stored)).not.toContain('verification_value');
  });

  it('stores the details of a token, as curl -d form fields, and uses the token up', async () => {
    const m = await h.merchant();
    const token = await h.request({ method: 'POST', url: '/api/v1/tokens', key: m.publishableKey, json: { payment_details: testCard({ number: '5555555555554444' }) } });
    const res = await h.request({ method: 'POST', url: '/api/v1/customers', key: m.secretKey, form: { email: 'test@example.com', 'metadata[order_id]': 'abcdefg', payment_details: token.body.id } });
    expect(res.status, res.text).toBe(200);
    expect(res.body.source).toMatchObject({ brand: 'master', last_four_digits: '4444' });
    expectError(await api(m).post('/api/v1/customers', { payment_details: token.body.id }), 422, 'invalid_token', 'payment_details');
  });

  it('creates a customer without details (source null)', async () => {
    const m = await h.merchant();
    const customer = await createCustomer(m, { email: 'later@example.com' });
    expect(customer.source).toBeNull();
    expect(customer.metadata).toEqual({});
    expectError(await api(m).post('/api/v1/payments', { amount: 1000, currency: 'JPY', customer: customer.id }), 422, 'invalid_parameter', 'customer');
  });

  it('validates details as a payment would, and refuses methods that cannot be stored', async () => {
    const m = await h.merchant();
    expectError(await api(m).post('/api/v1/customers', { payment_details: testCard({ number: '4111111111111112' }) }), 422, 'invalid_parameter', 'payment_details.number');
    expectError(await api(m).post('/api/v1/customers', { payment_details: { type: 'konbini', store: 'lawson' } }), 422, 'invalid_payment_type', 'payment_details.type');
    expectError(await api(m).post('/api/v1/customers', { email: 'not an email' }), 422, 'invalid_parameter', 'email');
    expectError(await api(m).post('/api/v1/customers', { metadata: { ['k'.repeat(31)]: 'v' } }), 422, 'invalid_parameter');
    expect(await h.store.db.selectFrom('customers').select('id').where('merchant_id', '=', m.id).execute()).toEqual([]);
  });

  it("leaves a konbini token unused when the customer is refused (the transaction rolls back)", async () => {
    const m = await h.merchant();
    const token = await h.request({ method: 'POST', url: '/api/v1/tokens', key: m.publishableKey, json: { payment_details: { type: 'konbini', store: 'lawson' } } });
    expectError(await api(m).post('/api/v1/customers', { payment_details: token.body.id }), 422, 'invalid_payment_type');
    expect((await api(m).post('/api/v1/payments', { amount: 1000, currency: 'JPY', payment_details: token.body.id })).status).toBe(200);
  });
});

describe('reading, updating and deleting', () => {
  it('lists newest first, shows one, updates it, deletes it — with customer.* events', async () => {
    const m = await h.merchant();
    const a = api(m);
    const first = await createCustomer(m, { email: 'one@example.com' });
    const second = await createCustomer(m, { email: 'two@example.com', payment_details: testCard() });

    const list = await a.get('/api/v1/customers');
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ resource: 'list', total: 2, page: 1, per_page: 10, last_page: 1 });
    expect(list.body.data.map((c: { id: string }) => c.id)).toEqual([second.id, first.id]);

    const shown = await a.get(`/api/v1/customers/${second.id}`);
    expect(shown.body).toEqual(second);

    const updated = await a.patch(`/api/v1/customers/${first.id}`, { email: 'new@example.com', metadata: { plan: 'gold' }, payment_details: testCard({ number: '3530111333300000' }) });
    expect(updated.status, updated.text).toBe(200);
    expect(updated.body).toMatchObject({ id: first.id, email: 'new@example.com', metadata: { plan: 'gold' }, source: { brand: 'jcb', last_four_digits: '0000' } });
    expect(updated.body.created_at).toBe(first.created_at);

    const deleted = await a.del(`/api/v1/customers/${first.id}`);
    expect(deleted.status, deleted.text).toBe(200);
    expect(deleted.body).toEqual(updated.body);
    expectError(await a.get(`/api/v1/customers/${first.id}`), 404, 'not_found');
    expectError(await a.del(`/api/v1/customers/${first.id}`), 404, 'not_found');
    expectError(await a.patch(`/api/v1/customers/${first.id}`, { email: 'x@example.com' }), 404, 'not_found');

    const events = await a.get('/api/v1/events?per_page=100');
    const ofFirst = (events.body.data as { type: string; data: { id: string } }[]).filter((e) => e.data.id === first.id).reverse();
    expect(ofFirst.map((e) => e.type)).toEqual(['customer.created', 'customer.updated', 'customer.deleted']);
    expect(ofFirst[0].data).toEqual(first);
    expect(ofFirst[1].data).toEqual(updated.body);
    expect(ofFirst[2].data).toEqual(updated.body);
    const created = (events.body.data as { type: string; data: { id: string } }[]).find((e) => e.data.id === second.id);
    expect(created).toMatchObject({ type: 'customer.created', resource: 'event', data: second });
  });

  it("answers 404 for another merchant's customer, and cannot charge it", async () => {
    const owner = await h.merchant();
    const other = await h.merchant();
    const customer = await createCustomer(owner, { payment_details: testCard() });
    expectError(await api(other).get(`/api/v1/customers/${customer.id}`), 404, 'not_found');
    expectError(await api(other).patch(`/api/v1/customers/${customer.id}`, { email: 'x@example.com' }), 404, 'not_found');
    expectError(await api(other).del(`/api/v1/customers/${customer.id}`), 404, 'not_found');
    expectError(await api(other).post('/api/v1/payments', { amount: 1000, currency: 'JPY', customer: customer.id }), 422, 'invalid_parameter', 'customer');
    expect((await api(other).get('/api/v1/customers')).body.total).toBe(0);
  });

  it('refuses the publishable key everywhere (403)', async () => {
    const m = await h.merchant();
    const customer = await createCustomer(m, {});
    for (const [method, url] of [
      ['POST', '/api/v1/customers'],
      ['GET', '/api/v1/customers'],
      ['GET', `/api/v1/customers/${customer.id}`],
      ['PATCH', `/api/v1/customers/${customer.id}`],
      ['DELETE', `/api/v1/customers/${customer.id}`],
    ] as const) {
      expectError(await h.request({ method, url, key: m.publishableKey, json: method === 'GET' || method === 'DELETE' ? undefined : {} }), 403, 'forbidden');
    }
  });
});

describe('POST /api/v1/payments with customer', () => {
  it('charges the stored card, again and again, and names the customer', async () => {
    const m = await h.merchant();
    const customer = await createCustomer(m, { email: 'taro@example.com', payment_details: testCard({ number: '378282246310005', email: 'taro@example.com' }) });
    for (let i = 0; i < 2; i++) {
      const res = await api(m).post('/api/v1/payments', { amount: 1000, currency: 'JPY', customer: customer.id });
      expect(res.status, res.text).toBe(200);
      expect(res.body).toMatchObject({
        status: 'captured',
        customer: customer.id,
        payment_details: { type: 'credit_card', brand: 'american_express', last_four_digits: '0005' },
      });
    }
  });

  it('declines as the stored card would', async () => {
    const m = await h.merchant();
    const customer = await createCustomer(m, { payment_details: testCard({ number: '4123111111111000' }) });
    expectError(await api(m).post('/api/v1/payments', { amount: 1000, currency: 'JPY', customer: customer.id }), 502, 'insufficient_funds');
  });

  it('charges the new card after an update, and nothing after a delete', async () => {
    const m = await h.merchant();
    const customer = await createCustomer(m, { payment_details: testCard() });
    await api(m).patch(`/api/v1/customers/${customer.id}`, { payment_details: testCard({ number: '5555555555554444' }) });
    const paid = await api(m).post('/api/v1/payments', { amount: 500, currency: 'JPY', customer: customer.id });
    expect(paid.body.payment_details.last_four_digits).toBe('4444');
    await api(m).del(`/api/v1/customers/${customer.id}`);
    expectError(await api(m).post('/api/v1/payments', { amount: 500, currency: 'JPY', customer: customer.id }), 422, 'invalid_parameter', 'customer');
  });

  it('refuses a customer together with payment_details', async () => {
    const m = await h.merchant();
    const customer = await createCustomer(m, { payment_details: testCard() });
    expectError(await api(m).post('/api/v1/payments', { amount: 1000, currency: 'JPY', customer: customer.id, payment_details: testCard() }), 422, 'invalid_parameter', 'customer');
  });
});
