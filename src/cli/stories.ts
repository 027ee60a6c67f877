import { CHARGEBACK_TRIGGERS } from './chargeback-stories';
import { LEDGER_TRIGGERS } from './ledger-stories';
import { Refusal } from './refusal';
import { SUBSCRIPTION_STORIES } from './subscription-stories';
import {
  call,
  cashPayment,
  createPayment,
  DECLINED_CARD,
  expire,
  offsite,
  payCash,
  recordCustomer,
  recordPayment,
  refundRequest,
  TEST_CARD,
  threeDSecure,
  type Story,
  type StoryContext,
} from './story-steps';

export type { Story } from './story-steps';

async function cardPayment(ctx: StoryContext, extra: Record<string, unknown> = {}): Promise<any> {
  return createPayment(ctx, { payment_details: TEST_CARD, ...extra });
}

async function refund(ctx: StoryContext, partial: boolean): Promise<void> {
  const payment = await cardPayment(ctx);
  const body = ctx.body('refund', partial ? { amount: Math.max(1, Math.floor(payment.total / 2)) } : {});
  recordPayment(ctx, await call(ctx, 'POST', `/api/v1/payments/${payment.id}/refund`, body));
}

async function createCustomer(ctx: StoryContext): Promise<any> {
  const body = ctx.body('customer', { email: 'taro@example.com', payment_details: TEST_CARD, metadata: { made_by: 'kessai trigger' } });
  return recordCustomer(ctx, await call(ctx, 'POST', '/api/v1/customers', body), 'created');
}

/** A card declined by the test processor: 502, and a `failed` payment found by its order number. */
async function declined(ctx: StoryContext): Promise<void> {
  const body = ctx.body('payment', { amount: 1000, currency: 'JPY', payment_details: DECLINED_CARD, external_order_num: `trigger-${Date.now()}` });
  await call(ctx, 'POST', '/api/v1/payments', body, 502);
  const order = encodeURIComponent(String(body.external_order_num));
  const found = await call(ctx, 'GET', `/api/v1/payments?external_order_num=${order}&per_page=1`);
  if (found.data.length === 0) throw new Refusal('the declined payment was not found by its external_order_num');
  recordPayment(ctx, found.data[0]);
}

const cash = (type: 'konbini' | 'bank_transfer' | 'pay_easy', label: string): Story[] => [
  {
    name: `${type}.paid`,
    description: `a ${label} payment the customer pays (test helper)`,
    events: ['payment.authorized', 'payment.captured'],
    steps: ['payment'],
    run: async (ctx) => void (await payCash(ctx, await cashPayment(ctx, type))),
  },
  {
    name: `${type}.expired`,
    description: `a ${label} payment never paid: the test clock moves past its deadline`,
    events: ['payment.authorized', 'payment.expired'],
    steps: ['payment'],
    run: async (ctx) => void (await expire(ctx, await cashPayment(ctx, type))),
  },
];

const EVENT_TRIGGERS: Story[] = [
  {
    name: 'payment.authorized',
    description: 'a card payment authorized only (capture: false)',
    events: ['payment.authorized'],
    steps: ['payment'],
    run: async (ctx) => void (await cardPayment(ctx, { capture: false })),
  },
  {
    name: 'payment.captured',
    description: 'a card payment, captured at once',
    events: ['payment.captured'],
    steps: ['payment'],
    run: async (ctx) => void (await cardPayment(ctx)),
  },
  {
    name: 'payment.updated',
    description: "a card payment whose metadata is changed (PATCH)",
    events: ['payment.captured', 'payment.updated'],
    steps: ['payment', 'update'],
    run: async (ctx) => {
      const payment = await cardPayment(ctx);
      const body = ctx.body('update', { metadata: { note: 'updated by kessai trigger' } });
      recordPayment(ctx, await call(ctx, 'PATCH', `/api/v1/payments/${payment.id}`, body));
    },
  },
  {
    name: 'payment.failed',
    description: 'a card payment declined by the issuer (card_declined)',
    events: ['payment.failed'],
    steps: ['payment'],
    run: declined,
  },
  {
    name: 'payment.expired',
    description: 'a konbini payment never paid: the test clock moves past its deadline',
    events: ['payment.authorized', 'payment.expired'],
    steps: ['payment'],
    run: async (ctx) => void (await expire(ctx, await cashPayment(ctx, 'konbini'))),
  },
  {
    name: 'payment.cancelled',
    description: 'an authorized card payment, cancelled',
    events: ['payment.authorized', 'payment.cancelled'],
    steps: ['payment'],
    run: async (ctx) => {
      const payment = await cardPayment(ctx, { capture: false });
      recordPayment(ctx, await call(ctx, 'POST', `/api/v1/payments/${payment.id}/cancel`, {}));
    },
  },
  {
    name: 'payment.refund.created',
    description: 'a card payment refunded in part (half)',
    events: ['payment.captured', 'payment.refund.created'],
    steps: ['payment', 'refund'],
    run: (ctx) => refund(ctx, true),
  },
  {
    name: 'payment.refunded',
    description: 'a card payment refunded in full',
    events: ['payment.captured', 'payment.refund.created', 'payment.refunded'],
    steps: ['payment', 'refund'],
    run: (ctx) => refund(ctx, false),
  },
  {
    name: 'customer.created',
    description: 'a customer with a stored card',
    events: ['customer.created'],
    steps: ['customer'],
    run: async (ctx) => void (await createCustomer(ctx)),
  },
  {
    name: 'customer.updated',
    description: "a customer whose email is changed",
    events: ['customer.created', 'customer.updated'],
    steps: ['customer', 'update'],
    run: async (ctx) => {
      const customer = await createCustomer(ctx);
      const body = ctx.body('update', { email: 'taro.updated@example.com' });
      recordCustomer(ctx, await call(ctx, 'PATCH', `/api/v1/customers/${customer.id}`, body), 'updated');
    },
  },
  {
    name: 'customer.deleted',
    description: 'a customer, deleted',
    events: ['customer.created', 'customer.deleted'],
    steps: ['customer'],
    run: async (ctx) => {
      const customer = await createCustomer(ctx);
      recordCustomer(ctx, await call(ctx, 'DELETE', `/api/v1/customers/${customer.id}`), 'deleted');
    },
  },
];

const CUSTOMER_STORIES: Story[] = [
  ...cash('konbini', 'konbini'),
  ...cash('bank_transfer', 'bank transfer'),
  ...cash('pay_easy', 'PayEasy'),
  {
    name: 'paypay.approved',
    description: "a PayPay payment the customer approves on the provider's page (the offsite simulator)",
    events: ['payment.authorized', 'payment.captured'],
    steps: ['payment'],
    run: (ctx) => offsite(ctx, 'approve'),
  },
  {
    name: 'paypay.declined',
    description: "a PayPay payment the customer declines on the provider's page",
    events: ['payment.authorized', 'payment.failed'],
    steps: ['payment'],
    run: (ctx) => offsite(ctx, 'decline'),
  },
  {
    name: 'paypay.cancelled',
    description: "a PayPay payment the customer cancels on the provider's page",
    events: ['payment.authorized', 'payment.cancelled'],
    steps: ['payment'],
    run: (ctx) => offsite(ctx, 'abandon'),
  },
  {
    name: '3ds.passed',
    description: "a secure token whose challenge the customer passes on the issuer's page, then the card payment with it",
    events: ['payment.captured'],
    steps: ['secure_token', 'payment'],
    run: async (ctx) => {
      const answer = await threeDSecure(ctx, 'pass');
      if (answer.status !== 200) throw new Refusal(`POST /api/v1/payments with the verified token answered ${answer.status}`);
      recordPayment(ctx, answer.body);
    },
  },
  {
    name: '3ds.failed',
    description: "a secure token whose challenge the customer fails; the shop's payment with it is refused (no payment, no event)",
    events: [],
    steps: ['secure_token', 'payment'],
    run: async (ctx) => {
      const answer = await threeDSecure(ctx, 'fail');
      if (answer.status === 200) throw new Refusal('POST /api/v1/payments with the failed token was accepted');
      ctx.note(`the shop's POST /api/v1/payments with the failed token answered ${answer.status} ${answer.body?.error?.code ?? ''}: no payment was made`);
    },
  },
  {
    name: 'refund_request.completed',
    description: 'a paid konbini payment, a refund request for all of it, completed by the operator (test helper)',
    events: ['payment.authorized', 'payment.captured', 'payment.updated', 'payment.refund.created', 'payment.refunded'],
    steps: ['refund_request', 'payment'],
    run: (ctx) => refundRequest(ctx, 'complete'),
  },
  {
    name: 'refund_request.rejected',
    description: 'a paid konbini payment, a refund request for all of it, rejected by the operator (test helper)',
    events: ['payment.authorized', 'payment.captured', 'payment.updated', 'payment.updated'],
    steps: ['refund_request', 'payment'],
    run: (ctx) => refundRequest(ctx, 'reject'),
  },
];

export const STORIES: readonly Story[] = [...EVENT_TRIGGERS, ...CHARGEBACK_TRIGGERS, ...SUBSCRIPTION_STORIES, ...LEDGER_TRIGGERS, ...CUSTOMER_STORIES];

export function findStory(name: string): Story | undefined {
  return STORIES.find((story) => story.name === name);
}
