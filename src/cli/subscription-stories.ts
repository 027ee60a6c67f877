import { call, DECLINED_CARD, recordCustomer, recordPayment, TEST_CARD, type StoryContext } from './story-steps';

/**
 * `kessai trigger subscription.*`: a customer with a stored card and a monthly subscription of it,
 * through the public API; renewals and retries by moving the merchant's test clock (said in the
 * output, as the expiry stories do). Objects are recorded customer, subscription, then its
 * payments, so each story's events read in that order.
 */

async function subscribe(ctx: StoryContext, card: Record<string, unknown>): Promise<any> {
  const body = ctx.body('customer', { email: 'taro@example.com', payment_details: card, metadata: { made_by: 'kessai trigger' } });
  const customer = recordCustomer(ctx, await call(ctx, 'POST', '/api/v1/customers', body), 'created');
  const subscription = await call(ctx, 'POST', '/api/v1/subscriptions', ctx.body('subscription', { customer: customer.id, amount: 1980, currency: 'JPY', period: 'monthly' }));
  return recordSubscription(ctx, subscription);
}

function recordSubscription(ctx: StoryContext, subscription: any): any {
  ctx.made({ resource: 'subscription', id: subscription.id, status: subscription.status, detail: `${subscription.period}, ${subscription.amount} ${subscription.currency}` });
  return subscription;
}

/** Records the subscription as it stands now, then each of its payments. */
async function finish(ctx: StoryContext, id: string): Promise<void> {
  const subscription = recordSubscription(ctx, await call(ctx, 'GET', `/api/v1/subscriptions/${id}`));
  for (const payment of subscription.payments as string[]) recordPayment(ctx, await call(ctx, 'GET', `/api/v1/payments/${payment}`));
}

/** Moves the merchant's test clock 1 s past `at` (the next charge or retry), and says so. */
async function advancePast(ctx: StoryContext, at: string, what: string): Promise<void> {
  const clock = await call(ctx, 'GET', '/api/v1/test_helpers/clock');
  const seconds = Math.max(1, Math.ceil((Date.parse(at) - Date.parse(clock.now)) / 1000) + 1);
  const advanced = await call(ctx, 'POST', '/api/v1/test_helpers/clock/advance', { seconds });
  ctx.note(`moved this merchant's test clock forward by ${seconds} s (now ${advanced.now}) to make ${what}`);
}

/** A story as stories.ts declares one (written out here: importing it would make the two files a cycle). */
interface SubscriptionStory {
  name: string;
  description: string;
  events: string[];
  steps: string[];
  run(ctx: StoryContext): Promise<void>;
}

export const SUBSCRIPTION_STORIES: SubscriptionStory[] = [
  {
    name: 'subscription.created',
    description: "a monthly subscription of a customer's stored card; the first month is charged at once",
    events: ['customer.created', 'subscription.created', 'subscription.captured', 'payment.captured'],
    steps: ['subscription', 'customer'],
    run: async (ctx) => finish(ctx, (await subscribe(ctx, TEST_CARD)).id),
  },
  {
    name: 'subscription.captured',
    description: 'a monthly subscription renewed: the test clock moved to its next charge',
    events: ['customer.created', 'subscription.created', 'subscription.captured', 'subscription.captured', 'payment.captured', 'payment.captured'],
    steps: ['subscription', 'customer'],
    run: async (ctx) => {
      const subscription = await subscribe(ctx, TEST_CARD);
      await advancePast(ctx, subscription.next_capture_at, 'the renewal');
      await finish(ctx, subscription.id);
    },
  },
  {
    name: 'subscription.failed',
    description: 'a monthly subscription whose card the issuer declines; a retry is scheduled in 3 days',
    events: ['customer.created', 'subscription.created', 'subscription.failed', 'payment.failed'],
    steps: ['subscription', 'customer'],
    run: async (ctx) => finish(ctx, (await subscribe(ctx, DECLINED_CARD)).id),
  },
  {
    name: 'subscription.suspended',
    description: 'a declined subscription retried 3, 5 and 7 days later (the test clock moved to each), then suspended',
    events: [
      'customer.created',
      'subscription.created',
      ...Array<string>(4).fill('subscription.failed'),
      'subscription.suspended',
      ...Array<string>(4).fill('payment.failed'),
    ],
    steps: ['subscription', 'customer'],
    run: async (ctx) => {
      let subscription = await subscribe(ctx, DECLINED_CARD);
      for (let retry = 1; subscription.status === 'active' && subscription.retry_at && retry <= 3; retry++) {
        await advancePast(ctx, subscription.retry_at, `retry ${retry}`);
        subscription = await call(ctx, 'GET', `/api/v1/subscriptions/${subscription.id}`);
      }
      await finish(ctx, subscription.id);
    },
  },
  {
    name: 'subscription.deleted',
    description: 'a monthly subscription, deleted: no charge after it',
    events: ['customer.created', 'subscription.created', 'subscription.captured', 'subscription.deleted', 'payment.captured'],
    steps: ['subscription', 'customer'],
    run: async (ctx) => {
      const subscription = await subscribe(ctx, TEST_CARD);
      recordSubscription(ctx, await call(ctx, 'DELETE', `/api/v1/subscriptions/${subscription.id}`));
      await finish(ctx, subscription.id);
    },
  },
];
