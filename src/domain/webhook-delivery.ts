import { hmacSha256Hex } from '../lib/digest';
import { offsetClock, type Clock } from '../lib/clock';
import type { RandomFraction } from '../lib/random';
import type { Db, Store } from '../store/db';
import * as eventsRepo from '../store/events.repo';
import * as outboxRepo from '../store/outbox.repo';
import * as endpointsRepo from '../store/webhook-endpoints.repo';
import type { AttemptOutcome, SimulatedFault, WebhookDelivery } from '../model/webhook';
import type { Actor, Services } from './context';
import { ApiError } from '../kernel/errors';
import { refusesPrivateAddresses } from './webhook-settings';
import { attemptOutcome } from './webhook-retry';
import type { EndpointSlots } from './webhook-slots';
import { shuffleHeld, simulatedHeaders } from './webhook-simulation';
import type { Event } from '../model/event';

// The corridor between the outbox and the worker: the worker claims, sends and records through
// this file (and renders bodies with wire/), never the store. The retry policy is
// webhook-retry.ts, the per-endpoint limit webhook-slots.ts.

/** At most this much of a response is kept with its attempt. */
export const RESPONSE_EXCERPT_CHARS = 1000;

/** A delivery ready to send: the exact bytes, headers (signature included) and where to. */
export interface OutboundDelivery {
  id: string;
  endpointId: string;
  eventId: string;
  url: string;
  body: string;
  headers: Record<string, string>;
  refusePrivate: boolean;
  timeoutMs: number;
  /** Its merchant's clock (attempts are stamped with its time) and that clock's offset. */
  clock: Clock;
  clockOffsetMs: number;
  step: number;
  /** Until when this process's claim on it holds (the database's time); renewClaim moves it on. */
  claimedUntil: Date;
  /** The event's place in its merchant's order (held deliveries are shuffled against it). */
  eventSeq: number;
  /** Simulated faults in `headers` (bad signature, content type), recorded with the attempt. */
  simulated: SimulatedFault[];
  /** Simulated: send it twice. */
  duplicate: boolean;
  /** Simulated: sent one at a time with the others of its endpoint claimed with it, shuffled. */
  outOfOrder: boolean;
}

/** What one HTTP attempt came to; `statusCode` is null when no response arrived. */
export interface AttemptResult {
  statusCode: number | null;
  latencyMs: number;
  error: string | null;
  responseExcerpt: string | null;
}

/**
 * docs/decisions.md "Webhook delivery": `X-Komoju-Signature` is the lowercase hex HMAC-SHA256 of the exact
 * body bytes with the endpoint's secret — what KOMOJU's plugins check with
 * `hash_hmac('sha256', $body, $secret)`.
 *
 *   webhookHeaders('dlv…', 'payment.captured', body, 'secret');
 */
export function webhookHeaders(deliveryId: string, eventType: string, body: string, secret: string): Record<string, string> {
  return {
    'Content-Type': 'application/json',
    'User-Agent': 'Komoju-Webhook',
    'X-Komoju-ID': deliveryId,
    'X-Komoju-Event': eventType,
    'X-Komoju-Signature': hmacSha256Hex(secret, body),
  };
}

export interface ClaimRequest {
  limit: number;
  /** This process's requests in flight per endpoint; each claimed delivery takes a slot. */
  slots: EndpointSlots;
  /** The event as the webhook body: KOMOJU's event JSON, which wire/ renders (domain may not
   * import wire/, so the worker, which may, hands its renderer in). */
  render: (event: Event) => string;
}

/**
 * Claims due deliveries (see outboxRepo.claimDueDeliveries), no more per endpoint than `slots`
 * has free, and takes a slot for each: the caller releases it when the attempt is over. A
 * delivery never attempted gets its body rendered now and stored with the attempt's record;
 * later attempts send those bytes. (Should a process die between sending and recording, the next
 * attempt renders the immutable event again, to the same bytes unless an upgrade changed the
 * serialiser in between.) A claim lasts twice the attempt timeout: long enough for the attempt to
 * finish and be recorded.
 */
export async function claimDeliveries(services: Services, request: ClaimRequest): Promise<OutboundDelivery[]> {
  const settings = services.webhooks;
  const claimed = await outboxRepo.claimDueDeliveries(services.db, {
    limit: request.limit,
    perEndpoint: request.slots.perEndpoint,
    free: request.slots.free(),
    claimMs: 2 * settings.timeoutMs,
  });
  const deliveries = claimed.map((d): OutboundDelivery => {
    const body = d.body ?? request.render(d.event);
    const { headers, simulated } = simulatedHeaders(webhookHeaders(d.id, d.event.type, body, d.secret_token), d.simulate, d.secret_token, body);
    return {
      id: d.id,
      endpointId: d.endpoint_id,
      eventId: d.event.id,
      url: d.url,
      body,
      headers,
      simulated,
      duplicate: d.simulate?.duplicate ?? false,
      outOfOrder: d.simulate?.out_of_order != null,
      eventSeq: d.event.seq,
      refusePrivate: refusesPrivateAddresses(settings, d.merchant_mode),
      timeoutMs: settings.timeoutMs,
      clock: offsetClock(services.clock, d.clock_offset_ms),
      clockOffsetMs: d.clock_offset_ms,
      step: d.next_step,
      claimedUntil: d.claimed_until,
    };
  });
  for (const delivery of deliveries) request.slots.take(delivery.endpointId);
  return deliveries;
}

/**
 * Claimed deliveries as turns, each sent one delivery after the other: one turn per delivery,
 * except that those of an endpoint simulating `out_of_order` make one turn together, in shuffled
 * order (shuffleHeld, against their events' order), so that they arrive in that order. A turn
 * of several outlasts the claim its later deliveries got (each request may take the timeout, two
 * with `duplicate`): the worker renews each one's claim before sending it (renewClaim).
 */
export function sendingTurns(deliveries: readonly OutboundDelivery[]): OutboundDelivery[][] {
  const turns: OutboundDelivery[][] = [];
  const held = new Map<string, OutboundDelivery[]>();
  for (const delivery of deliveries) {
    if (!delivery.outOfOrder) turns.push([delivery]);
    else held.set(delivery.endpointId, [...(held.get(delivery.endpointId) ?? []), delivery]);
  }
  for (const group of held.values()) {
    turns.push(shuffleHeld([...group].sort((a, b) => a.eventSeq - b.eventSeq), (d) => d.id));
  }
  return turns;
}

/**
 * Records an attempt (made at `attemptedAt`, merchant time) and moves its delivery on as the
 * retry policy says (webhook-retry.ts; `random` draws its jitter). A retry is due on the
 * merchant's clock, taken to system time with the offset the clock has when the attempt is
 * recorded: a test clock moved while the attempt was in flight counts, as it does for a delivery
 * that was waiting (the advance brings those forward). The delivery's row is locked first, so
 * an advance is either wholly before (its offset is read) or wholly after (it moves the row
 * recorded here). Answers the outcome (the worker logs it: delivered, or failed and when next).
 */
export async function recordAttempt(db: Db, delivery: OutboundDelivery, attemptedAt: Date, result: AttemptResult, random?: RandomFraction): Promise<AttemptOutcome> {
  const delivered = result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300;
  const outcome = attemptOutcome(delivery.step, attemptedAt, delivered, random);
  const systemNow = new Date(delivery.clock.now().getTime() - delivery.clockOffsetMs);
  await db.transaction().execute(async (trx) => {
    // Deleted while the attempt was in flight (with its endpoint, or by a test data reset): nothing to record.
    if (!(await outboxRepo.lockDelivery(trx, delivery.id))) return;
    await outboxRepo.recordAttempt(trx, attemptRow(delivery, attemptedAt, result, delivery.simulated), outcome, systemNow);
  });
  return outcome;
}

/**
 * Renews the claim on a delivery about to be sent later in its turn (see sendingTurns), for
 * another twice the timeout from now. False: the claim was lost (it ran out and another claim
 * took the delivery, in this process or another, or it was attempted, or deleted); the caller
 * must not send it.
 *
 * Why renew rather than claim a whole turn for its length at once: a claim sized for the turn
 * (deliveries × requests × timeout) still counts on the process sending on schedule. One that
 * stalls (a paused VM, a long GC, a blocked event loop) would send after its claim ran out and
 * another process had taken the delivery; and a process that dies holds the whole window that
 * much longer. A compare-and-set made just before each request holds the delivery for that
 * request only, and finds out when the claim was lost instead of assuming it was not.
 */
export async function renewClaim(services: Services, delivery: OutboundDelivery): Promise<boolean> {
  const renewed = await outboxRepo.renewClaim(services.db, delivery.id, delivery.claimedUntil, 2 * services.webhooks.timeoutMs);
  if (!renewed) return false;
  delivery.claimedUntil = renewed;
  return true;
}

/**
 * Records the second request of a simulated duplicate; the delivery stays as its attempt left it.
 * Nothing is recorded for a delivery deleted meanwhile (see recordAttempt).
 */
export async function recordDuplicate(db: Db, delivery: OutboundDelivery, attemptedAt: Date, result: AttemptResult): Promise<void> {
  await db.transaction().execute(async (trx) => {
    if (!(await outboxRepo.lockDelivery(trx, delivery.id))) return;
    await outboxRepo.recordExtraAttempt(trx, attemptRow(delivery, attemptedAt, result, ['duplicate', ...delivery.simulated]));
  });
}

/** How the worker hears of deliveries written: the store's LISTEN, where there is one. */
export type Listen = Store['listen'];

/**
 * Calls `wake` when deliveries are written (the outbox trigger's NOTIFY) in `schema` (any schema
 * when undefined: several deployments may share a database), and when listening resumes after a
 * lost connection (deliveries written meanwhile notified no one). Resolves to a function that
 * stops listening.
 */
export function listenForDeliveries(listen: Listen, schema: string | undefined, wake: () => void): Promise<() => Promise<void>> {
  const onNotify = (payload: string) => {
    if (schema === undefined || payload === schema) wake();
  };
  return listen(outboxRepo.WEBHOOK_CHANNEL, onNotify, wake);
}

/**
 * Sends an event again, from the first attempt of the schedule, to every active endpoint that
 * receives it now (or to `endpointId` only). Same delivery id and same body as before for
 * endpoints that had it. Answers the event's deliveries.
 */
export async function redeliverEvent(trx: Db, actor: Actor, eventId: string, endpointId: string | null) {
  const event = await eventsRepo.findEvent(trx, actor.merchant.id, eventId);
  if (!event) throw new ApiError('not_found', { param: 'id' });
  if (endpointId !== null && !(await endpointsRepo.findEndpoint(trx, actor.merchant.id, endpointId))) {
    throw new ApiError('not_found', { param: 'webhook' });
  }
  const now = actor.clock.now();
  // Due now by the database's clock, whatever the merchant's (requeueEvent).
  const queued = await outboxRepo.requeueEvent(trx, actor.merchant.id, eventId, endpointId, now);
  if (!queued.length) {
    throw new ApiError('unprocessable_entity', {
      param: endpointId === null ? 'id' : 'webhook',
      message: 'No active webhook endpoint receives this event.',
    });
  }
  return onMerchantClock(actor, await outboxRepo.listDeliveries(trx, actor.merchant.id, { eventId }, 1, 100));
}

/** An endpoint's deliveries, newest first, with every attempt. */
export async function listDeliveries(db: Db, actor: Actor, endpointId: string, page: number, perPage: number) {
  if (!(await endpointsRepo.findEndpoint(db, actor.merchant.id, endpointId))) throw new ApiError('not_found', { param: 'id' });
  return onMerchantClock(actor, await outboxRepo.listDeliveries(db, actor.merchant.id, { endpointId }, page, perPage));
}

/** Due times are kept in system time; the merchant sees them on its own clock, like every time. */
function onMerchantClock<T extends { rows: WebhookDelivery[] }>(actor: Actor, result: T): T {
  const offset = actor.merchant.clock_offset_ms;
  const rows = result.rows.map((row) => ({
    ...row,
    next_attempt_at: row.next_attempt_at && new Date(new Date(row.next_attempt_at).getTime() + offset),
  }));
  return { ...result, rows };
}

/** What an attempt records: the request sent, its answer, and the faults simulated on purpose. */
function attemptRow(delivery: OutboundDelivery, attemptedAt: Date, result: AttemptResult, simulated: SimulatedFault[]): outboxRepo.AttemptRecord {
  return {
    deliveryId: delivery.id,
    body: delivery.body,
    attemptedAt,
    statusCode: result.statusCode,
    latencyMs: result.latencyMs,
    error: result.error,
    responseExcerpt: result.responseExcerpt,
    simulated,
  };
}
