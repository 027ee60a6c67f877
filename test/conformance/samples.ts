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
/** A payment at an EMV card terminal (authorized until finalized) and the chip's final decision. */
const TRACK2 = '4111111111111111D30122011234567890';
const terminal = {
  amount: 1000,
  currency: 'JPY',
  payment_details: { type: 'credit_card_terminal', number: '4111111111111111', track2: TRACK2, field55: '9F2608C2F2D6A1B3E4F5069F2701809F360200419F3704A1B2C3D45A084111111111111111', sequence_number: '001', posDataCode: 'A10101C14180', flowType: '1' },
};
const tcDecision = { ac_type: 'tc', field55: '9F2608AABBCCDDEEFF00119F270140', track2: TRACK2 };
const bankAccount = { currency: 'JPY', account_number: '1234567', account_type: 'ordinary', account_name_kana: 'ヤマダ タロウ', bank_code: '0005', branch_code: '123' };
const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
const defense = {
  description: 'The customer signed for the parcel.',
  product_name: 'Tea set',
  shipping_info: { company_name: 'Yamato', shipping_date: '2026-05-20', tracking_number: '1234-5678' },
  document: { document_base64: png.toString('base64'), filename: 'receipt.png' },
};

/** A pending chargeback on a captured card payment, opened by the test helper. */
const chargeback = async ({ make }: SampleContext) =>
  make('POST', `/api/v1/test_helpers/payments/${(await make('POST', '/api/v1/payments', card({ email: 'taro@example.com' }))).id}/chargeback`, {});

/** A pending disbursement, paid from a balance made for it. */
const disbursement = async ({ make }: SampleContext) => {
  await make('POST', '/api/v1/payments', card({ amount: 20000 }));
  return make('POST', '/api/v1/disbursements', { ...bankAccount, amount: 5000, external_id: `payout-${Date.now()}` });
};

/** A merchant of its own (its test clock is moved) with a month's payments settled: its key and the settlement. */
const settled = async ({ h, call, make }: SampleContext) => {
  const { secretKey: key } = await h.merchant();
  await make('POST', '/api/v1/payments', card({ amount: 20000 }), key);
  await make('POST', `/api/v1/payments/${(await make('POST', '/api/v1/payments', card({ amount: 5000 }), key)).id}/refund`, { amount: 1000 }, key);
  const now = Date.parse((await call('GET', '/api/v1/test_helpers/clock', undefined, key)).body.now);
  const tokyo = new Date(now + 9 * 3600_000);
  const cutoff = Date.UTC(tokyo.getUTCFullYear(), tokyo.getUTCMonth() + 1, 1) - 9 * 3600_000;
  await make('POST', '/api/v1/test_helpers/clock/advance', { seconds: Math.ceil((cutoff - now) / 1000) + 60 }, key);
  const list = await call('GET', '/api/v1/settlements', undefined, key);
  expect(list.body.data, list.text).toHaveLength(1);
  return { key, settlement: list.body.data[0] };
};

/** A subscription of a customer with a stored card. */
const subscription = async ({ make }: SampleContext) => {
  const customer = await make('POST', '/api/v1/customers', { email: 'taro@example.com', payment_details: testCard() });
  return make('POST', '/api/v1/subscriptions', { customer: customer.id, amount: 2000, currency: 'JPY', period: 'monthly' });
};

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
  showBarcode: async ({ call, make }) => {
    const paid = await make('POST', '/api/v1/payments', konbini);
    return [await call('GET', `/api/v1/barcodes/${paid.id}`), await call('GET', `/api/v1/barcodes/${paid.id}`)];
  },
  finalizePayment: async (ctx) => ctx.call('POST', `/api/v1/payments/${(await ctx.make('POST', '/api/v1/payments', terminal)).id}/finalize`, tcDecision),
  listChargebackRequests: async (ctx) => (await chargeback(ctx), ctx.call('GET', '/api/v1/chargeback_requests')),
  showChargebackRequest: async (ctx) => {
    const [pending, defended] = [await chargeback(ctx), await chargeback(ctx)];
    await ctx.make('POST', `/api/v1/chargeback_requests/${defended.id}/defend`, defense);
    return [await ctx.call('GET', `/api/v1/chargeback_requests/${pending.id}`), await ctx.call('GET', `/api/v1/chargeback_requests/${defended.id}`)];
  },
  acceptChargebackRequest: async (ctx) => ctx.call('POST', `/api/v1/chargeback_requests/${(await chargeback(ctx)).id}/accept`),
  defendChargebackRequest: async (ctx) => ctx.call('POST', `/api/v1/chargeback_requests/${(await chargeback(ctx)).id}/defend`, defense),
  createDisbursement: async (ctx) => {
    await ctx.make('POST', '/api/v1/payments', card({ amount: 20000 }));
    return [await ctx.call('POST', '/api/v1/disbursements', { ...bankAccount, amount: 5000, external_id: 'payout-1' }), await ctx.call('POST', '/api/v1/disbursements', { ...bankAccount, amount: 1000 })];
  },
  listDisbursements: async (ctx) => (await disbursement(ctx), ctx.call('GET', '/api/v1/disbursements')),
  showDisbursement: async (ctx) => {
    // A paid one and a failed one (account 0000000), a day later on a merchant of their own.
    const { secretKey: key } = await ctx.h.merchant();
    await ctx.make('POST', '/api/v1/payments', card({ amount: 20000 }), key);
    const paid = await ctx.make('POST', '/api/v1/disbursements', { ...bankAccount, amount: 5000 }, key);
    const failed = await ctx.make('POST', '/api/v1/disbursements', { ...bankAccount, amount: 5000, account_number: '0000000' }, key);
    await ctx.make('POST', '/api/v1/test_helpers/clock/advance', { seconds: 86400 + 60 }, key);
    const shown = [await ctx.call('GET', `/api/v1/disbursements/${paid.id}`, undefined, key), await ctx.call('GET', `/api/v1/disbursements/${failed.id}`, undefined, key)];
    expect(shown.map((res) => res.body.status)).toEqual(['paid', 'failed']);
    return [await ctx.call('GET', `/api/v1/disbursements/${(await disbursement(ctx)).id}`), ...shown];
  },
  cancelDisbursement: async (ctx) => ctx.call('POST', `/api/v1/disbursements/${(await disbursement(ctx)).id}/cancel`, { cancel_reason: 'Paid by hand instead' }),
  disbursementReport: async (ctx) => {
    await disbursement(ctx);
    const day = 86400_000;
    const range = `start_time=${new Date(Date.now() - 400 * day).toISOString()}&end_time=${new Date(Date.now() + 400 * day).toISOString()}`;
    return ctx.call('GET', `/api/v1/disbursements/report?${range}&currency=JPY&status=pending`);
  },
  showBalance: async ({ call, make }) => (await make('POST', '/api/v1/payments', card()), call('GET', '/api/v1/balances/JPY')),
  balanceTransactions: async ({ call, make }) => (await make('POST', '/api/v1/payments', card()), call('GET', '/api/v1/balances/JPY/transactions')),
  showTransaction: async ({ call, make }) => {
    await make('POST', '/api/v1/payments', card());
    const list = await call('GET', '/api/v1/balances/JPY/transactions');
    return call('GET', `/api/v1/balances/JPY/transactions/${list.body.data[0].id}`);
  },
  listSettlements: async (ctx) => ctx.call('GET', '/api/v1/settlements', undefined, (await settled(ctx)).key),
  showSettlement: async (ctx) => {
    const { key, settlement } = await settled(ctx);
    return ctx.call('GET', `/api/v1/settlements/${settlement.id}`, undefined, key);
  },
  showSettlementCSV: async (ctx) => {
    const { key, settlement } = await settled(ctx);
    return ctx.call('GET', `/api/v1/settlements/${settlement.id}/csv`, undefined, key);
  },
  showSettlementPDF: async (ctx) => {
    const { key, settlement } = await settled(ctx);
    return ctx.call('GET', `/api/v1/settlements/${settlement.id}/pdf`, undefined, key);
  },
  showSettlementXLS: async (ctx) => {
    const { key, settlement } = await settled(ctx);
    return ctx.call('GET', `/api/v1/settlements/${settlement.id}/xls`, undefined, key);
  },
  createSubscription: async (ctx) => {
    // A charged one, and one whose first charge is declined (retry_at set) by a test card that declines.
    const customer = await ctx.make('POST', '/api/v1/customers', { email: 'taro@example.com', payment_details: testCard() });
    const declining = await ctx.make('POST', '/api/v1/customers', { payment_details: testCard({ number: '4123111111111059' }) });
    const subscribe = (id: string, period: string) => ctx.call('POST', '/api/v1/subscriptions', { customer: id, amount: 2000, currency: 'JPY', period });
    const answers = [await subscribe(customer.id, 'monthly'), await subscribe(declining.id, 'weekly')];
    expect(answers[1].body.retry_at, answers[1].text).not.toBeNull();
    return answers;
  },
  listSubscriptions: async (ctx) => (await subscription(ctx), ctx.call('GET', '/api/v1/subscriptions')),
  showSubscription: async (ctx) => ctx.call('GET', `/api/v1/subscriptions/${(await subscription(ctx)).id}`),
  deleteSubscription: async (ctx) => ctx.call('DELETE', `/api/v1/subscriptions/${(await subscription(ctx)).id}`),
};
