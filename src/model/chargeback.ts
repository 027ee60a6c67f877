/**
 * A chargeback request: the card holder disputed a captured card payment with their issuer. Which
 * action leads from one status to another is domain/chargeback-state.ts's table.
 */
export type ChargebackStatus = 'pending' | 'accepted' | 'cancelled' | 'expired' | 'defended' | 'lost';

export const CHARGEBACK_STATUSES: readonly ChargebackStatus[] = ['pending', 'accepted', 'cancelled', 'expired', 'defended', 'lost'];

/** One step of the dispute (`created`, `accepted`, `defended`, `won`, `lost`, `expired`), oldest first. */
export interface ChargebackTimelineEntry {
  type: string;
  /** ISO 8601, as written into the JSON column. */
  occurred_at: string;
}

/** The disputed payment as it stood when the dispute opened (ChargebackPayment of the SDK). */
export interface ChargebackPaymentSummary {
  id: string;
  amount: number;
  currency: string;
  created_at: string;
  captured_at: string | null;
  payment_method: { type: string; brand: string | null; last_four_digits: string | null };
  masked_card_number: string | null;
}

/** The merchant's defense as stored (documents are listed without their bytes). */
export interface ChargebackDefense {
  product_name: string | null;
  reason: string;
  shipping_info: {
    company_name: string | null;
    shipping_date: string | null;
    tracking_number: string | null;
    shipping_address: string | null;
  };
  recipient_info: { name: string | null; phone: string | null; email: string | null };
}

export interface Chargeback {
  id: string;
  merchant_id: string;
  payment_id: string;
  /** The disputed amount, in the payment's currency's minor units. */
  amount: number;
  currency: string;
  status: ChargebackStatus;
  reason_code: string;
  reason: string;
  due_date: Date;
  timeline: ChargebackTimelineEntry[];
  payment: ChargebackPaymentSummary;
  customer: { name: string | null; email: string | null };
  defense: ChargebackDefense | null;
  /** When the disputed amount left the merchant's money (accepted, defended, expired), or null. */
  debited_at: Date | null;
  /** When it came back (a defended dispute won), or null. */
  credited_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

/** A supporting document of a defense: its bytes stay in the database, the API shows a signed URL. */
export interface ChargebackDocument {
  id: string;
  merchant_id: string;
  chargeback_id: string;
  file_name: string;
  content_type: string;
  file_size: number;
  /** The file, base64. */
  content: string;
  /** Random key the document's download URLs are signed with (HMAC-SHA256); never shown. */
  signing_key: string;
  uploaded_at: Date;
}

/** A test card's dispute to come on a payment (migrations/0023_planned_chargebacks.ts). */
export interface PlannedChargeback {
  payment_id: string;
  merchant_id: string;
  reason_code: string;
  /** How long after the payment's capture, on the merchant's clock, the card holder disputes it. */
  delay_seconds: number;
  /** How the issuer decides a defense: null leaves it to the test helper. */
  outcome: 'won' | 'lost' | null;
  /** When the chargeback was opened (merchant time), or null while it waits. */
  opened_at: Date | null;
}
