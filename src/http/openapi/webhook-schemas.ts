import { Type } from '@sinclair/typebox';
import { WEBHOOK_EVENT_TYPES } from '../../domain/webhooks';
import { Id, literals, nullable, ref, Timestamp } from './schema-primitives';
import { SimulatedFaults, WebhookSimulate } from './webhook-simulation';

/** Webhook endpoints and their deliveries (src/wire/webhook.ts), components of ./schemas.ts's COMPONENTS. */

export const Webhook = Type.Object(
  {
    id: Id,
    resource: Type.Literal('webhook'),
    url: Type.String(),
    events: Type.Array(literals(WEBHOOK_EVENT_TYPES), { description: 'Event types delivered; empty: all. `settlement.paid` and `disbursement.*` are kessai\'s own.' }),
    secret_token: Type.String({ description: 'Key of the `X-Komoju-Signature` HMAC.' }),
    active: Type.Boolean(),
    simulate: WebhookSimulate,
    created_at: Timestamp,
  },
  { $id: 'Webhook' },
);

export const DeletedWebhook = Type.Object(
  { ...Webhook.properties, deleted: Type.Literal(true) },
  { $id: 'DeletedWebhook' },
);

export const WebhookDelivery = Type.Object(
  {
    id: Type.String({ description: 'Also the `X-Komoju-ID` header of every attempt.' }),
    resource: Type.Literal('webhook_delivery'),
    webhook: Id,
    event: Id,
    event_type: Type.String(),
    status: literals(['pending', 'succeeded', 'failed']),
    next_attempt_at: nullable(Timestamp),
    delivered_at: nullable(Timestamp),
    created_at: Timestamp,
    simulated: SimulatedFaults,
    attempts: Type.Array(ref('WebhookAttempt')),
  },
  { $id: 'WebhookDelivery' },
);
