import type { Payment } from './payment';

export type SessionMode = 'payment' | 'customer' | 'customer_payment';
/** The stored states; `expired` is derived from expires_at when shown (domain/sessions/state.ts). */
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
  /** The order's lines as given (null when none were; rows older than migration 0016 too). */
  line_items: LineItem[] | null;
}

/** One line of a session's order (SDK LineItem): every field optional; `quantity` defaults to 1 when shown. */
export interface LineItem {
  amount?: number;
  description?: string;
  quantity?: number;
  image?: string;
  external_product_num?: string;
}

/** One entry of a session's `payment_methods` (spec §6.3): the method's amount and currency, converted when they differ. */
export interface SessionMethodEntry {
  type: string;
  /** Cards: brand slugs. Konbini: store slug → `{icon}`, the logo's path on this server. */
  brands?: readonly string[] | Record<string, { icon: string }>;
  /** Absent in customer mode. */
  amount?: number | null;
  currency: string;
  exchange_rate: number;
  customer_fee: number;
  offsite: boolean;
  additional_fields: string[];
}

/**
 * A session as the API shows it, with what the domain derives for it (domain/sessions/view.ts):
 * its payment, whether it has expired at the moment shown, the methods it offers, its page.
 */
export interface ShownSession {
  session: Session;
  /** The merchant's display name (`merchant.name`). */
  merchantName: string;
  payment: Payment | null;
  /** The hosted page (`session_url`). */
  url: string;
  expired: boolean;
  methods: SessionMethodEntry[];
}
