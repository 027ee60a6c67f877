import type { Answer, ApiClient } from './api-client';
import * as customer from './customer-actions';
import type { ActionResult } from './customer-actions';
import { Refusal } from './refusal';
import { keyRefused } from './server-target';

/** An object a trigger made, as it stands at the end. */
export interface Made {
  resource: 'payment' | 'customer' | 'subscription' | 'secure_token' | 'chargeback' | 'settlement' | 'disbursement';
  id: string;
  status: string;
  /** A few words beside the status: the method and amount, a verification status. */
  detail?: string;
}

/** What a story works with: the server, the user's overrides, and where it reports. */
export interface StoryContext {
  client: ApiClient;
  /** The request body of step `step`: `defaults` with the user's `--override`s for it applied. */
  body(step: string, defaults: Record<string, unknown>): Record<string, unknown>;
  /** Records (or updates, by id) an object the story made. */
  made(object: Made): void;
  /** A line the output shows after the objects (what else changed: the test clock). */
  note(text: string): void;
}

/**
 * What `kessai trigger NAME` can make: one per event type kessai sends, and the customer-side
 * stories of Japanese checkouts. Each makes real objects through the public API (and the
 * customer pages a shopper would use), never a back door.
 */
export interface Story {
  name: string;
  description: string;
  /** The events it produces, in order (what `--list` shows; the test checks them). */
  events: string[];
  /** The request bodies `--override` can change; the first is the one an unprefixed override changes. */
  steps: string[];
  run(ctx: StoryContext): Promise<void>;
}

export const RETURN_URL = 'https://shop.example/kessai-trigger/return';
/** Approved by the test processor; the 3-D Secure families are in docs/testing.md. */
export const TEST_CARD = { type: 'credit_card', number: '4111111111111111', month: 12, year: 2099, verification_value: '123', name: 'Taro Yamada' };
export const DECLINED_CARD = { ...TEST_CARD, number: '4123111111111059' };
/** The payer fields bank transfer and PayEasy ask for (konbini needs fewer). */
const PAYER = { family_name: '山田', given_name: '太郎', family_name_kana: 'ヤマダ', given_name_kana: 'タロウ', email: 'taro@example.com', phone: '0312345678' };
export const CASH_DETAILS: Record<string, Record<string, unknown>> = {
  konbini: { type: 'konbini', store: 'lawson', email: 'taro@example.com', phone: '09011112222' },
  bank_transfer: { type: 'bank_transfer', ...PAYER },
  pay_easy: { type: 'pay_easy', ...PAYER },
};

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

function describeAnswer(answer: Answer): string {
  const error = (answer.body as { error?: { code?: string; message?: string } } | null)?.error;
  if (error) return `${answer.status} ${error.code}: ${error.message}`;
  return `${answer.status}${typeof answer.body === 'string' ? ` ${answer.body.slice(0, 200)}` : ''}`;
}

/** The answer must be `expected`; else the story stops, saying `what` answered what (a refused key, what to do). */
function expectStatus(ctx: StoryContext, what: string, answer: Answer, expected: number): void {
  if (answer.status === 401 && expected !== 401) throw keyRefused(ctx.client.target);
  if (answer.status !== expected) throw new Refusal(`${what} answered ${describeAnswer(answer)}`);
}

/** An API call that must answer `expected` (200 by default); anything else stops the story, saying where. */
export async function call(ctx: StoryContext, method: Method, path: string, body?: unknown, expected = 200): Promise<any> {
  const answer = await ctx.client.api(method, path, { body });
  expectStatus(ctx, `${method} ${path}`, answer, expected);
  return answer.body;
}

/** A customer action (the module kessai run uses too) that must succeed: answers its final answer's body. */
async function act(ctx: StoryContext, result: ActionResult): Promise<any> {
  if (result.answer.status === 401) throw keyRefused(ctx.client.target);
  if (result.problem) throw new Refusal(`${result.did}: ${result.problem}`);
  expectStatus(ctx, result.did, result.answer, 200);
  return result.answer.body;
}

export function recordPayment(ctx: StoryContext, payment: any): any {
  ctx.made({ resource: 'payment', id: payment.id, status: payment.status, detail: `${payment.payment_details?.type}, ${payment.total} ${payment.currency}` });
  return payment;
}

export function recordCustomer(ctx: StoryContext, customer: any, status: string): any {
  ctx.made({ resource: 'customer', id: customer.id, status, detail: customer.email ?? undefined });
  return customer;
}

/** POST /payments with step `payment`'s body (after overrides) made from `defaults`. */
export async function createPayment(ctx: StoryContext, defaults: Record<string, unknown>, step = 'payment'): Promise<any> {
  const body = ctx.body(step, { amount: 1000, currency: 'JPY', ...defaults });
  return recordPayment(ctx, await call(ctx, 'POST', '/api/v1/payments', body));
}

/** A konbini / bank transfer / PayEasy payment, `authorized` until paid or expired. */
export function cashPayment(ctx: StoryContext, type: string): Promise<any> {
  return createPayment(ctx, { payment_details: CASH_DETAILS[type], return_url: RETURN_URL });
}

/** The customer pays it (test helper): `captured`. */
export async function payCash(ctx: StoryContext, payment: any): Promise<any> {
  return recordPayment(ctx, await act(ctx, await customer.pay(ctx.client, payment.id)));
}

/**
 * Moves the merchant's test clock just past the payment's deadline, which expires it (and every
 * other payment of the merchant whose deadline passes): said in the output.
 */
export async function expire(ctx: StoryContext, payment: any): Promise<any> {
  const clock = await call(ctx, 'GET', '/api/v1/test_helpers/clock');
  const seconds = Math.max(1, Math.ceil((Date.parse(payment.payment_deadline) - Date.parse(clock.now)) / 1000) + 1);
  const advanced = await call(ctx, 'POST', '/api/v1/test_helpers/clock/advance', { seconds });
  ctx.note(
    `moved this merchant's test clock forward by ${seconds} s (now ${advanced.now}, ${advanced.offset_seconds} s ahead of real time); ` +
      `${advanced.expired_payments} payment(s) past their deadline expired`,
  );
  return recordPayment(ctx, await call(ctx, 'GET', `/api/v1/payments/${payment.id}`));
}

/** An offsite payment (PayPay) and the customer's button on the provider's page (the simulator). */
export async function offsite(ctx: StoryContext, choice: 'approve' | 'decline' | 'abandon'): Promise<void> {
  const payment = await createPayment(ctx, { payment_details: { type: 'paypay' }, return_url: RETURN_URL });
  recordPayment(ctx, await act(ctx, await customer.offsite(ctx.client, payment.id, choice)));
}

/**
 * A secure token for a challenge card, the customer on the issuer's page passing or failing the
 * challenge, then the shop's POST /payments with the token: answers that call.
 */
export async function threeDSecure(ctx: StoryContext, result: 'pass' | 'fail'): Promise<Answer> {
  const card = { ...TEST_CARD, number: '4100000000005000' };
  const tokenBody = ctx.body('secure_token', { amount: 1000, currency: 'JPY', return_url: RETURN_URL, payment_details: card });
  const token = await call(ctx, 'POST', '/api/v1/secure_tokens', tokenBody);
  const verified = await act(ctx, await customer.authenticate(ctx.client, token.authentication_url, result));
  ctx.made({ resource: 'secure_token', id: token.id, status: verified.verification_status });
  const paymentBody = ctx.body('payment', { amount: tokenBody.amount, currency: tokenBody.currency, payment_details: token.id });
  return ctx.client.api('POST', '/api/v1/payments', { body: paymentBody });
}

/** A captured konbini payment and a refund request for all of it, settled `outcome`. */
export async function refundRequest(ctx: StoryContext, outcome: 'complete' | 'reject'): Promise<void> {
  const payment = await payCash(ctx, await cashPayment(ctx, 'konbini'));
  const body = ctx.body('refund_request', {
    amount: payment.total,
    customer_name: 'ヤマダ タロウ',
    bank_name: 'Kessai Bank',
    bank_code: '0001',
    branch_name: 'Main',
    branch_number: '123',
    account_type: 'normal',
    account_number: '1234567',
    include_payment_method_fee: false,
  });
  const requested = recordPayment(ctx, await call(ctx, 'POST', `/api/v1/payments/${payment.id}/refund_request`, body));
  const request = requested.refund_requests[requested.refund_requests.length - 1];
  recordPayment(ctx, await call(ctx, 'POST', `/api/v1/test_helpers/refund_requests/${request.id}/${outcome}`, {}));
}
