export type SessionMode = 'payment' | 'customer' | 'customer_payment';
/** The stored states; `expired` is derived from expires_at when shown (domain/session-state.ts). */
export type SessionStatus = 'pending' | 'completed' | 'cancelled';

/** A Hosted Page session. */
export interface Session {
  id: string;
  merchant_id: string;
  mode: SessionMode;
  status: SessionStatus;
  /** Minor units; null in `customer` mode (docs/decisions.md #18). */
  amount: number | null;
  currency: string;
  return_url: string | null;
  default_locale: string;
  payment_types: string[];
  payment_data: Record<string, unknown>;
  metadata: Record<string, string>;
  email: string | null;
  external_customer_id: string | null;
  customer_id: string | null;
  payment_id: string | null;
  expires_at: Date;
  created_at: Date;
  completed_at: Date | null;
  cancelled_at: Date | null;
  updated_at: Date;
  /** Rates fixed at creation for converted offers: currency → units per 1 session currency. */
  exchange_rates: Record<string, number> | null;
  /** The `Komoju-Scenario` (decline code) its payments fail with, test mode. */
  scenario: string | null;
}
