import * as listsRepo from '../../store/dashboard-lists.repo';
import type { Db } from '../../store/db';
import { methodFor } from '../../methods';
import * as outboxRepo from '../../store/outbox.repo';
import * as endpointsRepo from '../../store/webhook-endpoints.repo';
import type { Actor } from '../context';
import { listCustomers } from '../customers';
import { ApiError, ERROR_CATALOGUE, type DeclineCode } from '../../kernel/errors';
import { canRefund, transition } from '../payment-state';
import type { Payment, PaymentStatus } from '../../model/payment';

/**
 * What the dashboard's pages read, always as one merchant (the signed-in one): every function
 * takes the Actor and scopes by its merchant id, so another merchant's id is "not found".
 */

export { PAYMENT_STATUSES } from '../payment-state';
/** The records the dashboard's pages render (types only: web/ reads them through this module). */
export type { Event } from '../../model/event';
export type { Payment, PaymentStatus } from '../../model/payment';
export type { WebhookDelivery } from '../../model/webhook';

/** The buttons a payment's page offers: what the state table and the method allow now. */
export function availableActions(payment: Payment, testMode: boolean): PaymentActions {
  const method = methodFor(payment.payment_type);
  const awaitsCustomer = payment.status === 'authorized' && (method?.flow === 'async' || method?.flow === 'offsite');
  return {
    capture: transition(payment.status, 'capture').ok && method?.flow === 'card',
    refund: transition(payment.status, 'refund_partial').ok && !!method?.refundable && payment.total > payment.amount_refunded,
    cancel: transition(payment.status, 'cancel').ok,
    // What the test helpers do (completePayment, failPayment): the customer pays, or does not.
    simulate: testMode && awaitsCustomer,
    // Cash is refunded by bank transfer, on request (requestRefund).
    refundRequest: method?.refundable === false && canRefund(payment.status) && payment.total > payment.amount_refunded,
  };
}

export interface PaymentActions {
  capture: boolean;
  refund: boolean;
  cancel: boolean;
  simulate: boolean;
  refundRequest: boolean;
}

/** The decline codes a simulated failure can carry (not bad_gateway: no decline), card_declined first (the test helper's default). */
export function declineCodes(): DeclineCode[] {
  const codes = Object.entries(ERROR_CATALOGUE).flatMap(([code, [status]]) => (status === 502 && code !== 'bad_gateway' ? [code as DeclineCode] : []));
  return ['card_declined', ...codes.filter((code) => code !== 'card_declined')];
}

export interface PaymentSearch {
  status?: PaymentStatus;
  paymentType?: string;
  total?: number;
  externalOrderNum?: string;
  from?: Date;
  until?: Date;
  page: number;
  perPage: number;
}

export async function searchPayments(db: Db, actor: Actor, search: PaymentSearch) {
  return listsRepo.listPayments(db, { merchantId: actor.merchant.id, ...search }, search.page, search.perPage);
}

export interface DayVolume {
  /** YYYY-MM-DD in Tokyo. */
  day: string;
  /** Payment type → volume (minor units) that day. */
  byType: Record<string, number>;
  count: number;
}

export interface Overview {
  days: DayVolume[];
  types: string[];
  currency: string;
  /** Volume and count over the whole window. */
  volume: number;
  count: number;
  byStatus: Record<string, number>;
  customers: number;
  sessions: number;
  webhookEndpoints: number;
  failedDeliveries: number;
}

const DAY_MS = 86_400_000;
const TOKYO = 'Asia/Tokyo';

/** YYYY-MM-DD of `date` in Tokyo. */
function tokyoDay(date: Date): string {
  return new Date(date.getTime() + 9 * 3600_000).toISOString().slice(0, 10);
}

/**
 * The home page: captured volume per day (Tokyo days, the last `days` of them, today included)
 * and method, in the merchant's main currency (JPY unless most of its volume is in another),
 * plus key counts.
 */
export async function overview(db: Db, actor: Actor, days: number): Promise<Overview> {
  const now = actor.clock.now();
  const firstDay = tokyoDay(new Date(now.getTime() - (days - 1) * DAY_MS));
  const from = new Date(Date.parse(`${firstDay}T00:00:00+09:00`));
  const merchantId = actor.merchant.id;
  const [rows, byStatus, customers, sessions, webhookEndpoints, failedDeliveries] = await Promise.all([
    listsRepo.volumeByDay(db, merchantId, from, TOKYO),
    listsRepo.countPaymentsByStatus(db, merchantId),
    listsRepo.countRows(db, 'customers', merchantId),
    listsRepo.countRows(db, 'sessions', merchantId),
    listsRepo.countRows(db, 'webhook_endpoints', merchantId),
    listsRepo.countFailedDeliveries(db, merchantId),
  ]);
  const perCurrency = new Map<string, number>();
  for (const row of rows) perCurrency.set(row.currency, (perCurrency.get(row.currency) ?? 0) + row.count);
  const currency = [...perCurrency.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'JPY';
  const dayList: DayVolume[] = Array.from({ length: days }, (_, i) => ({
    day: tokyoDay(new Date(from.getTime() + i * DAY_MS + 12 * 3600_000)),
    byType: {},
    count: 0,
  }));
  const index = new Map(dayList.map((d) => [d.day, d]));
  const types = new Set<string>();
  let volume = 0;
  let count = 0;
  for (const row of rows) {
    const day = index.get(row.day);
    if (!day || row.currency !== currency) continue;
    day.byType[row.payment_type] = (day.byType[row.payment_type] ?? 0) + row.volume;
    day.count += row.count;
    types.add(row.payment_type);
    volume += row.volume;
    count += row.count;
  }
  return { days: dayList, types: [...types].sort(), currency, volume, count, byStatus, customers, sessions, webhookEndpoints, failedDeliveries };
}

/** A payment's events, oldest first, each with its webhook deliveries and their attempts. */
export async function paymentTimeline(db: Db, actor: Actor, paymentId: string) {
  const events = await listsRepo.eventsOf(db, actor.merchant.id, paymentId);
  return Promise.all(events.map(async (event) => ({ event, deliveries: await eventDeliveries(db, actor, event.id) })));
}

/** An event's deliveries (one per endpoint that receives it), each with every attempt. */
export async function eventDeliveries(db: Db, actor: Actor, eventId: string) {
  const { rows } = await outboxRepo.listDeliveries(db, actor.merchant.id, { eventId }, 1, 100);
  return rows;
}

export async function listSessions(db: Db, actor: Actor, page: number, perPage: number) {
  return listsRepo.listSessions(db, actor.merchant.id, page, perPage);
}

export async function listTokens(db: Db, actor: Actor, page: number, perPage: number) {
  return listsRepo.listTokens(db, actor.merchant.id, page, perPage);
}

/** Customers without their sealed details: email, the card's brand and last four, metadata. */
export async function listCustomerSummaries(db: Db, actor: Actor, page: number, perPage: number) {
  const { rows, total } = await listCustomers(db, actor, { page, per_page: perPage });
  return { rows: rows.map(({ secret_details: _sealed, ...visible }) => visible), total };
}

/** Throws not_found unless the endpoint is this merchant's. */
export async function requireEndpoint(db: Db, actor: Actor, id: string) {
  const endpoint = await endpointsRepo.findEndpoint(db, actor.merchant.id, id);
  if (!endpoint) throw new ApiError('not_found', { param: 'id' });
  return endpoint;
}
