import type { Services } from '../domain/context';
import {
  claimDeliveries,
  listenForDeliveries,
  recordAttempt,
  recordDuplicate,
  renewClaim,
  sendingTurns,
  type AttemptResult,
  type Listen,
  type OutboundDelivery,
} from '../domain/webhook-delivery';
import { EndpointSlots } from '../domain/webhook-slots';
import type { LogSink } from '../lib/log';
import type { AttemptOutcome } from '../model/webhook';
import { webhookBody } from '../wire/webhook';
import { postJson, type Resolver } from './outbound';
import { webhookAttempts } from '../lib/metrics';

export interface WebhookWorkerOptions {
  log: LogSink;
  /** Wake-ups at once when deliveries are written (LISTEN/NOTIFY); without it, polling only. */
  listen?: Listen;
  /** Only notifications from this schema wake the worker (several deployments may share a database). */
  schema?: string;
  /** The poll that finds retries falling due, expired claims and missed notifications. */
  pollMs?: number;
  /** Requests in flight from this process at most. */
  maxInFlight?: number;
  /** How receivers' names are resolved (default: the system's DNS); tests give names addresses. */
  resolve?: Resolver;
}

/**
 * The webhook delivery worker; one runs in every process. It claims due deliveries when woken
 * (a NOTIFY from the outbox trigger, a finished request freeing a slot, or the poll), POSTs each,
 * and records the attempt. Claims use SKIP LOCKED, so N processes share the outbox and none sends
 * a delivery another is sending: at-least-once, and exactly once unless a process dies mid-attempt
 * or an attempt outlives its claim (twice the timeout). A delivery waiting its turn behind others
 * (simulated `out_of_order`) has its claim renewed before it is sent, and is left alone if the
 * claim was lost meanwhile.
 *
 * Claiming is serial within a process (one claim query at a time); sending is concurrent, up to
 * `maxInFlight` requests and `concurrencyPerEndpoint` per endpoint.
 */
export async function startWebhookWorker(services: Services, options: WebhookWorkerOptions) {
  const dispatcher = new Dispatcher(services, options);
  const wake = () => dispatcher.wake();
  const timer = setInterval(wake, options.pollMs ?? 1000);
  const unlisten = options.listen ? await listenOrPoll(options.listen, options, wake) : null;
  wake();
  return {
    /** Stops claiming and waits for the attempts in flight (each bounded by the timeout). */
    async stop() {
      dispatcher.stop();
      clearInterval(timer);
      await unlisten?.();
      await dispatcher.drain();
    },
  };
}

async function listenOrPoll(listen: Listen, options: WebhookWorkerOptions, wake: () => void): Promise<(() => Promise<void>) | null> {
  try {
    return await listenForDeliveries(listen, options.schema, wake);
  } catch (err) {
    options.log.error({ err }, 'LISTEN failed; webhook deliveries wait for the poll');
    return null;
  }
}

/**
 * Claims while woken and sends what it claimed. The body renderer is the worker's to give: wire/
 * renders KOMOJU JSON, domain may not import wire/, and the worker is the one layer that both may
 * import wire/ and asks for bodies, so it hands `webhookBody` to the claim itself (before, the CLI
 * passed it down through the worker's options).
 */
class Dispatcher {
  private stopped = false;
  private readonly slots: EndpointSlots;
  private readonly sending = new Set<Promise<void>>();
  private readonly maxInFlight: number;
  private claiming: Promise<void> | null = null;
  private wokenWhileClaiming = false;

  constructor(
    private readonly services: Services,
    private readonly options: WebhookWorkerOptions,
  ) {
    this.slots = new EndpointSlots(services.webhooks);
    this.maxInFlight = options.maxInFlight ?? 64;
  }

  wake(): void {
    if (this.stopped) return;
    if (this.claiming) {
      this.wokenWhileClaiming = true;
      return;
    }
    this.claiming = this.claimAll()
      .catch((err) => this.options.log.error({ err }, 'webhook claim failed'))
      .finally(() => {
        this.claiming = null;
      });
  }

  /** No more claims; wake-ups are ignored from now on. */
  stop(): void {
    this.stopped = true;
  }

  /** Waits for the claim and the attempts in progress. */
  async drain(): Promise<void> {
    await this.claiming;
    await Promise.all(this.sending);
  }

  private async claimAll(): Promise<void> {
    do {
      this.wokenWhileClaiming = false;
      const room = this.maxInFlight - this.sending.size;
      if (room <= 0) return;
      const claimed = await claimDeliveries(this.services, { limit: room, slots: this.slots, render: webhookBody });
      for (const turn of sendingTurns(claimed)) this.send(turn);
      // A full batch means more may be due now.
      if (claimed.length === room) this.wokenWhileClaiming = true;
    } while (this.wokenWhileClaiming && !this.stopped);
  }

  /**
   * Sends a turn of claimed deliveries one after the other (most turns are one delivery; see
   * sendingTurns) and records each attempt; each slot is freed after its attempt, and a freed
   * slot wakes the claim. The first of a turn was claimed just now; each later one's claim is
   * renewed before it is sent, and one whose claim was lost is skipped: its new claimant sends it.
   */
  private send(turn: OutboundDelivery[]): void {
    const attempt = (async () => {
      for (const [i, delivery] of turn.entries()) {
        await (i === 0 ? this.attempt(delivery) : this.attemptIfStillClaimed(delivery))
          .catch((err) => this.options.log.error({ err, delivery: delivery.id }, 'webhook attempt could not be recorded'))
          .finally(() => {
            this.slots.release(delivery.endpointId);
            this.wake();
          });
      }
    })().finally(() => {
      this.sending.delete(attempt);
      this.wake();
    });
    this.sending.add(attempt);
  }

  private async attemptIfStillClaimed(delivery: OutboundDelivery): Promise<void> {
    if (await renewClaim(this.services, delivery)) return this.attempt(delivery);
    this.options.log.info({ delivery: delivery.id, endpoint: delivery.endpointId }, 'webhook claim lost while waiting its turn; left to its new claim');
  }

  private async attempt(delivery: OutboundDelivery): Promise<void> {
    const attemptedAt = delivery.clock.now();
    const result = await postJson(delivery.url, delivery.body, delivery.headers, {
      timeoutMs: delivery.timeoutMs,
      refusePrivate: delivery.refusePrivate,
      resolve: this.options.resolve,
    });
    logAttempt(this.options.log, delivery, result, await recordAttempt(this.services.db, delivery, attemptedAt, result));
    if (delivery.duplicate) await this.sendDuplicate(delivery);
  }

  /** A simulated duplicate: the same request again, right after, recorded as an extra attempt. */
  private async sendDuplicate(delivery: OutboundDelivery): Promise<void> {
    const attemptedAt = delivery.clock.now();
    const result = await postJson(delivery.url, delivery.body, delivery.headers, {
      timeoutMs: delivery.timeoutMs,
      refusePrivate: delivery.refusePrivate,
      resolve: this.options.resolve,
    });
    await recordDuplicate(this.services.db, delivery, attemptedAt, result);
  }
}

/**
 * One line (and a count in kessai_webhook_attempts_total) per attempt, once it is recorded: `webhook delivered` with the receiver's status, or
 * `webhook failed` with its status (or why no answer came) and when the next attempt is due,
 * in system time (null once the schedule has run out). Info, not error, for a failure: a
 * receiver that is down is the merchant's state to see, as a decline is (STYLE §5). The
 * receiver is named by its origin and endpoint id: a URL's path or query may carry a token.
 *
 *   {"msg":"webhook failed","event":"payment.captured","status":500,"attempt":1,"next_retry_at":"2026-12-03T14:03:08.412Z",…}
 */
function logAttempt(log: LogSink, delivery: OutboundDelivery, result: AttemptResult, outcome: AttemptOutcome): void {
  const line = {
    delivery: delivery.id,
    event: delivery.headers['X-Komoju-Event'],
    event_id: delivery.eventId,
    endpoint: delivery.endpointId,
    receiver: URL.canParse(delivery.url) ? new URL(delivery.url).origin : null,
    status: result.statusCode,
    ms: result.latencyMs,
    attempt: delivery.step + 1,
  };
  webhookAttempts.inc({ endpoint: delivery.endpointId, result: outcome.status === 'succeeded' ? 'delivered' : 'failed' });
  if (outcome.status === 'succeeded') return log.info(line, 'webhook delivered');
  const next = outcome.status === 'pending' ? new Date(outcome.nextAttemptAt.getTime() - delivery.clockOffsetMs).toISOString() : null;
  log.info({ ...line, error: result.error, next_retry_at: next }, next ? 'webhook failed' : 'webhook failed; no retries left');
}
