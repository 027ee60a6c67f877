export type MerchantMode = 'test' | 'live';

/** A merchant: whose keys, payments and settings they are. */
export interface Merchant {
  id: string;
  name: string;
  mode: MerchantMode;
  /** How far the merchant's test clock runs ahead of real time. */
  clock_offset_ms: number;
  /** Payment types the merchant accepts; null means every registered method. */
  payment_types: string[] | null;
  created_at: Date;
}

export type ApiKeyKind = 'secret' | 'publishable';
