/** A customer with, optionally, stored payment details for later payments. */
export interface Customer {
  id: string;
  merchant_id: string;
  email: string | null;
  metadata: Record<string, string>;
  /** The stored details' type; null when none are stored. */
  payment_type: string | null;
  /** What the API shows of the stored details (card: type, brand, last four, expiry). */
  source: Record<string, unknown> | null;
  /** Vault envelope of the stored details; never a CVV. */
  secret_details: string | null;
  created_at: Date;
  updated_at: Date;
  /** The `Komoju-Scenario` (decline code) payments with this customer fail with, test mode. */
  scenario: string | null;
}

/** A card saved for one-click payment on the Hosted Page, per merchant and external_customer_id. */
export interface ExternalCustomer {
  id: string;
  merchant_id: string;
  external_customer_id: string;
  payment_type: string;
  /** What the page shows of the card: type, brand, last four digits, month, year. */
  source: Record<string, unknown>;
  /** Vault envelope of the card (never a CVV). */
  secret_details: string;
  created_at: Date;
  updated_at: Date;
}
