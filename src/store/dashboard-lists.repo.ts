import { sql, type Expression, type SqlBool } from 'kysely';
import type { Db } from './db';
import type { PaymentStatus } from '../model/payment';

/**
 * Read-only queries of the merchant dashboard. Every one takes the merchant id and filters by it
 * first: a dashboard user never sees another merchant's rows.
 */

export interface DashboardPaymentFilter {
  merchantId: string;
  status?: PaymentStatus;
  paymentType?: string;
  /** The payment's total, in minor units. */
  total?: number;
  externalOrderNum?: string;
  /** created_at ≥ from, < until. */
  from?: Date;
  until?: Date;
}

/** The columns a list row shows: never payment_details' secrets (there are none outside secret_details, which is not read). */
const PAYMENT_LIST_COLUMNS = [
  'id',
  'status',
  'payment_type',
  'amount',
  'tax',
  'payment_method_fee',
  'total',
  'currency',
  'amount_refunded',
  'external_order_num',
  'description',
  'email',
  'created_at',
] as const;

export async function listPayments(db: Db, filter: DashboardPaymentFilter, page: number, perPage: number) {
  const where = (eb: any) => {
    const conditions: Expression<SqlBool>[] = [eb('merchant_id', '=', filter.merchantId)];
    if (filter.status) conditions.push(eb('status', '=', filter.status));
    if (filter.paymentType) conditions.push(eb('payment_type', '=', filter.paymentType));
    if (filter.total !== undefined) conditions.push(eb('total', '=', filter.total));
    // The search box takes an order number, a payment id, a customer id or the customer's email.
    if (filter.externalOrderNum) {
      const text = filter.externalOrderNum;
      conditions.push(
        eb.or([eb('external_order_num', '=', text), eb('id', '=', text), eb('customer_id', '=', text), eb(sql`lower(email)`, '=', text.toLowerCase())]),
      );
    }
    if (filter.from) conditions.push(eb('created_at', '>=', filter.from));
    if (filter.until) conditions.push(eb('created_at', '<', filter.until));
    return eb.and(conditions);
  };
  const [rows, count] = await Promise.all([
    db
      .selectFrom('payments')
      .select(PAYMENT_LIST_COLUMNS)
      .where(where)
      .orderBy('created_at', 'desc')
      .orderBy('seq', 'desc')
      .limit(perPage)
      .offset((page - 1) * perPage)
      .execute(),
    db.selectFrom('payments').select(sql<number>`count(*)::int`.as('total')).where(where).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.total) };
}

export interface VolumeRow {
  day: string;
  payment_type: string;
  currency: string;
  count: number;
  volume: number;
}

/**
 * Captured money (total less refunds) and payment counts per day (in `timeZone`) and method since
 * `from`: the home page's chart. Payments still waiting (authorized, pending) or that failed are
 * not volume.
 */
export async function volumeByDay(db: Db, merchantId: string, from: Date, timeZone: string): Promise<VolumeRow[]> {
  // A literal, not a parameter: GROUP BY must repeat the SELECT's expression exactly ($1 ≠ $6).
  if (!/^[A-Za-z_/+-]+$/.test(timeZone)) throw new RangeError(`Not a time zone: ${timeZone}`);
  const day = sql<string>`to_char(created_at AT TIME ZONE ${sql.lit(timeZone)}, 'YYYY-MM-DD')`;
  const rows = await db
    .selectFrom('payments')
    .select([
      day.as('day'),
      'payment_type',
      'currency',
      sql<number>`count(*)::int`.as('count'),
      sql<number>`coalesce(sum(total - amount_refunded), 0)::bigint`.as('volume'),
    ])
    .where('merchant_id', '=', merchantId)
    .where('created_at', '>=', from)
    .where('status', 'in', ['captured', 'refunded'])
    .groupBy([day, 'payment_type', 'currency'])
    .execute();
  return rows.map((row) => ({ ...row, count: Number(row.count), volume: Number(row.volume) }));
}

/** How many of the merchant's payments are in each status. */
export async function countPaymentsByStatus(db: Db, merchantId: string): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom('payments')
    .select(['status', sql<number>`count(*)::int`.as('n')])
    .where('merchant_id', '=', merchantId)
    .groupBy('status')
    .execute();
  return Object.fromEntries(rows.map((row) => [row.status, Number(row.n)]));
}

export async function countRows(db: Db, table: 'customers' | 'sessions' | 'events' | 'webhook_endpoints', merchantId: string): Promise<number> {
  const row = await db
    .selectFrom(table)
    .select(sql<number>`count(*)::int`.as('n'))
    .where('merchant_id', '=', merchantId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Deliveries that gave up (every attempt failed). */
export async function countFailedDeliveries(db: Db, merchantId: string): Promise<number> {
  const row = await db
    .selectFrom('webhook_deliveries')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('merchant_id', '=', merchantId)
    .where('status', '=', 'failed')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Sessions, newest first: what the merchant asked for and where each stands. */
export async function listSessions(db: Db, merchantId: string, page: number, perPage: number) {
  const query = db.selectFrom('sessions').where('merchant_id', '=', merchantId);
  const [rows, count] = await Promise.all([
    query
      .select(['id', 'mode', 'status', 'amount', 'currency', 'payment_id', 'email', 'expires_at', 'created_at'])
      .orderBy('created_at', 'desc')
      .orderBy('seq', 'desc')
      .limit(perPage)
      .offset((page - 1) * perPage)
      .execute(),
    query.select(sql<number>`count(*)::int`.as('total')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.total) };
}

/**
 * Tokens and secure tokens, newest first, with what the API shows of them (type, contact fields,
 * state). `secret_details` — the sealed card number and CVV — is never read.
 */
export async function listTokens(db: Db, merchantId: string, page: number, perPage: number) {
  const query = db.selectFrom('tokens').where('merchant_id', '=', merchantId);
  const [rows, count] = await Promise.all([
    query
      .select(['id', 'kind', 'payment_type', 'currency', 'amount', 'verification_status', 'created_at', 'expires_at', 'used_at'])
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .limit(perPage)
      .offset((page - 1) * perPage)
      .execute(),
    query.select(sql<number>`count(*)::int`.as('total')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.total) };
}

/** Every event about one resource (a payment), oldest first. */
export async function eventsOf(db: Db, merchantId: string, resourceId: string) {
  return db
    .selectFrom('events')
    .selectAll()
    .where('merchant_id', '=', merchantId)
    .where('resource_id', '=', resourceId)
    .orderBy('created_at')
    .orderBy('seq')
    .limit(200)
    .execute();
}
