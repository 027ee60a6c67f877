import type { Timestamp } from './column-types';

/** An EMV payment's final chip decision, once its terminal sent it (migration 0021_payment_finalizations). */
export interface PaymentFinalizationsTable {
  payment_id: string;
  ac_type: 'tc' | 'aac' | 'fault';
  finalized_at: Timestamp;
}
