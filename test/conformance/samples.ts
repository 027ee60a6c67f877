import { expect } from 'vitest';
import { testCard, type ApiResponse, type Harness, type TestMerchant } from '../helpers/harness';

/**
 * How to make a real answer of each official operation kessai serves, by the SDK's operation name
 * (test/conformance/komoju-official.json). The conformance test holds each answer against the
 * operation's model; a served operation without an entry here fails the test, naming it. An entry
 * makes what it needs through the API, as a shop would.
 */
export interface SampleContext {
  h: Harness;
  merchant: TestMerchant;
  /** POST/PATCH/DELETE/GET with the secret key; the answer as is. */
  call(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, json?: unknown, key?: string): Promise<ApiResponse>;
  /** Makes something through the API and returns its body (asserting a 2xx answer). */
  make(method: 'POST' | 'PATCH' | 'DELETE', url: string, json?: unknown, key?: string): Promise<any>;
}

/** One answer, or several when the operation answers different shapes (a session's three modes). */
export type Sample = (ctx: SampleContext) => Promise<ApiResponse | ApiResponse[]>;

const card = (body: Record<string, unknown> = {}) => ({ amount: 1000, currency: 'JPY', payment_details: testCard(), ...body });
const konbini = { amount: 2000, currency: 'JPY', payment_details: { type: 'konbini', store: 'lawson', email: 'taro@example.com' } };
const session = { amount: 1500, currency: 'JPY', return_url: 'https://shop.example/done' };

export const SAMPLES: Record<string, Sample> = {
  createPayment: async ({ call }) => [
    await call('POST', '/api/v1/payments', card()),
    await call('POST', '/api/v1/payments', { ...card(), mcc: '5812', statement_descriptor: { statement_descriptor: 'KESSAI SHOP' } }),
    await call('POST', '/api/v1/payments', konbini),
  ],
  listPayments: async ({ call, make }) => (await make('POST', '/api/v1/payments', card()), call('GET', '/api/v1/payments')),
  showPayment: async ({ call, make }) => call('GET', `/api/v1/payments/${(await make('POST', '/api/v1/payments', card())).id}`),
  updatePayment: async ({ call, make }) => call('PATCH', `/api/v1/payments/${(await make('POST', '/api/v1/payments', card())).id}`, { description: 'updated' }),
  capturePayment: async ({ call, make }) => call('POST', `/api/v1/payments/${(await make('POST', '/api/v1/payments', card({ capture: false }))).id}/capture`, {}),
  refundPayment: async ({ call, make }) => call('POST', `/api/v1/payments/${(await make('POST', '/api/v1/payments', card())).id}/refund`, { amount: 100, description: 'refund' }),
  cancelPayment: async ({ call, make }) => call('POST', `/api/v1/payments/${(await make('POST', '/api/v1/payments', card({ capture: false }))).id}/cancel`),
  createRefundRequest: async ({ call, make }) => {
    const paid = await make('POST', '/api/v1/payments', konbini);
    await make('POST', `/api/v1/test_helpers/payments/${paid.id}/pay`, {});
    return call('POST', `/api/v1/payments/${paid.id}/refund_request`, {
      amount: 500, customer_name: 'ヤマダ タロウ', bank_name: 'Bank', branch_name: 'Main', branch_number: '123', account_type: 'normal', account_number: '1234567', include_payment_method_fee: false,
    });
  },
  listPaymentMethods: ({ call }) => call('GET', '/api/v1/payment_methods'),
  createToken: ({ call, merchant }) => call('POST', '/api/v1/tokens', { payment_details: testCard() }, merchant.publishableKey),
  createSecureToken: ({ call, merchant }) => call('POST', '/api/v1/secure_tokens', { ...card(), return_url: 'https://shop.example/back' }, merchant.publishableKey),
  showSecureToken: async ({ call, make, merchant }) => {
    const token = await make('POST', '/api/v1/secure_tokens', { ...card(), return_url: 'https://shop.example/back' }, merchant.publishableKey);
    return call('GET', `/api/v1/secure_tokens/${token.id}`);
  },
  createCustomer: ({ call }) => call('POST', '/api/v1/customers', { email: 'taro@example.com', payment_details: testCard() }),
  listCustomers: async ({ call, make }) => (await make('POST', '/api/v1/customers', { email: 'a@example.com', payment_details: testCard() }), call('GET', '/api/v1/customers')),
  showCustomer: async ({ call, make }) => call('GET', `/api/v1/customers/${(await make('POST', '/api/v1/customers', { payment_details: testCard() })).id}`),
  updateCustomer: async ({ call, make }) => call('PATCH', `/api/v1/customers/${(await make('POST', '/api/v1/customers', { payment_details: testCard() })).id}`, { email: 'new@example.com' }),
  deleteCustomer: async ({ call, make }) => call('DELETE', `/api/v1/customers/${(await make('POST', '/api/v1/customers', { payment_details: testCard() })).id}`),
  createSession: async ({ call }) => [
    await call('POST', '/api/v1/sessions', session),
    await call('POST', '/api/v1/sessions', { ...session, mode: 'customer_payment' }),
    await call('POST', '/api/v1/sessions', { mode: 'customer', currency: 'JPY', return_url: session.return_url }),
  ],
  showSession: async ({ call, make }) => call('GET', `/api/v1/sessions/${(await make('POST', '/api/v1/sessions', session)).id}`),
  cancelSession: async ({ call, make }) => call('POST', `/api/v1/sessions/${(await make('POST', '/api/v1/sessions', session)).id}/cancel`),
  paySession: async ({ call, make, merchant }) => {
    const made = await make('POST', '/api/v1/sessions', session);
    return call('POST', `/api/v1/sessions/${made.id}/pay`, { payment_details: testCard() }, merchant.publishableKey);
  },
  deleteExternalCustomer: async ({ h, call, make }) => {
    const externalId = `shopper-${Date.now()}`;
    const made = await make('POST', '/api/v1/sessions', { ...session, external_customer_id: externalId });
    const saved = await h.app.inject({
      method: 'POST',
      url: `/sessions/${made.id}/pay`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ type: 'credit_card', name: 'Taro', number: '3530111333300000', expiry: '12/39', verification_value: '123', save_card: '1' }).toString(),
    });
    expect(saved.statusCode, saved.body).toBe(303);
    return call('DELETE', `/api/v1/external_customers/${externalId}`);
  },
  listEvents: async ({ call, make }) => (await make('POST', '/api/v1/payments', card()), call('GET', '/api/v1/events')),
  showEvent: async ({ call, make }) => {
    await make('POST', '/api/v1/payments', card());
    const events = await call('GET', '/api/v1/events');
    return call('GET', `/api/v1/events/${events.body.data[0].id}`);
  },
};
