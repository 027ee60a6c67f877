/** How often a subscription charges its customer (SDK models/subscription-period.ts). */
export const SUBSCRIPTION_PERIODS = ['weekly', 'monthly', 'yearly'] as const;
export type SubscriptionPeriod = (typeof SUBSCRIPTION_PERIODS)[number];

/**
 * `active`: charging on schedule (also while a declined charge is retried: `retry_at` is set);
 * `suspended`: every retry of a declined charge failed, charging stopped; `cancelled`: deleted
 * (DELETE /subscriptions/:id, or its customer deleted). The last two are final.
 */
export const SUBSCRIPTION_STATUSES = ['active', 'suspended', 'cancelled'] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];

/** What a subscription keeps of its customer, for when the customer is gone (deleted). */
export interface SubscriptionCustomerSnapshot {
  /** The customer's row number (customers.seq): the "internal numeric ID" KOMOJU shows. */
  number: number;
  email: string | null;
  created_at: string;
  updated_at: string;
  /** When the customer was deleted; null while it exists. */
  archived_at: string | null;
  /** The stored card as the API shows it: type, brand, last four digits, month, year. */
  source: Record<string, unknown> | null;
}

/** A recurring charge of a customer's stored card (POST /subscriptions). Immutable but for its billing state. */
export interface Subscription {
  id: string;
  merchant_id: string;
  customer_id: string;
  customer: SubscriptionCustomerSnapshot;
  status: SubscriptionStatus;
  amount: number;
  currency: string;
  period: SubscriptionPeriod;
  /** Day of the period it charges on, in Japan time: weekday 1 (Monday)–7, day of month, day of year. */
  day: number;
  /** Periods charged (or given up on) since creation; the next charge is period `cycle` after created_at. */
  cycle: number;
  next_capture_at: Date;
  /** Retries made of the charge that was declined; 0 when none is being retried. */
  retry_count: number;
  /** When the declined charge is tried again; null when none is being retried. */
  retry_at: Date | null;
  /** The subscription's payments' ids, oldest first. */
  payments: string[];
  metadata: Record<string, string>;
  created_at: Date;
  updated_at: Date;
  ended_at: Date | null;
}
