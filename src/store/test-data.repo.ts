import { sql } from 'kysely';
import type { Db } from './db';
import type { TestDataCounts } from '../model/test-data';

/**
 * Deletes every row of the merchant's test data in ONE statement (data-modifying CTEs: one round
 * trip, one snapshot) and counts them per kind. A chargeback's documents go with it (not counted apart). Foreign keys between the tables (a delivery's
 * event, a refund's payment, a session's payment) are checked at the end of the statement, when
 * both sides are gone. A delivery's attempts go with it (ON DELETE CASCADE). Deliveries and
 * refunds are found through their endpoints and payments, whose indexes lead with the merchant.
 */
export async function deleteMerchantTestData(db: Db, merchantId: string): Promise<TestDataCounts> {
  const { rows } = await sql<TestDataCounts>`
    WITH deliveries AS (
      DELETE FROM webhook_deliveries
      WHERE merchant_id = ${merchantId} AND endpoint_id IN (SELECT id FROM webhook_endpoints WHERE merchant_id = ${merchantId})
      RETURNING 1
    ),
    events AS (DELETE FROM events WHERE merchant_id = ${merchantId} RETURNING 1),
    refunds AS (
      DELETE FROM refunds
      WHERE merchant_id = ${merchantId} AND payment_id IN (SELECT id FROM payments WHERE merchant_id = ${merchantId})
      RETURNING 1
    ),
    refund_requests AS (
      DELETE FROM refund_requests
      WHERE merchant_id = ${merchantId} AND payment_id IN (SELECT id FROM payments WHERE merchant_id = ${merchantId})
      RETURNING 1
    ),
    sessions AS (DELETE FROM sessions WHERE merchant_id = ${merchantId} RETURNING 1),
    chargeback_documents AS (DELETE FROM chargeback_documents WHERE merchant_id = ${merchantId} RETURNING 1),
    chargebacks AS (DELETE FROM chargebacks WHERE merchant_id = ${merchantId} RETURNING 1),
    -- A test card's dispute to come is part of its payment (not counted apart).
    planned_chargebacks AS (DELETE FROM planned_chargebacks WHERE merchant_id = ${merchantId} RETURNING 1),
    -- Konbini barcodes are part of their payments (not counted apart); a data-modifying CTE runs
    -- whether or not the query reads it.
    barcodes AS (DELETE FROM barcodes WHERE merchant_id = ${merchantId} RETURNING 1),
    payments AS (DELETE FROM payments WHERE merchant_id = ${merchantId} RETURNING 1),
    tokens AS (DELETE FROM tokens WHERE merchant_id = ${merchantId} RETURNING kind),
    customers AS (DELETE FROM customers WHERE merchant_id = ${merchantId} RETURNING 1),
    external_customers AS (DELETE FROM external_customers WHERE merchant_id = ${merchantId} RETURNING 1),
    subscriptions AS (DELETE FROM subscriptions WHERE merchant_id = ${merchantId} RETURNING 1),
    mails AS (DELETE FROM mails WHERE merchant_id = ${merchantId} RETURNING 1),
    idempotency_keys AS (DELETE FROM idempotency_keys WHERE merchant_id = ${merchantId} RETURNING 1),
    balance_transactions AS (DELETE FROM balance_transactions WHERE merchant_id = ${merchantId} RETURNING 1),
    settlements AS (DELETE FROM settlements WHERE merchant_id = ${merchantId} RETURNING 1),
    disbursements AS (DELETE FROM disbursements WHERE merchant_id = ${merchantId} RETURNING 1)
    SELECT
      (SELECT count(*) FROM payments)::int AS payments,
      (SELECT count(*) FROM refunds)::int AS refunds,
      (SELECT count(*) FROM refund_requests)::int AS refund_requests,
      (SELECT count(*) FROM sessions)::int AS sessions,
      (SELECT count(*) FROM chargebacks)::int AS chargebacks,
      (SELECT count(*) FROM tokens WHERE kind = 'token')::int AS tokens,
      (SELECT count(*) FROM tokens WHERE kind = 'secure_token')::int AS secure_tokens,
      (SELECT count(*) FROM customers)::int AS customers,
      (SELECT count(*) FROM external_customers)::int AS external_customers,
      (SELECT count(*) FROM subscriptions)::int AS subscriptions,
      (SELECT count(*) FROM events)::int AS events,
      (SELECT count(*) FROM deliveries)::int AS webhook_deliveries,
      (SELECT count(*) FROM mails)::int AS mails,
      (SELECT count(*) FROM idempotency_keys)::int AS idempotency_keys,
      (SELECT count(*) FROM balance_transactions)::int AS balance_transactions,
      (SELECT count(*) FROM settlements)::int AS settlements,
      (SELECT count(*) FROM disbursements)::int AS disbursements`.execute(db);
  return rows[0];
}

/** How many rows of each kind of test data the merchant has, in one statement (one snapshot). */
export async function countMerchantTestData(db: Db, merchantId: string): Promise<TestDataCounts> {
  const { rows } = await sql<TestDataCounts>`
    SELECT
      (SELECT count(*) FROM payments WHERE merchant_id = ${merchantId})::int AS payments,
      (SELECT count(*) FROM refunds WHERE payment_id IN (SELECT id FROM payments WHERE merchant_id = ${merchantId}))::int AS refunds,
      (SELECT count(*) FROM refund_requests WHERE payment_id IN (SELECT id FROM payments WHERE merchant_id = ${merchantId}))::int AS refund_requests,
      (SELECT count(*) FROM sessions WHERE merchant_id = ${merchantId})::int AS sessions,
      (SELECT count(*) FROM chargebacks WHERE merchant_id = ${merchantId})::int AS chargebacks,
      (SELECT count(*) FROM tokens WHERE merchant_id = ${merchantId} AND kind = 'token')::int AS tokens,
      (SELECT count(*) FROM tokens WHERE merchant_id = ${merchantId} AND kind = 'secure_token')::int AS secure_tokens,
      (SELECT count(*) FROM customers WHERE merchant_id = ${merchantId})::int AS customers,
      (SELECT count(*) FROM external_customers WHERE merchant_id = ${merchantId})::int AS external_customers,
      (SELECT count(*) FROM subscriptions WHERE merchant_id = ${merchantId})::int AS subscriptions,
      (SELECT count(*) FROM events WHERE merchant_id = ${merchantId})::int AS events,
      (SELECT count(*) FROM webhook_deliveries WHERE endpoint_id IN (SELECT id FROM webhook_endpoints WHERE merchant_id = ${merchantId}))::int AS webhook_deliveries,
      (SELECT count(*) FROM mails WHERE merchant_id = ${merchantId})::int AS mails,
      (SELECT count(*) FROM idempotency_keys WHERE merchant_id = ${merchantId})::int AS idempotency_keys,
      (SELECT count(*) FROM balance_transactions WHERE merchant_id = ${merchantId})::int AS balance_transactions,
      (SELECT count(*) FROM settlements WHERE merchant_id = ${merchantId})::int AS settlements,
      (SELECT count(*) FROM disbursements WHERE merchant_id = ${merchantId})::int AS disbursements`.execute(db);
  return rows[0];
}
