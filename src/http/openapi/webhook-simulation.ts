import { Type, type TSchema } from '@sinclair/typebox';

// The OpenAPI shapes of simulated receiver faults (docs/webhooks.md) and of the delivery attempt
// that records them, beside schemas.ts, which is at its size limit.

/** A webhook's `simulate`: every key always present, off unless set. */
export const WebhookSimulate = Type.Object(
  {
    duplicate: Type.Boolean(),
    out_of_order: Type.Union([Type.Object({ window_seconds: Type.Integer() }), Type.Null()]),
    delay_seconds: Type.Integer(),
    bad_signature: Type.Boolean(),
    wrong_content_type: Type.Boolean(),
  },
  { description: 'Simulated receiver faults (test mode; docs/webhooks.md). All off unless set.' },
);

/** A delivery's or an attempt's `simulated`: what was done on purpose. */
export const SimulatedFaults = Type.Array(
  Type.Unsafe<string>({ type: 'string', enum: ['duplicate', 'out_of_order', 'delay', 'bad_signature', 'wrong_content_type'] }),
  { description: 'Simulated faults done on purpose (test mode); empty otherwise.' },
);

const nullable = (schema: TSchema, description?: string) => Type.Union([schema, Type.Null()], description ? { description } : {});

/** One try at delivering an event (a delivery's `attempts`). */
export const WebhookAttempt = Type.Object(
  {
    attempted_at: Type.String({ format: 'date-time', description: 'ISO 8601 in UTC, whole seconds (`2020-06-09T07:41:50Z`).' }),
    status_code: nullable(Type.Integer(), 'Null when no response came.'),
    latency_ms: Type.Integer(),
    error: nullable(Type.String()),
    response_excerpt: nullable(Type.String()),
    simulated: SimulatedFaults,
  },
  { $id: 'WebhookAttempt' },
);
