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
  /**
   * Set: the merchant is seeded — its ids and codes come from this seed and its clock starts at
   * FROZEN_EPOCH (docs/testing.md, "Determinism"). Null: random ids, real time.
   */
  seed: number | null;
}

export type ApiKeyKind = 'secret' | 'publishable';
