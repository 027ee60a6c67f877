import { serializeEvent } from './event';
import { timestamp } from './time';
import type { Event } from '../model/event';
import { NO_SIMULATION, type WebhookDelivery, type WebhookEndpoint } from '../model/webhook';

/** Endpoint → JSON (docs/decisions.md "Webhook endpoints"; the secret is shown, as KOMOJU's dashboard does). */
export function serializeEndpoint(endpoint: WebhookEndpoint): Record<string, unknown> {
  return {
    id: endpoint.id,
    resource: 'webhook',
    url: endpoint.url,
    events: endpoint.events,
    secret_token: endpoint.secret_token,
    active: endpoint.active,
    simulate: endpoint.simulate ?? NO_SIMULATION,
    created_at: timestamp(endpoint.created_at),
  };
}

export function serializeDelivery(delivery: WebhookDelivery): Record<string, unknown> {
  return {
    id: delivery.id,
    resource: 'webhook_delivery',
    webhook: delivery.endpoint_id,
    event: delivery.event_id,
    event_type: delivery.event_type,
    status: delivery.status,
    next_attempt_at: timestamp(delivery.next_attempt_at),
    delivered_at: timestamp(delivery.delivered_at),
    created_at: timestamp(delivery.created_at),
    simulated: delivery.simulated,
    attempts: delivery.attempts.map((attempt) => ({
      attempted_at: timestamp(attempt.attempted_at),
      status_code: attempt.status_code,
      latency_ms: attempt.latency_ms,
      error: attempt.error,
      response_excerpt: attempt.response_excerpt,
      simulated: attempt.simulated,
    })),
  };
}

/**
 * The webhook body: the event exactly as `GET /api/v1/events/:id` shows it without a version
 * header. Rendered once per delivery, at its first attempt; the worker stores and re-sends it.
 */
export function webhookBody(event: Event): string {
  return JSON.stringify(serializeEvent(event, 'default'));
}
