import type { ColumnType } from 'kysely';
import type { Timestamp } from './column-types';
import type { ChargebackDefense, ChargebackPaymentSummary, ChargebackStatus, ChargebackTimelineEntry } from '../model/chargeback';

// The chargeback tables (migration 0019), for Kysely; the Database interface in schema.ts lists
// them with the rest, and its SchemaMatchesModel holds them to the model's nouns.

type Json<T> = ColumnType<T, string, string>;

export interface ChargebacksTable {
  id: string;
  merchant_id: string;
  payment_id: string;
  amount: number;
  currency: string;
  status: ChargebackStatus;
  reason_code: string;
  reason: string;
  due_date: Timestamp;
  timeline: Json<ChargebackTimelineEntry[]>;
  payment: Json<ChargebackPaymentSummary>;
  customer: Json<{ name: string | null; email: string | null }>;
  defense: Json<ChargebackDefense | null>;
  debited_at: Timestamp | null;
  credited_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  seq: ColumnType<number, never, never>;
}

export interface ChargebackDocumentsTable {
  id: string;
  merchant_id: string;
  chargeback_id: string;
  file_name: string;
  content_type: string;
  file_size: number;
  content: string;
  signing_key: string;
  uploaded_at: Timestamp;
  seq: ColumnType<number, never, never>;
}

export interface PlannedChargebacksTable {
  payment_id: string;
  merchant_id: string;
  reason_code: string;
  delay_seconds: number;
  outcome: 'won' | 'lost' | null;
  opened_at: Timestamp | null;
}
