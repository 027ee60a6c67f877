/**
 * A test-mode merchant's test data (its ledger too: balance transactions, settlements, disbursements): what `POST /api/v1/test_helpers/reset`, `kessai reset` and the
 * dashboard's "Delete test data" remove, kind by kind, in the order they are reported. Keys,
 * webhook endpoints, dashboard users and settings are not test data: they stay.
 */
export const TEST_DATA_KINDS = [
  'payments',
  'refunds',
  'refund_requests',
  'sessions',
  'chargebacks',
  'tokens',
  'secure_tokens',
  'customers',
  'external_customers',
  'subscriptions',
  'events',
  'webhook_deliveries',
  'mails',
  'idempotency_keys',
  'balance_transactions',
  'settlements',
  'disbursements',
] as const;

export type TestDataKind = (typeof TEST_DATA_KINDS)[number];

/** Rows per kind (a delivery's attempts go with it and are not counted apart). */
export type TestDataCounts = Record<TestDataKind, number>;

/** What a reset removed, and the merchant's clock after it (back at real time; a seeded merchant's at FROZEN_EPOCH). */
export interface TestDataReset {
  removed: TestDataCounts;
  clock: { now: Date; offsetMs: number };
}
