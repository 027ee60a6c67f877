import type { Db } from '../../store/db';
import type { DeclineCode } from '../../kernel/errors';
import type { Customer } from '../../model/customer';
import type { Session } from '../../model/session';
import type { Actor, Services } from '../context';
import type { Locale } from '../payments';
import type { SessionDetails } from './details';
import type { SessionView } from './view';

export interface PaySessionInput {
  /**
   * A details hash, or a token (`tok_…`). One-click: `{type: "credit_card", external_customer_id}`
   * (the session's own id) pays with the card saved for it.
   */
  payment_details: Record<string, unknown> | string;
  capture?: 'auto' | 'manual';
  fraud_details?: Record<string, string>;
  customer_email?: string;
  /** The customer ticked "save this card" (needs the session's external_customer_id). */
  save_card?: boolean;
  /** Language of the pages the customer is sent to (3-D Secure). */
  locale?: Locale;
}

/** What paying a session did: the session after it, the payment, where the browser goes next. */
export interface PaySessionOutcome extends SessionView {
  decline?: DeclineCode;
  redirectUrl: string | null;
  /** Customer modes: the customer now holding the details. */
  customer?: Customer;
  /** The payment is the session's earlier one, continued (a prepaid card short of its total), not a new one. */
  continued?: true;
}

/** One payment of a session under way: the session (locked), the request, its details read once. */
export interface Paying {
  trx: Db;
  services: Services;
  actor: Actor;
  session: Session;
  input: PaySessionInput;
  details: SessionDetails;
  /** The merchant's clock, read after the session's lock. */
  now: Date;
}
