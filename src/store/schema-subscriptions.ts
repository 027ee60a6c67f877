import type { ColumnType } from 'kysely';
import type { SubscriptionCustomerSnapshot, SubscriptionPeriod, SubscriptionStatus } from '../model/subscription';
import type { Timestamp } from './column-types';

type Json<T> = ColumnType<T, string, string>;

/** The subscriptions table (migration 0017), for Kysely; schema.ts lists it with the rest. */
export interface SubscriptionsTable {
  id: string;
  merchant_id: string;
  customer_id: string;
  customer: Json<SubscriptionCustomerSnapshot>;
  status: SubscriptionStatus;
  amount: number;
  currency: string;
  period: SubscriptionPeriod;
  day: number;
  cycle: ColumnType<number, number | undefined, number>;
  next_capture_at: Timestamp;
  retry_count: ColumnType<number, number | undefined, number>;
  retry_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  payments: Json<string[]>;
  metadata: Json<Record<string, string>>;
  created_at: Timestamp;
  updated_at: Timestamp;
  ended_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  seq: ColumnType<number, never, never>;
}
