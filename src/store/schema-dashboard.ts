import type { ColumnType, Selectable } from 'kysely';
import type { Timestamp } from './column-types';

// The dashboard's tables (migration 0007) and the API request log, for Kysely; the Database
// interface in schema.ts lists them with the rest.

export interface DashboardUsersTable {
  id: string;
  merchant_id: string;
  email: string;
  /** `scrypt$N$r$p$salt$hash`, base64url parts. */
  password_hash: string;
  created_at: Timestamp;
}

export interface DashboardSessionsTable {
  /** SHA-256 (hex) of the cookie's token; the token itself is never stored. */
  token_hash: string;
  merchant_id: string;
  /** Null for a session opened with a one-time sign-in link. */
  user_id: string | null;
  created_at: Timestamp;
  expires_at: Timestamp;
}

export interface DashboardLoginLinksTable {
  token_hash: string;
  merchant_id: string;
  created_at: Timestamp;
  expires_at: Timestamp;
  used_at: Timestamp | null;
}

export interface DashboardLoginFailuresTable {
  /** SHA-256 of `email \n client address`. */
  key_hash: string;
  attempted_at: Timestamp;
}

export interface RequestLogTable {
  merchant_id: string;
  method: string;
  path: string;
  status_code: number;
  latency_ms: number;
  idempotency_key: string | null;
  request_id: string;
  created_at: Timestamp;
  seq: ColumnType<number, never, never>;
}

export type DashboardUserRow = Selectable<DashboardUsersTable>;
export type DashboardSessionRow = Selectable<DashboardSessionsTable>;
export type RequestLogRow = Selectable<RequestLogTable>;
