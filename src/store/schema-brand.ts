import type { Timestamp } from './column-types';

/** A merchant's logo, checked to be an image before it was stored (migrations/0024_merchant_logos.ts). */
export interface MerchantLogosTable {
  merchant_id: string;
  /** sha256 of the bytes, hex: the logo's public address, /logos/<digest>. */
  digest: string;
  content_type: LogoContentType;
  width: number;
  height: number;
  bytes: Uint8Array;
  updated_at: Timestamp;
}

export type LogoContentType = 'image/png' | 'image/jpeg' | 'image/webp';
