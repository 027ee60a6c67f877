/** Where a merchant receives events. */
export interface WebhookEndpoint {
  id: string;
  merchant_id: string;
  url: string;
  secret_token: string;
  /** Event types delivered; empty means every type. */
  events: string[];
  active: boolean;
  created_at: Date;
  updated_at: Date;
  seq: number;
  /** Simulated receiver faults (test mode); null: none. */
  simulate: WebhookSimulation | null;
}

/**
 * Receiver faults an endpoint simulates, test mode (docs/webhooks.md "Simulated receiver
 * faults"): every attempt sent twice; deliveries held for a window then sent shuffled; held N
 * seconds; signed with a wrong secret; sent as text/plain.
 */
export interface WebhookSimulation {
  duplicate: boolean;
  out_of_order: { window_seconds: number } | null;
  delay_seconds: number;
  bad_signature: boolean;
  wrong_content_type: boolean;
}

/** What an endpoint that simulates no fault shows. */
export const NO_SIMULATION: Readonly<WebhookSimulation> = Object.freeze({
  duplicate: false,
  out_of_order: null,
  delay_seconds: 0,
  bad_signature: false,
  wrong_content_type: false,
});

/** A fault done on purpose, as the delivery log names it. */
export type SimulatedFault = 'duplicate' | 'out_of_order' | 'delay' | 'bad_signature' | 'wrong_content_type';

export type DeliveryStatus = 'pending' | 'succeeded' | 'failed';

/** One try at delivering an event; status_code is null when no response came. */
export interface DeliveryAttempt {
  attempted_at: string;
  status_code: number | null;
  latency_ms: number;
  error: string | null;
  response_excerpt: string | null;
  /** Faults applied to this request on purpose. */
  simulated: SimulatedFault[];
}

/** An event on its way to one endpoint, with its attempts, oldest first. */
export interface WebhookDelivery {
  id: string;
  endpoint_id: string;
  event_id: string;
  event_type: string;
  status: DeliveryStatus;
  /** When it falls due; null once it succeeded or failed. */
  next_attempt_at: Date | null;
  delivered_at: Date | null;
  created_at: Date;
  /** Faults that held it on purpose (`delay`, `out_of_order`). */
  simulated: SimulatedFault[];
  attempts: DeliveryAttempt[];
}

/** Where an attempt leaves its delivery; the retry policy that decides it is domain/webhook-retry.ts. */
export type AttemptOutcome =
  | { status: 'succeeded' | 'failed'; nextStep: number }
  /** Retry at `nextAttemptAt`, on the merchant's clock (stored in system time). */
  | { status: 'pending'; nextStep: number; nextAttemptAt: Date };
