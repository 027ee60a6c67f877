import type { Clock } from '../lib/clock';
import { randomIds, type IdSource } from '../lib/ids';
import { ApiError } from '../kernel/errors';
import type { Db } from '../store/db';
import * as customersRepo from '../store/customers.repo';
import * as merchantsRepo from '../store/merchants.repo';
import * as subscriptionsRepo from '../store/subscriptions.repo';
import type { Merchant } from '../model/merchant';
import type { Subscription } from '../model/subscription';
import type { Actor, Services } from './context';
import { createPayment } from './payments';
import { merchantClock } from './seeding';
import { afterCharge, dueAt } from './subscription-schedule';
import { customerSnapshot, recordSubscriptionEvent } from './subscription-records';

const BATCH = 50;
/**
 * Charges one subscription makes in one run at most: a weekly one after a 20-year clock advance
 * would make 1,040. Past it, the sweep's next batch or run (5 s) carries on where this one
 * stopped; a clock advance goes on until none is due (chargeMerchantSubscriptions).
 */
const MAX_CHARGES_PER_RUN = 1_000;

/**
 * Charges the period (or retry) of a subscription due at `at`, in the caller's transaction, which
 * holds the subscription's row: a payment of `amount` (tax 0) with the customer's stored card,
 * made at `at` on the merchant's clock (a clock advanced a year makes twelve payments, each on
 * its day), then the subscription's new state and its events. A decline is an outcome, not an
 * exception: `subscription.failed`, a retry scheduled or the subscription suspended
 * (subscription-schedule.ts). `strict` (the first charge, made by POST /subscriptions): a
 * request the payment refuses (amount out of the card's range) throws, rolling the creation back;
 * otherwise it counts as a declined attempt.
 */
export async function chargeSubscription(
  trx: Db,
  services: Services,
  owner: { merchant: Merchant; ids: IdSource },
  subscription: Subscription,
  at: Date,
  strict = false,
): Promise<Subscription> {
  const actor: Actor = { merchant: owner.merchant, ids: owner.ids, clock: { now: () => new Date(at.getTime()) } };
  const attempt = await attemptPayment(trx, services, actor, subscription, strict);
  const customer = await customersRepo.findCustomerRow(trx, subscription.customer_id);
  const step = afterCharge(subscription, subscription.created_at, subscription.period, at, attempt.paid);
  const updated: Subscription = {
    ...subscription,
    ...step.state,
    customer: customer ? customerSnapshot(customer) : subscription.customer,
    payments: attempt.paymentId ? [...subscription.payments, attempt.paymentId] : subscription.payments,
    updated_at: at,
  };
  await subscriptionsRepo.updateSubscription(trx, updated);
  for (const type of step.events) {
    await recordSubscriptionEvent(trx, owner.ids, type, updated, at, type === 'subscription.failed' ? attempt.reason : null);
  }
  return updated;
}

interface Attempt {
  paid: boolean;
  paymentId: string | null;
  /** Why it failed: the decline code, or the error that refused the payment. */
  reason: string | null;
}

async function attemptPayment(trx: Db, services: Services, actor: Actor, subscription: Subscription, strict: boolean): Promise<Attempt> {
  const input = { amount: subscription.amount, currency: subscription.currency, customer: subscription.customer_id, tax: 0, description: `Subscription ${subscription.id}` };
  try {
    const { payment, decline } = await createPayment(trx, services, actor, input);
    const paid = payment.status === 'captured';
    return { paid, paymentId: payment.id, reason: paid ? null : (decline ?? payment.failure_code ?? payment.status) };
  } catch (error) {
    // Refused before any write (checkPayment reads only): the transaction is intact.
    if (strict || !(error instanceof ApiError)) throw error;
    return { paid: false, paymentId: null, reason: error.code };
  }
}

/**
 * Charges every charge of `subscription` due by `now`, oldest first (a year of a monthly one
 * after a year's advance). Returns how many it made.
 */
async function chargeDue(trx: Db, services: Services, owner: { merchant: Merchant; ids: IdSource }, subscription: Subscription, now: Date): Promise<number> {
  let current = subscription;
  let charges = 0;
  for (let at = dueAt(current); at !== null && at <= now && charges < MAX_CHARGES_PER_RUN; at = dueAt(current)) {
    current = await chargeSubscription(trx, services, owner, current, at);
    charges++;
  }
  return charges;
}

/**
 * The billing sweep: every process runs it on a timer. Due subscriptions are claimed with
 * FOR UPDATE SKIP LOCKED, charged and updated in the claiming transaction, so each charge is made
 * exactly once however many processes sweep, and a crash rolls back the payment with the state
 * that records it (the next sweep makes it again, once). `merchantId` limits it to one merchant.
 * Returns how many charges it made.
 */
export async function chargeDueSubscriptions(db: Db, services: Services, merchantId?: string): Promise<number> {
  let charges = 0;
  for (;;) {
    const { locked, count } = await db.transaction().execute(async (trx) => {
      const due = await subscriptionsRepo.lockDueSubscriptions(trx, services.clock.now(), BATCH, { merchantId, skipLocked: true });
      // A sweep acts for no request: random ids, as the expiry sweep's (a seeded merchant's clock
      // stands still, so its subscriptions fall due only when it is advanced: chargeMerchantSubscriptions).
      return { locked: due.length, count: await chargeRows(trx, services, due, randomIds) };
    });
    charges += count;
    if (locked < BATCH) return charges;
  }
}

/**
 * The same for one merchant whose test clock just moved, inside the advance's transaction (which
 * holds the merchant's row and its new offset), with the request's ids: waits for rows another
 * transaction holds rather than skipping them, so the advance answers for all of them. It goes
 * round until nothing is due, so a subscription with more charges due than one run makes
 * (MAX_CHARGES_PER_RUN) is billed here in full, with the request's (seeded) ids, and none is left
 * to the sweep's random ones. A round that charges nothing ends it (nothing it could still do).
 */
export async function chargeMerchantSubscriptions(trx: Db, services: Services, ids: IdSource, merchantId: string): Promise<number> {
  let charges = 0;
  for (;;) {
    const due = await subscriptionsRepo.lockDueSubscriptions(trx, services.clock.now(), BATCH, { merchantId, skipLocked: false });
    const made = await chargeRows(trx, services, due, ids);
    charges += made;
    if (due.length === 0 || made === 0) return charges;
  }
}

async function chargeRows(trx: Db, services: Services, due: subscriptionsRepo.DueSubscription[], ids: IdSource): Promise<number> {
  const merchants = new Map<string, Merchant | undefined>();
  let charges = 0;
  for (const { clock_offset_ms, seed, ...subscription } of due) {
    if (!merchants.has(subscription.merchant_id)) merchants.set(subscription.merchant_id, await merchantsRepo.findMerchant(trx, subscription.merchant_id));
    const found = merchants.get(subscription.merchant_id);
    if (!found) continue;
    // The row's offset is the one this transaction sees (an advance's new one), fresher than a cached merchant's.
    const merchant = { ...found, clock_offset_ms, seed };
    const clock: Clock = merchantClock(services.clock, merchant);
    charges += await chargeDue(trx, services, { merchant, ids }, subscription, clock.now());
  }
  return charges;
}
