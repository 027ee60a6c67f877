import type { DeclineCode } from '../kernel/errors';

/**
 * The upstream edge: where a real gateway would call a card network or a prepaid issuer. Today
 * the only implementation is the test processor, which follows KOMOJU's documented test numbers.
 */
export interface CardAuthorization {
  number: string;
  month: number;
  year: number;
  verificationValue: string | null;
  amount: number;
  currency: string;
}

/**
 * A dispute the card holder will open on an approved payment (a test card's plan): `delaySeconds`
 * after its capture on the merchant's clock, for `reasonCode`; `outcome` is how the issuer decides
 * a defense (null: a test helper decides it).
 */
export interface DisputePlan {
  reasonCode: string;
  delaySeconds: number;
  outcome: 'won' | 'lost' | null;
}

export type ProcessorResult = { approved: true; reference: string; dispute?: DisputePlan } | { approved: false; code: DeclineCode };

/** Spending from a prepaid card or voucher: as much of `amount` as its balance covers. */
export interface PrepaidRedemption {
  /** The payment type (web_money, bit_cash, culture_voucher …): issuers differ. */
  type: string;
  number: string;
  /** Voucher / account password where the method has one. */
  password: string | null;
  amount: number;
  currency: string;
  /**
   * true (the default): spend what the balance covers, up to `amount` (WebMoney, NET CASH: the
   * customer adds another card for the rest). false: all or nothing — a balance short of `amount`
   * is declined with `insufficient_funds` and nothing is spent (BitCash, vouchers).
   */
  partial?: boolean;
}

export type PrepaidResult = { approved: true; redeemed: number; reference: string } | { approved: false; code: DeclineCode };

export interface Processor {
  authorizeCard(request: CardAuthorization): Promise<ProcessorResult>;
  redeemPrepaid(request: PrepaidRedemption): Promise<PrepaidResult>;
}
