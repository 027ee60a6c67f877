import { ApiError } from '../kernel/errors';
import { parseCurrency } from '../kernel/money';
import type { Db } from '../store/db';
import * as customersRepo from '../store/customers.repo';
import * as subscriptionsRepo from '../store/subscriptions.repo';
import { SUBSCRIPTION_PERIODS, type Subscription, type SubscriptionPeriod } from '../model/subscription';
import type { Payment } from '../model/payment';
import type { Actor, Services } from './context';
import { getPayment } from './payments';
import { chargeSubscription } from './subscription-billing';
import { customerSnapshot, endSubscription, recordSubscriptionEvent, withCurrentCustomers } from './subscription-records';
import { canCancel, dayOfPeriod } from './subscription-schedule';

/** POST /subscriptions after the route's schema checked the types (SDK CreateSubscriptionRequest). */
export interface CreateSubscriptionInput {
  customer?: string;
  amount?: number;
  currency?: string;
  period?: string;
  metadata?: Record<string, string>;
}

/**
 * POST /subscriptions: checks every parameter, then, in the caller's transaction, stores the
 * subscription with `subscription.created` and makes its first charge at once (period 0, now),
 * as KOMOJU's quick start implies; each next one falls due a period later on the merchant's
 * clock. A declined first charge does not refuse the request: the subscription is `active`
 * with a retry scheduled, as every declined charge (docs/compatibility.md, "Subscriptions").
 */
export async function createSubscription(trx: Db, services: Services, actor: Actor, input: CreateSubscriptionInput): Promise<Subscription> {
  if (input.customer === undefined) throw new ApiError('missing_parameter', { param: 'customer' });
  if (input.amount === undefined) throw new ApiError('missing_parameter', { param: 'amount' });
  const currency = parseCurrency(input.currency);
  const period = parsePeriod(input.period);
  const customer = await customersRepo.lockCustomer(trx, actor.merchant.id, input.customer);
  if (!customer) throw new ApiError('invalid_parameter', { param: 'customer', message: 'No such customer' });
  if (!customer.secret_details) throw new ApiError('invalid_parameter', { param: 'customer', message: 'The customer has no stored payment details' });
  const row = await customersRepo.findCustomerRow(trx, customer.id);
  const now = actor.clock.now();
  const subscription: Subscription = {
    id: actor.ids.id(),
    merchant_id: actor.merchant.id,
    customer_id: customer.id,
    customer: customerSnapshot({ ...customer, seq: row?.seq ?? 0 }),
    status: 'active',
    amount: input.amount,
    currency,
    period,
    day: dayOfPeriod(now, period),
    cycle: 0,
    next_capture_at: now,
    retry_count: 0,
    retry_at: null,
    payments: [],
    metadata: input.metadata ?? {},
    created_at: now,
    updated_at: now,
    ended_at: null,
  };
  await subscriptionsRepo.insertSubscription(trx, subscription);
  await recordSubscriptionEvent(trx, actor.ids, 'subscription.created', subscription, now);
  return chargeSubscription(trx, services, actor, subscription, now, true);
}

function parsePeriod(value: string | undefined): SubscriptionPeriod {
  if (value === undefined || value === '') throw new ApiError('missing_parameter', { param: 'period' });
  if (!(SUBSCRIPTION_PERIODS as readonly string[]).includes(value)) {
    throw new ApiError('invalid_parameter', { param: 'period', message: `period must be one of ${SUBSCRIPTION_PERIODS.join(', ')}` });
  }
  return value as SubscriptionPeriod;
}

/** GET /subscriptions/:id — another merchant's id is not_found, as an unknown one. */
export async function getSubscription(db: Db, actor: Actor, id: string): Promise<Subscription> {
  const found = await subscriptionsRepo.findSubscription(db, actor.merchant.id, id);
  if (!found) throw new ApiError('not_found', { param: 'id' });
  return (await withCurrentCustomers(db, [found]))[0];
}

export interface ListSubscriptionsQuery {
  page: number;
  per_page: number;
  start_time?: Date;
  end_time?: Date;
  status?: string;
}

/** GET /subscriptions — newest first. */
export async function listSubscriptions(db: Db, actor: Actor, query: ListSubscriptionsQuery) {
  const filter = { merchantId: actor.merchant.id, startTime: query.start_time, endTime: query.end_time, status: query.status };
  const { rows, total } = await subscriptionsRepo.listSubscriptions(db, filter, query.page, query.per_page);
  return { rows: await withCurrentCustomers(db, rows), total };
}

/**
 * DELETE /subscriptions/:id: no charge is made after it (one falling due meanwhile waits for the
 * row and then finds it cancelled). An active or suspended subscription becomes `cancelled`
 * with `subscription.deleted`; a cancelled one is 422 `unprocessable_entity`.
 */
export async function deleteSubscription(trx: Db, actor: Actor, id: string): Promise<Subscription> {
  const found = await subscriptionsRepo.lockSubscription(trx, actor.merchant.id, id);
  if (!found) throw new ApiError('not_found', { param: 'id' });
  if (!canCancel(found.status)) throw new ApiError('unprocessable_entity', { param: 'id', message: 'The subscription is already cancelled' });
  const ended = await endSubscription(trx, actor.ids, found, actor.clock.now());
  return (await withCurrentCustomers(trx, [ended]))[0];
}

/** The dashboard's view of a subscription's latest payments (newest first, `limit` of them). */
export async function latestSubscriptionPayments(db: Db, actor: Actor, subscription: Subscription, limit: number): Promise<Payment[]> {
  const ids = subscription.payments.slice(-limit).reverse();
  return Promise.all(ids.map((id) => getPayment(db, actor, id)));
}
