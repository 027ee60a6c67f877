export type VerificationStatus = 'NEEDS_VERIFY' | 'OK' | 'SKIPPED' | 'ERRORED';
export type TokenKind = 'token' | 'secure_token';

/** One-time payment details (POST /tokens) or a 3-D Secure token (POST /secure_tokens). */
export interface Token {
  id: string;
  merchant_id: string;
  kind: TokenKind;
  payment_type: string;
  /** What the API shows of the details (contact fields only). */
  payment_details: Record<string, unknown>;
  /** Vault envelope of the full details, CVV included; null once the token is used or expired. */
  secret_details: string | null;
  /** Payments made with the token must be in this currency (secure tokens: always set). */
  currency: string | null;
  /** Secure tokens: the amount the customer authenticated. */
  amount: number | null;
  /** Secure tokens made from a customer's stored card. */
  customer_id: string | null;
  return_url: string | null;
  verification_status: VerificationStatus | null;
  created_at: Date;
  expires_at: Date;
  used_at: Date | null;
}
