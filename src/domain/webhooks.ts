import { isPrivateHost } from '../lib/addresses';
import type { Db } from '../store/db';
import * as eventsRepo from '../store/events.repo';
import * as endpointsRepo from '../store/webhook-endpoints.repo';
import type { Actor } from './context';
import { refusesPrivateAddresses, type WebhookSettings } from './webhook-settings';
import { ApiError } from '../kernel/errors';
import type { WebhookEndpoint } from '../model/webhook';
import { simulationOf, type SimulationInput } from './webhook-simulation';

/**
 * The event types an endpoint may subscribe to: KOMOJU's list (spec §7.1, without platform-only
 * types) and kessai's ledger events, so a filter with a typo is refused instead of silently receiving nothing. `ping` is not
 * among them: every new endpoint gets one.
 */
export const WEBHOOK_EVENT_TYPES = [
  'payment.authorized',
  'payment.captured',
  'payment.updated',
  'payment.expired',
  'payment.cancelled',
  'payment.refund.created',
  'payment.refunded',
  'payment.failed',
  'customer.created',
  'customer.updated',
  'customer.deleted',
  'chargeback.created',
  'chargeback.accepted',
  'chargeback.defended',
  'chargeback.expired',
  'chargeback.won',
  'chargeback.lost',
  'subscription.created',
  'subscription.captured',
  'subscription.failed',
  'subscription.suspended',
  'subscription.deleted',
  'settlement.created',
  // kessai's own (docs/webhooks.md): KOMOJU names no event for these.
  'settlement.paid',
  'disbursement.created',
  'disbursement.paid',
  'disbursement.failed',
  'disbursement.cancelled',
] as const;

export interface NewEndpoint {
  url: string;
  secret_token?: string;
  events?: string[];
  active?: boolean;
  /** Simulated receiver faults, test mode (webhook-simulation.ts): replaces the endpoint's. */
  simulate?: SimulationInput;
}

export type EndpointChanges = Partial<NewEndpoint>;

/**
 * Registers an endpoint and greets it with a `ping` event, delivered to it alone. Both rows are
 * written in the caller's transaction.
 *
 *   await createEndpoint(trx, settings, actor, { url: 'https://shop.example/hooks', events: ['payment.captured'] });
 */
export async function createEndpoint(trx: Db, settings: WebhookSettings, actor: Actor, input: NewEndpoint): Promise<WebhookEndpoint> {
  const url = checkUrl(input.url, refusesPrivateAddresses(settings, actor.merchant.mode));
  const events = checkEvents(input.events ?? []);
  const now = actor.clock.now();
  const endpoint = {
    id: actor.ids.id(),
    merchant_id: actor.merchant.id,
    url,
    // Shown in the answer, so a seeded merchant's repeats too (test mode only; docs/testing.md).
    secret_token: input.secret_token ?? actor.ids.alphanumeric(32),
    events,
    active: input.active ?? true,
    simulate: input.simulate ? simulationOf(input.simulate, actor.merchant.mode) : null,
    created_at: now,
    updated_at: now,
  };
  const created = await endpointsRepo.insertEndpoint(trx, endpoint);
  await eventsRepo.insertEvent(trx, {
    id: actor.ids.id(),
    merchant_id: actor.merchant.id,
    type: 'ping',
    resource_id: endpoint.id,
    data: JSON.stringify({ resource: 'webhook', id: endpoint.id, url }),
    reason: null,
    created_at: now,
  });
  return created;
}

export async function getEndpoint(db: Db, actor: Actor, id: string): Promise<WebhookEndpoint> {
  const endpoint = await endpointsRepo.findEndpoint(db, actor.merchant.id, id);
  if (!endpoint) throw new ApiError('not_found', { param: 'id' });
  return endpoint;
}

export async function listEndpoints(db: Db, actor: Actor, page: number, perPage: number) {
  return endpointsRepo.listEndpoints(db, actor.merchant.id, page, perPage);
}

/**
 * Changes url, secret_token, events, active or simulate. Deliveries already queued keep their body
 * and their due time (a new delay or window holds only deliveries written after it).
 */
export async function updateEndpoint(trx: Db, settings: WebhookSettings, actor: Actor, id: string, input: EndpointChanges): Promise<WebhookEndpoint> {
  const changes: Parameters<typeof endpointsRepo.updateEndpoint>[3] = { updated_at: actor.clock.now() };
  if (input.url !== undefined) changes.url = checkUrl(input.url, refusesPrivateAddresses(settings, actor.merchant.mode));
  if (input.events !== undefined) changes.events = checkEvents(input.events);
  if (input.secret_token !== undefined) changes.secret_token = input.secret_token;
  if (input.active !== undefined) changes.active = input.active;
  if (input.simulate !== undefined) changes.simulate = simulationOf(input.simulate, actor.merchant.mode);
  const updated = await endpointsRepo.updateEndpoint(trx, actor.merchant.id, id, changes);
  if (!updated) throw new ApiError('not_found', { param: 'id' });
  return updated;
}

/** Deletes the endpoint; its deliveries (and their history) go with it. */
export async function deleteEndpoint(trx: Db, actor: Actor, id: string): Promise<WebhookEndpoint> {
  const deleted = await endpointsRepo.deleteEndpoint(trx, actor.merchant.id, id);
  if (!deleted) throw new ApiError('not_found', { param: 'id' });
  return deleted;
}

/**
 * `KESSAI_WEBHOOK_URL` at start-up: the merchant's endpoint with that URL, created (and pinged) the
 * first time; `secret` (KESSAI_WEBHOOK_SECRET), when given, replaces its secret.
 */
export async function ensureEndpoint(
  db: Db,
  settings: WebhookSettings,
  actor: Actor,
  url: string,
  secret: string | null,
): Promise<WebhookEndpoint> {
  return db.transaction().execute(async (trx) => {
    const existing = await endpointsRepo.findEndpointByUrl(trx, actor.merchant.id, url);
    if (!existing) return createEndpoint(trx, settings, actor, { url, secret_token: secret ?? undefined });
    if (secret === null || secret === existing.secret_token) return existing;
    return updateEndpoint(trx, settings, actor, existing.id, { secret_token: secret });
  });
}

function checkUrl(raw: string, refusePrivate: boolean): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ApiError('invalid_parameter', { param: 'url', message: 'url must be an absolute http or https URL' });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ApiError('invalid_parameter', { param: 'url', message: 'url must be an absolute http or https URL' });
  }
  if (refusePrivate && isPrivateHost(url.hostname)) {
    throw new ApiError('invalid_parameter', { param: 'url', message: 'Webhooks to private and loopback addresses are refused for this merchant' });
  }
  return raw;
}

function checkEvents(events: string[]): string[] {
  for (const [index, type] of events.entries()) {
    if (!(WEBHOOK_EVENT_TYPES as readonly string[]).includes(type)) {
      throw new ApiError('invalid_parameter', {
        param: `events.${index}`,
        message: `${type} is not an event type; known types: ${WEBHOOK_EVENT_TYPES.join(', ')}`,
      });
    }
  }
  return [...new Set(events)];
}

/**
 * Sends the endpoint a new `ping` event, as its creation does, delivered to it alone: the
 * dashboard's "Send test event". Written in the caller's transaction.
 */
export async function pingEndpoint(trx: Db, actor: Actor, id: string): Promise<WebhookEndpoint> {
  const endpoint = await getEndpoint(trx, actor, id);
  await eventsRepo.insertEvent(trx, {
    id: actor.ids.id(),
    merchant_id: actor.merchant.id,
    type: 'ping',
    resource_id: endpoint.id,
    data: JSON.stringify({ resource: 'webhook', id: endpoint.id, url: endpoint.url }),
    reason: null,
    created_at: actor.clock.now(),
  });
  return endpoint;
}
