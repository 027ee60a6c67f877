import { Type } from '@sinclair/typebox';

/**
 * The test helpers' own answers (src/wire/test-data.ts), components of ./schemas.ts's COMPONENTS;
 * a file of their own because schemas.ts is at its size limit.
 */

const Timestamp = Type.String({ format: 'date-time', description: 'ISO 8601 in UTC, whole seconds (`2020-06-09T07:41:50Z`).' });

export const TestClock = Type.Object(
  {
    resource: Type.Literal('test_clock'),
    now: Timestamp,
    offset_seconds: Type.Integer({ description: "How far this merchant's clock is ahead of the system's." }),
    expired_payments: Type.Optional(Type.Integer({ description: 'After an advance: how many payments expired.' })),
  },
  { $id: 'TestClock' },
);

/** A count of one kind of test data deleted. */
const removed = (what: string) => Type.Integer({ minimum: 0, description: `${what} deleted.` });

/** What POST /api/v1/test_helpers/reset answers (wire/test-data.ts serializeTestDataReset). */
export const TestDataReset = Type.Object(
  {
    resource: Type.Literal('test_data_reset'),
    payments: removed('Payments'),
    refunds: removed("The payments' refunds"),
    refund_requests: removed("The payments' refund requests"),
    sessions: removed('Sessions'),
    chargebacks: removed('Chargeback requests (with their defenses’ documents)'),
    tokens: removed('Tokens'),
    secure_tokens: removed('Secure tokens'),
    customers: removed('Customers'),
    external_customers: removed('Saved cards of the Hosted Page (external customers)'),
    subscriptions: removed('Subscriptions'),
    events: removed('Events'),
    webhook_deliveries: removed('Webhook deliveries (with their attempts)'),
    mails: removed('E-mails in the mail outbox'),
    idempotency_keys: removed('Idempotency records'),
    balance_transactions: removed('Balance transactions (the ledger)'),
    settlements: removed('Settlements'),
    disbursements: removed('Disbursements'),
    // ./schemas.ts's ref('TestClock'), written out: importing it would make the two files a cycle.
    clock: Type.Unsafe({ $ref: 'TestClock#' }),
  },
  { $id: 'TestDataReset', description: "What POST /api/v1/test_helpers/reset deleted, and the merchant's clock after it (back at real time; for a seeded merchant, at 2029-12-31T15:00:00Z with its id sequence started over)." },
);
