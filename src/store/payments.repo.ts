import { CompiledQuery, sql, type AliasedSelectQueryBuilder, type Compilable, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import type { Db } from './db';
import { merchantNowSql } from './merchant-time';
import { ofMerchant } from './of-merchant';
import { insertMail, mailFromParameters, mailParameters, type QueuedMail } from './mails.repo';
import { insertDeliveries, OUTBOX_EVENT_COLUMNS } from './outbox.repo';
import type { Database, NewEventRow, NewPaymentRow, NewRefundRow, PaymentRow } from './schema';
import type { Event } from '../model/event';
import type { Payment, PaymentStatus, Refund, RefundRequest } from '../model/payment';

/**
 * Payments with their refunds and refund requests, read in one statement (the lists and the
 * sweep). Columns are named, not `*`, so that the statement runs prepared (see prepareStatements
 * in driver/pg-statements.ts).
 */
function withRefunds(db: Db) {
  return paymentColumns(db).select(refundLists);
}

/** Every column of the payments `p` that a Payment holds. */
function paymentColumns(db: Db) {
  return db.selectFrom('payments as p').select(PAYMENT_READ_COLUMNS.map((column) => `p.${column}` as const));
}

/** A payment's refunds and refund requests as two JSON columns, each oldest first. */
function refundLists(eb: ExpressionBuilder<Database & { p: Database['payments'] }, 'p'>) {
  return [
    // A payment never refunded has no refund rows (a refund's amount is > 0 and is added to
    // amount_refunded in its transaction): most rows skip the subquery, a sort of an index scan.
    eb
      .case()
      .when('p.amount_refunded', '>', eb.lit(0))
      .then(
        jsonArrayFrom(
          eb
            .selectFrom('refunds as r')
            .select(REFUND_COLUMNS.map((column) => `r.${column}` as const))
            .whereRef('r.payment_id', '=', 'p.id')
            .orderBy('r.created_at')
            .orderBy('r.seq'),
        ),
      )
      .else(sql<Refund[]>`'[]'::json`)
      .end()
      .as('refunds'),
    jsonArrayFrom(
      eb
        .selectFrom('refund_requests as q')
        .select(REFUND_REQUEST_COLUMNS.map((column) => `q.${column}` as const))
        .whereRef('q.payment_id', '=', 'p.id')
        .orderBy('q.created_at')
        .orderBy('q.seq'),
    ).as('refund_requests'),
  ];
}

/**
 * One payment's row as ONE json column. A GET spends its CPU in the driver more than in the
 * database: pg rebuilt 35 field parsers and a 35-key row object from the row description on every
 * execution, and parsed each timestamp in JavaScript; one json column is one native JSON.parse.
 * Its timestamps arrive as ISO strings (see readJsonRow).
 *
 * By id alone, the merchant checked by the callers below (see ofMerchant).
 *
 * No sub-query: PostgreSQL builds every sub-plan before running a statement, even one a CASE then
 * skips, and the two of refundLists were a fifth to a third of the database's work per read. The
 * row carries `has_refund_requests` (last) so that readJsonRow knows when there are lists to read.
 */
function paymentRowById(db: Db, id: string) {
  return paymentColumns(db).select('p.has_refund_requests').where('p.id', '=', id);
}

function asJsonRow(db: Db, query: { as(alias: 'x'): AliasedSelectQueryBuilder<object, 'x'> }): Compilable<unknown> {
  return db.selectFrom(query.as('x')).select(sql<JsonPayment>`row_to_json(x)`.as('payment'));
}

const FIND_PAYMENT_BY_ID = compiledOnce((db, [id]: [string]) => asJsonRow(db, paymentRowById(db, id)));
const LOCK_PAYMENT_BY_ID = compiledOnce((db, [id]: [string]) => asJsonRow(db, paymentRowById(db, id).forUpdate('p')));
/** The payment with its refunds and refund requests in one statement, so one snapshot. */
const PAYMENT_WITH_LISTS_BY_ID = compiledOnce((db, [id]: [string]) => asJsonRow(db, withRefunds(db).where('p.id', '=', id)));

type JsonPayment = Omit<Payment, PaymentTimestamp | 'refunds' | 'refund_requests'> &
  Partial<Pick<Payment, 'refunds' | 'refund_requests'>> & {
    payment_deadline: string | null;
    captured_at: string | null;
    created_at: string;
    updated_at: string;
    has_refund_requests?: boolean;
  };
type PaymentTimestamp = 'payment_deadline' | 'captured_at' | 'created_at' | 'updated_at';

async function readJson(db: Db, query: CompiledQuery): Promise<JsonPayment | undefined> {
  return (await db.executeQuery<{ payment: JsonPayment }>(query)).rows[0]?.payment;
}

/**
 * A payment read by row_to_json, its own timestamps made Dates again (refunds keep strings).
 * A payment that has refunds or refund requests (rare) is read again, whole, by one statement
 * with the lists: one snapshot, so that they agree with `amount_refunded` and `status` (a refund
 * committing between two separate reads would show without its amount). Under a lock the second
 * read sees the same row, as refunds and requests are only added under it. The parsed object is
 * ours alone, so it is changed in place rather than copied.
 */
async function readJsonRow(db: Db, query: CompiledQuery): Promise<Payment | undefined> {
  let payment = await readJson(db, query);
  if (payment && (payment.amount_refunded > 0 || payment.has_refund_requests)) {
    payment = await readJson(db, PAYMENT_WITH_LISTS_BY_ID(db, [payment.id]));
  }
  if (!payment) return undefined;
  // The last key parsed, so deleting it keeps the object's fast shape; never part of a record.
  delete payment.has_refund_requests;
  return Object.assign(payment, {
    payment_deadline: payment.payment_deadline === null ? null : new Date(payment.payment_deadline),
    captured_at: payment.captured_at === null ? null : new Date(payment.captured_at),
    created_at: new Date(payment.created_at),
    updated_at: new Date(payment.updated_at),
    refunds: payment.refunds ?? [],
    refund_requests: payment.refund_requests ?? [],
  }) as Payment;
}

export async function findPayment(db: Db, merchantId: string, id: string): Promise<Payment | undefined> {
  return ofMerchant(merchantId, await findPaymentById(db, id));
}

/**
 * A payment by id alone, for the customer's pages (instructions, offsite simulator), which carry
 * no merchant key: there the unguessable 25-character id is the credential. Never for the API.
 */
export async function findPaymentById(db: Db, id: string): Promise<Payment | undefined> {
  return readJsonRow(db, FIND_PAYMENT_BY_ID(db, [id]));
}

/**
 * Locks the payment row for the rest of the transaction (SELECT … FOR UPDATE). Another merchant's
 * payment is locked too before it is refused; its caller's transaction then ends at once.
 */
export async function lockPayment(db: Db, merchantId: string, id: string): Promise<Payment | undefined> {
  return ofMerchant(merchantId, await readJsonRow(db, LOCK_PAYMENT_BY_ID(db, [id])));
}

/**
 * A statement whose text depends only on its shape, compiled by Kysely on the first call; later
 * calls only bind their parameters. On the hottest paths Kysely rebuilding and recompiling a
 * statement cost more CPU than anything else in the server: a sixth of a payment create (its
 * 30-column CTE) and of a GET /payments/:id (the read with two JSON subqueries). `build` must
 * use `parameters` as the statement's parameters, in order: the first compile checks that.
 */
function compiledOnce<P extends unknown[]>(build: (db: Db, parameters: P) => Compilable<unknown>) {
  let text: string | undefined;
  return (db: Db, parameters: P): CompiledQuery => {
    if (text === undefined) {
      const compiled = build(db, parameters).compile();
      if (compiled.parameters.length !== parameters.length || compiled.parameters.some((value, i) => value !== parameters[i])) {
        throw new Error('compiledOnce: the statement does not bind its parameters in order');
      }
      text = compiled.sql;
    }
    return CompiledQuery.raw(text, parameters);
  };
}

/**
 * Inserts a new payment, its event and the event's webhook deliveries in ONE statement
 * (data-modifying CTEs): atomic without an explicit transaction, and one round trip instead of
 * five (BEGIN, three INSERTs, COMMIT). Compiled once (see compiledOnce): the values are bound in
 * the order of the column lists.
 */
export async function insertPaymentWithEvent(db: Db, payment: Payment, event: NewEventRow | null, mail: QueuedMail | null = null): Promise<void> {
  const row = paymentRow(payment);
  if (!event) {
    await db.insertInto('payments').values(row).execute();
    return;
  }
  const eventRow = { ...event, reason: event.reason ?? null };
  const values = [...PAYMENT_COLUMNS.map((column) => row[column]), ...EVENT_COLUMNS.map((column) => eventRow[column])];
  // The mail (its CTE) is a statement of its own shape: payments that send none run the one without.
  await db.executeQuery(mail ? CREATE_PAYMENT_WITH_MAIL(db, [...values, ...mailParameters(mail)]) : CREATE_PAYMENT(db, values));
}

type PaymentColumn = Exclude<keyof PaymentRow, 'seq' | 'total' | 'has_refund_requests'>;
type EventColumn = Exclude<keyof Event, 'seq'>;

// Object literals checked with `satisfies` so that a column added to the tables but not here fails
// to compile; their key order is the order the values are bound in.
const PAYMENT_COLUMNS = Object.keys({
  id: true, merchant_id: true, status: true, payment_type: true, amount: true, tax: true, payment_method_fee: true,
  currency: true, amount_refunded: true, customer_id: true, session_id: true, payment_deadline: true, payment_details: true,
  secret_details: true, description: true, external_order_num: true, metadata: true, locale: true, email: true,
  return_url: true, fraud_details: true, failure_code: true, captured_at: true, created_at: true, updated_at: true,
  session_amount: true, session_currency: true, exchange_rate: true, uncaptured_amount: true, uncaptured_tax: true,
  customer_family_name: true, customer_given_name: true, mcc: true, statement_descriptor: true,
} satisfies Record<PaymentColumn, true>) as PaymentColumn[];
const EVENT_COLUMNS = Object.keys({
  id: true, merchant_id: true, type: true, resource_id: true, data: true, reason: true, created_at: true,
} satisfies Record<EventColumn, true>) as EventColumn[];

const PAYMENT_READ_COLUMNS: (PaymentColumn | 'total')[] = [...PAYMENT_COLUMNS, 'total'];
const REFUND_COLUMNS = Object.keys({
  id: true, merchant_id: true, payment_id: true, amount: true, currency: true, description: true, created_at: true,
} satisfies Record<keyof Refund, true>) as (keyof Refund)[];
const REFUND_REQUEST_COLUMNS = Object.keys({
  id: true, merchant_id: true, payment_id: true, amount: true, customer_name: true, bank_name: true, bank_code: true,
  branch_name: true, branch_number: true, account_type: true, account_number: true, include_payment_method_fee: true,
  description: true, status: true, created_at: true, updated_at: true,
} satisfies Record<keyof RefundRequest, true>) as (keyof RefundRequest)[];

function paymentRow(payment: Payment): NewPaymentRow & Record<PaymentColumn, unknown> {
  const { total: _total, refunds: _refunds, refund_requests: _requests, ...columns } = payment;
  return {
    ...columns,
    payment_details: JSON.stringify(payment.payment_details),
    metadata: JSON.stringify(payment.metadata),
    fraud_details: JSON.stringify(payment.fraud_details),
    statement_descriptor: JSON.stringify(payment.statement_descriptor),
  };
}

/** The payment's and the event's values, in the order of PAYMENT_COLUMNS then EVENT_COLUMNS. */
const CREATE_PAYMENT = compiledOnce((db, parameters: unknown[]) => insertDeliveries(paymentAndEvent(db, parameters)));

/** The same, then the mail's values (mails.repo.ts mailParameters), inserted by a third CTE. */
const CREATE_PAYMENT_WITH_MAIL = compiledOnce((db, parameters: unknown[]) => {
  const mail = mailFromParameters(parameters.slice(PAYMENT_COLUMNS.length + EVENT_COLUMNS.length));
  return insertDeliveries(paymentAndEvent(db, parameters).with('mail', () => insertMail(mail)));
});

function paymentAndEvent(db: Db, parameters: unknown[]) {
  const payment = Object.fromEntries(PAYMENT_COLUMNS.map((column, i) => [column, parameters[i]])) as NewPaymentRow;
  const event = Object.fromEntries(EVENT_COLUMNS.map((column, i) => [column, parameters[PAYMENT_COLUMNS.length + i]])) as NewEventRow;
  return db
    .with('p', (qc) => qc.insertInto('payments').values(payment).returning('id'))
    .with('e', (qc) => qc.insertInto('events').values(event).returning(OUTBOX_EVENT_COLUMNS));
}

export async function updatePayment(
  db: Db,
  id: string,
  changes: Partial<Pick<PaymentRow, 'status' | 'amount_refunded' | 'captured_at' | 'description' | 'external_order_num' | 'updated_at' | 'failure_code' | 'secret_details' | 'uncaptured_amount' | 'uncaptured_tax' | 'payment_deadline'>> & {
    metadata?: string;
    payment_details?: string;
    amount?: number;
    tax?: number;
  },
): Promise<PaymentRow> {
  return db.updateTable('payments').set(changes).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}

export async function insertRefund(db: Db, refund: NewRefundRow): Promise<void> {
  await db.insertInto('refunds').values(refund).execute();
}

export interface PaymentFilter {
  merchantId: string;
  statuses?: PaymentStatus[];
  externalOrderNum?: string;
  currency?: string;
  startTime?: Date;
  endTime?: Date;
}

export async function listPayments(db: Db, filter: PaymentFilter, page: number, perPage: number) {
  const where = (eb: any) => {
    const conditions: Expression<SqlBool>[] = [eb('p.merchant_id', '=', filter.merchantId)];
    if (filter.statuses?.length) conditions.push(eb('p.status', 'in', filter.statuses));
    if (filter.externalOrderNum !== undefined) conditions.push(eb('p.external_order_num', '=', filter.externalOrderNum));
    if (filter.currency !== undefined) conditions.push(eb('p.currency', '=', filter.currency));
    if (filter.startTime) conditions.push(eb('p.created_at', '>=', filter.startTime));
    if (filter.endTime) conditions.push(eb('p.created_at', '<=', filter.endTime));
    return eb.and(conditions);
  };
  const [rows, count] = await Promise.all([
    withRefunds(db)
      .where(where)
      .orderBy('p.created_at', 'desc')
      .orderBy('p.seq', 'desc')
      .limit(perPage)
      .offset((page - 1) * perPage)
      .execute(),
    db
      .selectFrom('payments as p')
      .select(sql<number>`count(*)::int`.as('total'))
      .where(where)
      .executeTakeFirstOrThrow(),
  ]);
  return { rows: rows as unknown as Payment[], total: Number(count.total) };
}

/**
 * Locks up to `limit` pending/authorized payments whose deadline has passed on their merchant's
 * clock (system time + the merchant's test-clock offset). `skipLocked` lets every process sweep
 * at once without waiting on, or doing, each other's rows; without it (a test clock advance) the
 * rows another transaction holds are waited for, and re-checked once it ends.
 */
export async function lockDuePayments(
  db: Db,
  systemNow: Date,
  limit: number,
  options: { merchantId?: string; skipLocked: boolean },
): Promise<(Payment & { clock_offset_ms: number; seed: number | null })[]> {
  let query = withRefunds(db)
    .innerJoin('merchants as m', 'm.id', 'p.merchant_id')
    .select(['m.clock_offset_ms', 'm.seed'])
    .where('p.status', 'in', ['pending', 'authorized'])
    .where('p.payment_deadline', '<', merchantNowSql(systemNow));
  if (options.merchantId) query = query.where('p.merchant_id', '=', options.merchantId);
  // Locked in this order (ORDER BY comes before FOR UPDATE), the same in every transaction.
  const locking = query.orderBy('p.payment_deadline').orderBy('p.id').limit(limit).forUpdate('p');
  const rows = await (options.skipLocked ? locking.skipLocked() : locking).execute();
  return rows as unknown as (Payment & { clock_offset_ms: number; seed: number | null })[];
}
