import { sql, type Kysely } from 'kysely';

/**
 * The merchant dashboard (`/dashboard`) and what it shows.
 *
 * - `dashboard_users`: people who sign in to one merchant's dashboard. The password is kept as
 *   `scrypt$N$r$p$salt$hash` (node:crypto scrypt, random 16-byte salt), never in clear.
 * - `dashboard_sessions`: a signed-in browser. Only the SHA-256 of the cookie's token is stored,
 *   so a copy of the table signs nobody in. `user_id` is null for a session opened through the
 *   one-time link `kessai serve` prints.
 * - `dashboard_login_links`: those one-time links (hash only; single use, minutes long).
 * - `dashboard_login_failures`: failed sign-ins by SHA-256 of email + client address, to refuse
 *   the sixth within 15 minutes. A table rather than process memory, so every process agrees.
 * - `request_log`: one row per authenticated `/api/v1/*` request (no bodies, no headers), kept
 *   to the last few thousand per merchant by the insert itself (see request-log.repo.ts).
 * - `api_keys.expires_at`: a rolled secret key keeps working until then (the grace period).
 */
export async function up(db: Kysely<any>): Promise<void> {
  // One statement per call: PGlite's extended protocol runs a single statement at a time.
  for (const statement of STATEMENTS) await sql.raw(statement).execute(db);
}

const STATEMENTS = [
  `CREATE TABLE dashboard_users (
    id text PRIMARY KEY,
    merchant_id text NOT NULL REFERENCES merchants(id),
    email text NOT NULL,
    password_hash text NOT NULL,
    created_at timestamptz NOT NULL,
    UNIQUE (merchant_id, email)
  )`,
  `CREATE INDEX dashboard_users_email ON dashboard_users (email)`,
  `CREATE TABLE dashboard_sessions (
    token_hash text PRIMARY KEY,
    merchant_id text NOT NULL REFERENCES merchants(id),
    user_id text REFERENCES dashboard_users(id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL
  )`,
  `CREATE INDEX dashboard_sessions_expiry ON dashboard_sessions (expires_at)`,
  `CREATE TABLE dashboard_login_links (
    token_hash text PRIMARY KEY,
    merchant_id text NOT NULL REFERENCES merchants(id),
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    used_at timestamptz
  )`,
  `CREATE TABLE dashboard_login_failures (
    key_hash text NOT NULL,
    attempted_at timestamptz NOT NULL
  )`,
  `CREATE INDEX dashboard_login_failures_key ON dashboard_login_failures (key_hash, attempted_at)`,
  `CREATE TABLE request_log (
    merchant_id text NOT NULL REFERENCES merchants(id),
    method text NOT NULL,
    path text NOT NULL,
    status_code integer NOT NULL,
    latency_ms integer NOT NULL,
    idempotency_key text,
    request_id text NOT NULL,
    created_at timestamptz NOT NULL,
    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY
  )`,
  `CREATE INDEX request_log_merchant ON request_log (merchant_id, seq DESC)`,
  `ALTER TABLE api_keys ADD COLUMN expires_at timestamptz`,
];

export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE api_keys DROP COLUMN expires_at`.execute(db);
  await sql`DROP TABLE request_log, dashboard_login_failures, dashboard_login_links, dashboard_sessions, dashboard_users`.execute(db);
}
