import { Type } from '@sinclair/typebox';

/** A count of one kind of test data deleted. */
const removed = (what: string) => Type.Integer({ minimum: 0, description: `${what} deleted.` });

/**
 * What POST /api/v1/test_helpers/reset answers (wire/test-data.ts serializeTestDataReset), a
 * component of ./schemas.ts's COMPONENTS; kept apart so that file stays within its size.
 */
export const TestDataReset = Type.Object(
  {
    resource: Type.Literal('test_data_reset'),
    payments: removed('Payments'),
    refunds: removed("The payments' refunds"),
    refund_requests: removed("The payments' refund requests"),
    sessions: removed('Sessions'),
    tokens: removed('Tokens'),
    secure_tokens: removed('Secure tokens'),
    customers: removed('Customers'),
    external_customers: removed('Saved cards of the Hosted Page (external customers)'),
    events: removed('Events'),
    webhook_deliveries: removed('Webhook deliveries (with their attempts)'),
    idempotency_keys: removed('Idempotency records'),
    // ./schemas.ts's ref('TestClock'), written out: importing it would make the two files a cycle.
    clock: Type.Unsafe({ $ref: 'TestClock#' }),
  },
  { $id: 'TestDataReset', description: "What POST /api/v1/test_helpers/reset deleted, and the merchant's clock after it (back at real time)." },
);
