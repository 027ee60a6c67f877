import type { DeclineCode } from '../kernel/errors';
import { randomAlphanumeric } from '../lib/random';
import type { CardAuthorization, DisputePlan, PrepaidRedemption, PrepaidResult, Processor, ProcessorResult } from './processor';

/**
 * KOMOJU's test cards and their outcomes (v1 API reference, "Test Cards"). Both documented
 * "invalid card" numbers are honoured: the reference's …067 and the test-card page's …075.
 * Every other card that passed validation is approved, as in KOMOJU's test mode.
 */
export const TEST_CARD_DECLINES: Readonly<Record<string, DeclineCode>> = {
  '4123111111111000': 'insufficient_funds',
  '4123111111111018': 'exceeds_limit',
  '4123111111111034': 'bad_verification_value',
  '4123111111111042': 'card_expired',
  '4123111111111059': 'card_declined',
  '4123111111111067': 'other_invalid',
  '4123111111111075': 'other_invalid',
};

/** The five brand cards the reference lists as succeeding. */
export const TEST_CARDS_APPROVED = {
  jcb: '3530111333300000',
  american_express: '378282246310005',
  visa: '4111111111111111',
  master: '5555555555554444',
  diners_club: '30569309025904',
} as const;

/** The days after capture, on the merchant's clock, that a dispute card's holder disputes the payment. */
export const DISPUTE_DELAY_DAYS = 3;

const disputeAfterCapture = (reasonCode: string, outcome: DisputePlan['outcome']): DisputePlan => ({
  reasonCode,
  delaySeconds: DISPUTE_DELAY_DAYS * 86_400,
  outcome,
});

/**
 * Cards that are approved and later disputed (KOMOJU documents none; the numbers are Stripe's
 * dispute cards, so a shop's tests read the same). KOMOJU's chargeback has no separate inquiry:
 * each opens a `pending` chargeback request; the fraud card's defense is decided by the test
 * helper, the other two decide it themselves when the merchant defends.
 */
export const TEST_CARD_DISPUTES: Readonly<Record<string, DisputePlan>> = {
  '4000000000000259': disputeAfterCapture('CB_Fraud', null),
  '4000000000001976': disputeAfterCapture('CB_ProductNotReceived', 'won'),
  '4000000000002685': disputeAfterCapture('CB_ProductNotAsDescribed', 'lost'),
};

/** Balance of every prepaid card and voucher that is not a documented failure number (yen). */
export const TEST_PREPAID_BALANCE = 2000;

/**
 * Documented prepaid failure numbers. WebMoney: …112 invalid, …113 already used, …114 declined
 * for an unknown reason; BitCash: …112 invalid, …113 declined. Other issuers document only the
 * 2,000-yen card, so they share WebMoney's table.
 */
const PREPAID_DECLINES: Readonly<Record<string, Readonly<Record<string, DeclineCode>>>> = {
  default: {
    e111111111111112: 'invalid_number',
    e111111111111113: 'used_number',
    e111111111111114: 'card_declined',
  },
  bit_cash: {
    e111111111111112: 'invalid_number',
    e111111111111113: 'card_declined',
  },
};

export function testProcessor(): Processor {
  return {
    async authorizeCard(request: CardAuthorization): Promise<ProcessorResult> {
      const code = TEST_CARD_DECLINES[request.number];
      if (code) return { approved: false, code };
      const dispute = TEST_CARD_DISPUTES[request.number];
      return { approved: true, reference: randomAlphanumeric(16), ...(dispute && { dispute }) };
    },
    async redeemPrepaid(request: PrepaidRedemption): Promise<PrepaidResult> {
      const code = (PREPAID_DECLINES[request.type] ?? PREPAID_DECLINES.default)[request.number.toLowerCase()];
      if (code) return { approved: false, code };
      if (request.partial === false && request.amount > TEST_PREPAID_BALANCE) return { approved: false, code: 'insufficient_funds' };
      return { approved: true, redeemed: Math.min(request.amount, TEST_PREPAID_BALANCE), reference: randomAlphanumeric(16) };
    },
  };
}
