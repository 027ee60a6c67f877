/**
 * The 3-D Secure side of the upstream: the card issuer's access control server, which either
 * authenticates the cardholder at once (frictionless) or asks for a challenge (a password page).
 * Today the only one is the test server, which follows KOMOJU's 3-D Secure test cards (test-cards
 * page, "3Dセキュア"): one family per outcome, for Visa, Mastercard and JCB.
 */
export interface CardAuthenticator {
  /** The first answer: authenticated or refused without the customer, or a challenge to show. */
  start(number: string): { flow: 'frictionless'; authenticated: boolean } | { flow: 'challenge' };
  /** The answer to the challenge page's password. */
  challenge(number: string, password: string): boolean;
  /** Whether the card takes part in 3-D Secure: the Hosted Page authenticates it before paying. */
  enrolled(number: string): boolean;
}

export const THREE_D_SECURE_TEST_CARDS = {
  frictionless_success: ['4100000000000100', '5100000000000107', '3528000000000106'],
  challenge_success: ['4100000000005000', '5100000000005007', '3528000000005006'],
  frictionless_failure: ['4100000000500000', '5100000000500007', '3528000000500006'],
  challenge_failure: ['4100000000300005', '5100000000300002', '3528000000300001'],
} as const;

/** The password that passes a challenge card's page; the failure family's is `111111`, which never passes. */
export const TEST_CHALLENGE_PASSWORD = '123456';

const FAMILY = new Map<string, keyof typeof THREE_D_SECURE_TEST_CARDS>(
  Object.entries(THREE_D_SECURE_TEST_CARDS).flatMap(([family, numbers]) => numbers.map((n) => [n, family as keyof typeof THREE_D_SECURE_TEST_CARDS])),
);

/**
 * The test server. Cards outside the four families authenticate frictionlessly, as every other
 * card succeeds in KOMOJU's test mode. A challenge passes only on a success-family card with
 * `123456`; any other password, and any password on a failure-family card, fails it.
 */
export function testCardAuthenticator(): CardAuthenticator {
  return {
    start(number) {
      const family = FAMILY.get(number);
      if (family === 'challenge_success' || family === 'challenge_failure') return { flow: 'challenge' };
      return { flow: 'frictionless', authenticated: family !== 'frictionless_failure' };
    },
    challenge(number, password) {
      return FAMILY.get(number) === 'challenge_success' && password === TEST_CHALLENGE_PASSWORD;
    },
    enrolled(number) {
      return FAMILY.has(number);
    },
  };
}
