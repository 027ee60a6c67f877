import { sql, type QueryCreator } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import type { Db } from './db';
import type { Database } from './schema';
import type { Event } from '../model/event';
import type { AttemptOutcome, DeliveryStatus, SimulatedFault, WebhookDelivery, WebhookSimulation } from '../model/webhook';
import { CLAIM_NOW } from './claim-time';

// The outbox: one delivery per event and receiving endpoint, written with the event; claims that
// lease a delivery to one worker; the attempts. The endpoints themselves: webhook-endpoints.repo.ts.

/** The channel the outbox trigger NOTIFYs (payload: the schema), see migrations/0003_webhooks.ts. */
export const WEBHOOK_CHANNEL = 'kessai_webhooks';

/** Which endpoints receive event `e`: the merchant's active ones whose filter is empty or names
 * its type; a `ping` goes only to the endpoint it greets. */
const receives = sql<boolean>`w.merchant_id = e.merchant_id AND w.active AND CASE
  WHEN e.type = 'ping' THEN w.id = e.resource_id
  ELSE cardinality(w.events) = 0 OR e.type = ANY(w.events) END`;

/** When a new delivery falls due, on the database's clock (CLAIM_NOW): at its event's time, taken
 * back from its merchant's clock, or now if that is later by the database's clock (a process whose
 * clock runs ahead would otherwise hold its deliveries back; a seeded merchant's clock is not
 * system time plus an offset: it stands at FROZEN_EPOCH plus one, so its deliveries start now), plus the
 * endpoint's simulated `delay_seconds`; with a simulated `out_of_order` window, at the release
 * time of the window the endpoint has open (its held first attempts due later than this one),
 * else at the end of a new window from now. */
const plainDue = sql`least(CASE WHEN m.seed IS NULL THEN e.created_at - m.clock_offset_ms * interval '1 millisecond' ELSE ${CLAIM_NOW} END, ${CLAIM_NOW})
  + coalesce((w.simulate->>'delay_seconds')::int, 0) * interval '1 second'`;
const windowSeconds = sql`(w.simulate->'out_of_order'->>'window_seconds')::int`;
const dueAt = sql<Date>`CASE WHEN ${windowSeconds} IS NULL THEN ${plainDue} ELSE coalesce(
  (SELECT max(h.next_attempt_at) FROM webhook_deliveries h
    WHERE h.endpoint_id = w.id AND h.status = 'pending' AND h.next_step = 0 AND 'out_of_order' = ANY(h.simulated)
      AND h.next_attempt_at > ${plainDue}),
  ${plainDue} + ${windowSeconds} * interval '1 second') END`;
/** The faults that hold a new delivery, for the delivery log. */
const heldBy = sql<string[]>`array_remove(ARRAY[
  CASE WHEN coalesce((w.simulate->>'delay_seconds')::int, 0) > 0 THEN 'delay' END,
  CASE WHEN ${windowSeconds} IS NOT NULL THEN 'out_of_order' END]::text[], NULL)`;

/** A delivery's id (X-Komoju-ID) is derived from its event and endpoint: SQL computes it in the
 * fan-out, and redelivering an event to an endpoint keeps the id receivers may dedupe on. */
const deliveryId = sql<string>`substr(md5(e.id || ':' || w.id), 1, 25)`;

/** What the fan-out reads of the event being inserted. */
export const OUTBOX_EVENT_COLUMNS = ['id', 'merchant_id', 'type', 'resource_id', 'created_at'] as const;
type EventCte = { e: Pick<Event, (typeof OUTBOX_EVENT_COLUMNS)[number]> };

/**
 * The outbox write, as the last part of a statement whose CTE `e` inserts the event(s):
 * `insertDeliveries(db.with('e', (q) => q.insertInto('events').values(row).returning(OUTBOX_EVENT_COLUMNS)))`.
 * One statement writes the event and its deliveries, so neither exists without the other.
 * Deliveries are due at once (see dueAt for the simulated faults that hold them).
 */
export function insertDeliveries<DB extends Database & EventCte>(qc: QueryCreator<DB>) {
  // Other CTEs (the payment's `p`) only widen DB; Kysely's types cannot say that a creator over
  // more tables may be used as one over fewer.
  return (qc as unknown as QueryCreator<Database & EventCte>)
    .insertInto('webhook_deliveries')
    .columns(['id', 'merchant_id', 'endpoint_id', 'event_id', 'status', 'next_attempt_at', 'simulated', 'created_at', 'updated_at'])
    .expression((eb) =>
      eb
        .selectFrom('e')
        .innerJoin('webhook_endpoints as w', (join) => join.on(receives))
        .innerJoin('merchants as m', 'm.id', 'e.merchant_id')
        .select([
          deliveryId.as('id'),
          'e.merchant_id',
          'w.id as endpoint_id',
          'e.id as event_id',
          sql<DeliveryStatus>`'pending'`.as('status'),
          dueAt.as('next_attempt_at'),
          heldBy.as('simulated'),
          'e.created_at',
          'e.created_at as updated_at',
        ]),
    );
}

/**
 * Queues `eventId` again (from attempt one of the schedule, due at once) for every endpoint that
 * receives it now, or only `endpointId`: new rows for endpoints added since, existing rows reset.
 * `now` is the merchant's time; due now by the database's clock. Wakes the workers, which the insert
 * trigger does not do for reset rows.
 */
export async function requeueEvent(
  db: Db,
  merchantId: string,
  eventId: string,
  endpointId: string | null,
  now: Date,
): Promise<string[]> {
  let candidates = db
    .selectFrom('events as e')
    .innerJoin('webhook_endpoints as w', (join) => join.on(receives))
    .where('e.merchant_id', '=', merchantId)
    .where('e.id', '=', eventId);
  if (endpointId) candidates = candidates.where('w.id', '=', endpointId);
  const rows = await db
    .insertInto('webhook_deliveries')
    .columns(['id', 'merchant_id', 'endpoint_id', 'event_id', 'status', 'next_step', 'next_attempt_at', 'created_at', 'updated_at'])
    .expression(
      candidates.select([
        deliveryId.as('id'),
        'e.merchant_id',
        'w.id as endpoint_id',
        'e.id as event_id',
        sql<DeliveryStatus>`'pending'`.as('status'),
        sql<number>`0`.as('next_step'),
        CLAIM_NOW.as('next_attempt_at'),
        sql<Date>`${now}::timestamptz`.as('created_at'),
        sql<Date>`${now}::timestamptz`.as('updated_at'),
      ]),
    )
    .onConflict((oc) =>
      oc.columns(['event_id', 'endpoint_id']).doUpdateSet({ status: 'pending', next_step: 0, next_attempt_at: CLAIM_NOW, claimed_until: null, updated_at: now }),
    )
    .returning('id')
    .execute();
  if (rows.length) await wakeWorkers(db);
  return rows.map((row) => row.id);
}

/**
 * A merchant's test clock moved forward by `ms`: its pending deliveries fall due that much
 * sooner in system time, so retries its new time has passed are sent at once. The rows are
 * locked in id order: an UPDATE alone takes them in whatever order its plan meets them, and two
 * such orders deadlock.
 */
export async function bringForward(db: Db, merchantId: string, ms: number): Promise<void> {
  const result = await db
    .updateTable('webhook_deliveries as d')
    .from(
      db
        .selectFrom('webhook_deliveries')
        .select('id')
        .where('merchant_id', '=', merchantId)
        .where('status', '=', 'pending')
        .orderBy('id')
        .forUpdate()
        .as('l'),
    )
    .set({ next_attempt_at: sql<Date>`d.next_attempt_at - ${ms} * interval '1 millisecond'` })
    .whereRef('d.id', '=', 'l.id')
    .executeTakeFirst();
  if (result.numUpdatedRows > 0n) await wakeWorkers(db);
}

/** NOTIFY at commit, as the outbox trigger does for new rows. */
async function wakeWorkers(db: Db): Promise<void> {
  await sql`SELECT pg_notify(${WEBHOOK_CHANNEL}, current_schema())`.execute(db);
}

/** A claimed delivery with what sending it needs. */
export interface ClaimedDelivery {
  id: string;
  next_step: number;
  body: string | null;
  endpoint_id: string;
  url: string;
  secret_token: string;
  merchant_mode: 'test' | 'live';
  clock_offset_ms: number;
  /** Until when the claim holds (the database's time, see CLAIM_NOW): also the claim's token, see renewClaim. */
  claimed_until: Date;
  /** The endpoint's simulated faults as they are now; null: none. */
  simulate: WebhookSimulation | null;
  event: Event;
}

export interface ClaimOptions {
  limit: number;
  /** Rows claimed per endpoint at most, unless `free` says otherwise (both from domain's EndpointSlots). */
  perEndpoint: number;
  /** Endpoints already busy in this process → slots left (0 excludes the endpoint). */
  free: Map<string, number>;
  /** How long a claim holds the row before another worker may take it again. */
  claimMs: number;
}

/**
 * Claims due deliveries of active endpoints, oldest first, at most `perEndpoint` (or the endpoint's
 * free slots) per endpoint. `FOR UPDATE SKIP LOCKED` lets every process claim at once without
 * taking the same row; a claim sets `claimed_until` instead of holding a transaction open during
 * the HTTP request, so a process that dies mid-attempt leaves the row to be claimed again when
 * the claim ends (at-least-once). Rows due at the same time (the held deliveries of one
 * `out_of_order` window share their release time) are claimed in id order, so which of them share
 * a claim, and so a sending turn, is decided by the rows alone; the shuffled order is guaranteed
 * within one claim (a window larger than the endpoint's slots is sent in several turns).
 */
export async function claimDueDeliveries(db: Db, options: ClaimOptions): Promise<ClaimedDelivery[]> {
  const busy = [...options.free.keys()];
  const full = busy.filter((id) => options.free.get(id)! <= 0);
  const { rows } = await sql<Record<string, any>>`
    WITH candidates AS (
      SELECT d.id, d.endpoint_id, d.next_attempt_at
      FROM webhook_deliveries d
      JOIN webhook_endpoints w ON w.id = d.endpoint_id
      WHERE d.status = 'pending' AND w.active AND d.next_attempt_at <= ${CLAIM_NOW}
        AND (d.claimed_until IS NULL OR d.claimed_until <= ${CLAIM_NOW})
        AND d.endpoint_id <> ALL(${full}::text[])
      ORDER BY d.next_attempt_at, d.id
      LIMIT ${options.limit * 4}
      FOR UPDATE OF d SKIP LOCKED
    ), chosen AS (
      SELECT c.id FROM (
        SELECT id, endpoint_id, next_attempt_at, row_number() OVER (PARTITION BY endpoint_id ORDER BY next_attempt_at, id) AS n
        FROM candidates
      ) c
      LEFT JOIN unnest(${busy}::text[], ${busy.map((id) => options.free.get(id)!)}::int[]) AS f(endpoint_id, free) ON f.endpoint_id = c.endpoint_id
      WHERE c.n <= coalesce(f.free, ${options.perEndpoint})
      ORDER BY c.next_attempt_at, c.id
      LIMIT ${options.limit}
    )
    UPDATE webhook_deliveries d
    SET claimed_until = ${CLAIM_NOW} + ${options.claimMs} * interval '1 millisecond'
    FROM chosen, webhook_endpoints w, merchants m, events e
    WHERE d.id = chosen.id AND w.id = d.endpoint_id AND m.id = d.merchant_id AND e.id = d.event_id
    RETURNING d.id, d.next_step, d.body, d.claimed_until, d.endpoint_id, w.url, w.secret_token, w.simulate, m.mode AS merchant_mode, m.clock_offset_ms,
      e.id AS event_id, e.merchant_id AS event_merchant_id, e.type AS event_type, e.resource_id AS event_resource_id,
      e.data AS event_data, e.reason AS event_reason, e.created_at AS event_created_at, e.seq AS event_seq`.execute(db);
  return rows.map((row) => ({
    id: row.id,
    next_step: row.next_step,
    body: row.body,
    endpoint_id: row.endpoint_id,
    url: row.url,
    secret_token: row.secret_token,
    merchant_mode: row.merchant_mode,
    clock_offset_ms: Number(row.clock_offset_ms),
    claimed_until: new Date(row.claimed_until),
    simulate: row.simulate ?? null,
    event: {
      id: row.event_id,
      merchant_id: row.event_merchant_id,
      type: row.event_type,
      resource_id: row.event_resource_id,
      data: row.event_data,
      reason: row.event_reason,
      created_at: new Date(row.event_created_at),
      seq: Number(row.event_seq),
    },
  }));
}

/**
 * Extends a claim to the database's now plus `claimMs`, if it is still the one that set `claimedUntil`: a
 * compare-and-set on `claimed_until`, which serves as the claim's token. A new claim is only made
 * once the old one has ended (`claimed_until <= now`) and sets a later time, and recording an
 * attempt clears it, so an unchanged value means nobody else has claimed the row since. The row
 * lock the UPDATE takes orders it against a concurrent claim (which skips the locked row, or has
 * changed the value by the time this re-reads it). Answers the new `claimed_until`, or null when
 * the claim was lost (claimed again, attempted, deleted or no longer pending).
 */
export async function renewClaim(db: Db, id: string, claimedUntil: Date, claimMs: number): Promise<Date | null> {
  const { rows } = await sql<{ claimed_until: Date }>`
    UPDATE webhook_deliveries SET claimed_until = ${CLAIM_NOW} + ${claimMs} * interval '1 millisecond'
    WHERE id = ${id} AND status = 'pending' AND claimed_until = ${claimedUntil}::timestamptz
    RETURNING claimed_until`.execute(db);
  return rows.length ? new Date(rows[0].claimed_until) : null;
}

export interface AttemptRecord {
  deliveryId: string;
  /** The bytes sent; kept if the delivery has none yet (its first attempt), never replaced. */
  body: string;
  attemptedAt: Date;
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
  responseExcerpt: string | null;
  /** Faults applied to the request on purpose. */
  simulated: SimulatedFault[];
}

/**
 * Locks a delivery's row for the rest of the transaction (waiting for one that holds it). False:
 * the row is gone (its endpoint was deleted, or its merchant's test data).
 */
export async function lockDelivery(db: Db, id: string): Promise<boolean> {
  const rows = await db.selectFrom('webhook_deliveries').select('id').where('id', '=', id).forUpdate().execute();
  return rows.length > 0;
}

/**
 * Records an attempt and moves its delivery on, in one statement that also keeps the body of a
 * first attempt (instead of another round trip to store the body before sending). Times are
 * taken between the merchant's clock and system time with the merchant's offset as this
 * statement reads it; the retry's due time is then moved from this process's clock (`systemNow`)
 * to the database's, which the claim compares it with: a process whose clock is off by an hour
 * still retries a minute after the attempt. A delivery that is no longer pending (another worker finished it after
 * this one's claim ran out) keeps its state; the attempt is recorded all the same.
 */
export async function recordAttempt(db: Db, attempt: AttemptRecord, outcome: AttemptOutcome, systemNow: Date): Promise<void> {
  const at = attempt.attemptedAt;
  const offset = sql`m.clock_offset_ms * interval '1 millisecond'`;
  const nextAttemptAt =
    outcome.status === 'pending'
      ? sql<Date>`${CLAIM_NOW} + (${outcome.nextAttemptAt}::timestamptz - ${offset} - ${systemNow}::timestamptz)`
      : null;
  await db
    .with('a', (qc) =>
      qc.insertInto('webhook_attempts').values({
        delivery_id: attempt.deliveryId,
        attempted_at: at,
        status_code: attempt.statusCode,
        latency_ms: attempt.latencyMs,
        error: attempt.error,
        response_excerpt: attempt.responseExcerpt,
        simulated: attempt.simulated,
      }),
    )
    .updateTable('webhook_deliveries as d')
    .from('merchants as m')
    .set({
      status: outcome.status,
      next_step: outcome.nextStep,
      next_attempt_at: nextAttemptAt,
      claimed_until: null,
      body: sql<string>`coalesce(d.body, ${attempt.body})`,
      ...(outcome.status === 'succeeded' ? { delivered_at: at } : {}),
      updated_at: sql<Date>`${systemNow}::timestamptz + ${offset}`,
    })
    .whereRef('m.id', '=', 'd.merchant_id')
    .where('d.id', '=', attempt.deliveryId)
    .where('d.status', '=', 'pending')
    .execute();
}

/**
 * Records an extra request of a delivery made on purpose (a simulated duplicate): an attempt
 * row, the delivery left as its real attempt put it.
 */
export async function recordExtraAttempt(db: Db, attempt: AttemptRecord): Promise<void> {
  await db
    .insertInto('webhook_attempts')
    .values({
      delivery_id: attempt.deliveryId,
      attempted_at: attempt.attemptedAt,
      status_code: attempt.statusCode,
      latency_ms: attempt.latencyMs,
      error: attempt.error,
      response_excerpt: attempt.responseExcerpt,
      simulated: attempt.simulated,
    })
    .execute();
}

/** Deliveries of an endpoint or of an event, newest first, each with its attempts, oldest first. */
export async function listDeliveries(db: Db, merchantId: string, filter: { endpointId?: string; eventId?: string }, page: number, perPage: number) {
  let query = db.selectFrom('webhook_deliveries as d').where('d.merchant_id', '=', merchantId);
  if (filter.endpointId) query = query.where('d.endpoint_id', '=', filter.endpointId);
  if (filter.eventId) query = query.where('d.event_id', '=', filter.eventId);
  const [rows, count] = await Promise.all([
    query
      .innerJoin('events as e', 'e.id', 'd.event_id')
      .select(['d.id', 'd.endpoint_id', 'd.event_id', 'e.type as event_type', 'd.status', 'd.next_attempt_at', 'd.delivered_at', 'd.created_at', 'd.simulated'])
      .select((eb) =>
        jsonArrayFrom(
          eb
            .selectFrom('webhook_attempts as a')
            .select(['a.attempted_at', 'a.status_code', 'a.latency_ms', 'a.error', 'a.response_excerpt', 'a.simulated'])
            .whereRef('a.delivery_id', '=', 'd.id')
            .orderBy('a.seq'),
        ).as('attempts'),
      )
      .orderBy('d.created_at', 'desc')
      .orderBy('d.seq', 'desc')
      .limit(perPage)
      .offset((page - 1) * perPage)
      .execute(),
    query.select(sql<number>`count(*)::int`.as('total')).executeTakeFirstOrThrow(),
  ]);
  return { rows: rows as WebhookDelivery[], total: Number(count.total) };
}

/**
 * Pending deliveries over every merchant, and the earliest `next_attempt_at` among them: system
 * time (created_at is the merchant's clock), served by the partial index on pending rows.
 */
export async function pendingBacklog(db: Db): Promise<{ pending: number; oldestDue: Date | null }> {
  const row = await db
    .selectFrom('webhook_deliveries')
    .select((eb) => [eb.fn.countAll<number>().as('pending'), eb.fn.min('next_attempt_at').as('due')])
    .where('status', '=', 'pending')
    .executeTakeFirstOrThrow();
  return { pending: Number(row.pending), oldestDue: row.due === null ? null : new Date(row.due as Date) };
}
