import type { Services } from '../domain/context';
import { claimDeliveries, recordAttempt, type OutboundDelivery } from '../domain/webhook-delivery';
import type { LogSink } from '../lib/log';
import type { Store } from '../store/db';
import { WEBHOOK_CHANNEL } from '../store/webhooks.repo';
import { postJson, type Resolver } from './outbound';
import type { Event } from '../model/event';

export interface WebhookWorkerOptions {
  log: LogSink;
  /** The event as the webhook body (the composition root passes the API's event serialiser). */
  render: (event: Event) => string;
  /** Wake-ups at once when deliveries are written (LISTEN/NOTIFY); without it, polling only. */
  listen?: Store['listen'];
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
 * or an attempt outlives its claim (twice the timeout).
 *
 * Claiming is serial within a process (one claim query at a time); sending is concurrent, up to
 * `maxInFlight` requests and `concurrencyPerEndpoint` per endpoint.
 */
export async function startWebhookWorker(services: Services, options: WebhookWorkerOptions) {
  const { log, render, pollMs = 1000, maxInFlight = 64 } = options;
  const perEndpoint = new Map<string, number>();
  const sending = new Set<Promise<void>>();
  let stopped = false;
  let claiming: Promise<void> | null = null;
  let wokenWhileClaiming = false;

  const wake = () => {
    if (stopped) return;
    if (claiming) {
      wokenWhileClaiming = true;
      return;
    }
    claiming = claimAll()
      .catch((err) => log.error({ err }, 'webhook claim failed'))
      .finally(() => {
        claiming = null;
      });
  };

  async function claimAll(): Promise<void> {
    do {
      wokenWhileClaiming = false;
      const room = maxInFlight - sending.size;
      if (room <= 0) return;
      const free = new Map([...perEndpoint].map(([id, count]) => [id, services.webhooks.concurrencyPerEndpoint - count]));
      const claimed = await claimDeliveries(services, { limit: room, free, render });
      for (const delivery of claimed) send(delivery);
      // A full batch means more may be due now.
      if (claimed.length === room) wokenWhileClaiming = true;
    } while (wokenWhileClaiming && !stopped);
  }

  function send(delivery: OutboundDelivery): void {
    perEndpoint.set(delivery.endpointId, (perEndpoint.get(delivery.endpointId) ?? 0) + 1);
    const attempt = (async () => {
      const attemptedAt = delivery.clock.now();
      const result = await postJson(delivery.url, delivery.body, delivery.headers, {
        timeoutMs: delivery.timeoutMs,
        refusePrivate: delivery.refusePrivate,
        resolve: options.resolve,
      });
      await recordAttempt(services.db, delivery, attemptedAt, result);
    })()
      .catch((err) => log.error({ err, delivery: delivery.id }, 'webhook attempt could not be recorded'))
      .finally(() => {
        const left = perEndpoint.get(delivery.endpointId)! - 1;
        if (left === 0) perEndpoint.delete(delivery.endpointId);
        else perEndpoint.set(delivery.endpointId, left);
        sending.delete(attempt);
        wake();
      });
    sending.add(attempt);
  }

  const timer = setInterval(wake, pollMs);
  let unlisten: (() => Promise<void>) | null = null;
  if (options.listen) {
    try {
      unlisten = await options.listen(
        WEBHOOK_CHANNEL,
        (payload) => {
          if (options.schema === undefined || payload === options.schema) wake();
        },
        // Back after a lost connection: deliveries written meanwhile notified no one.
        wake,
      );
    } catch (err) {
      log.error({ err }, 'LISTEN failed; webhook deliveries wait for the poll');
    }
  }
  wake();

  return {
    /** Stops claiming and waits for the attempts in flight (each bounded by the timeout). */
    async stop() {
      stopped = true;
      clearInterval(timer);
      await unlisten?.();
      await claiming;
      await Promise.all(sending);
    },
  };
}
