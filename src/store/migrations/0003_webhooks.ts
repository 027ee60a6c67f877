import { sql, type Kysely } from 'kysely';

/**
 * Webhooks: endpoints, the outbox (one delivery row per event and endpoint, written in the
 * event's transaction) and every attempt made to deliver it.
 *
 * A delivery is `pending` until an attempt gets a 2xx (`succeeded`) or the retry schedule runs out
 * (`failed`). `next_attempt_at` is when it falls due in system time, so the claim query can use
 * its index as a bound; moving a merchant's test clock moves its pending deliveries' times back
 * by as much, which makes retries due as the merchant's time passes them. A worker claims a row
 * until `claimed_until` (system time, untouched by test clocks): a process that dies
 * mid-attempt leaves the row to be claimed again then. `body` is stored with the first attempt
 * and never changed: retries and redeliveries send the same bytes.
 *
 * A statement that inserts deliveries NOTIFYs `kessai_webhooks` (payload: the schema) at commit,
 * so workers in every process wake at once instead of at their next poll.
 */
export async function up(db: Kysely<any>): Promise<void> {
  // One statement per call: PGlite's extended protocol runs a single statement at a time.
  for (const statement of STATEMENTS) await sql.raw(statement).execute(db);
}

const STATEMENTS = [
  `CREATE TABLE webhook_endpoints (
    id text PRIMARY KEY,
    merchant_id text NOT NULL REFERENCES merchants(id),
    url text NOT NULL,
    secret_token text NOT NULL,
    events text[] NOT NULL DEFAULT '{}',
    active boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    seq bigint GENERATED ALWAYS AS IDENTITY
  )`,
  `CREATE INDEX webhook_endpoints_merchant ON webhook_endpoints (merchant_id, created_at, seq)`,
  `CREATE TABLE webhook_deliveries (
    id text PRIMARY KEY,
    merchant_id text NOT NULL REFERENCES merchants(id),
    endpoint_id text NOT NULL REFERENCES webhook_endpoints(id) ON DELETE CASCADE,
    event_id text NOT NULL REFERENCES events(id),
    status text NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
    next_step integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz,
    claimed_until timestamptz,
    body text,
    delivered_at timestamptz,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    seq bigint GENERATED ALWAYS AS IDENTITY,
    UNIQUE (event_id, endpoint_id),
    CONSTRAINT due_when_pending CHECK ((status = 'pending') = (next_attempt_at IS NOT NULL))
  )`,
  `CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending'`,
  `CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, created_at DESC, seq DESC)`,
  `CREATE TABLE webhook_attempts (
    delivery_id text NOT NULL REFERENCES webhook_deliveries(id) ON DELETE CASCADE,
    attempted_at timestamptz NOT NULL,
    status_code integer,
    latency_ms integer NOT NULL,
    error text,
    response_excerpt text,
    seq bigint GENERATED ALWAYS AS IDENTITY,
    PRIMARY KEY (delivery_id, seq)
  )`,
  // GET /api/v1/events/stream reads a merchant's events in seq order.
  `CREATE INDEX events_merchant_seq ON events (merchant_id, seq)`,
  `CREATE FUNCTION kessai_notify_webhooks() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    IF EXISTS (SELECT 1 FROM added) THEN
      PERFORM pg_notify('kessai_webhooks', current_schema());
    END IF;
    RETURN NULL;
  END
  $$`,
  `CREATE TRIGGER webhook_deliveries_notify AFTER INSERT ON webhook_deliveries
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION kessai_notify_webhooks()`,
];

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE webhook_attempts, webhook_deliveries, webhook_endpoints`.execute(db);
  await sql`DROP FUNCTION kessai_notify_webhooks()`.execute(db);
  await sql`DROP INDEX events_merchant_seq`.execute(db);
}
