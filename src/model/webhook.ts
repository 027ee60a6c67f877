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
}

export type DeliveryStatus = 'pending' | 'succeeded' | 'failed';

/** One try at delivering an event; status_code is null when no response came. */
export interface DeliveryAttempt {
  attempted_at: string;
  status_code: number | null;
  latency_ms: number;
  error: string | null;
  response_excerpt: string | null;
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
  attempts: DeliveryAttempt[];
}

/** Where an attempt leaves its delivery; the retry policy that decides it is domain/webhook-retry.ts. */
export type AttemptOutcome =
  | { status: 'succeeded' | 'failed'; nextStep: number }
  /** Retry at `nextAttemptAt`, on the merchant's clock (stored in system time). */
  | { status: 'pending'; nextStep: number; nextAttemptAt: Date };
