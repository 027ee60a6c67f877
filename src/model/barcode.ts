/**
 * The barcode of a konbini payment (GET /barcodes/:payment_id): one row per payment, reissued in
 * place when the one shown expires. `number` is null while the first one is being generated.
 */
export interface Barcode {
  payment_id: string;
  merchant_id: string;
  /** How many barcodes the payment has had: 0 while the first is being generated. */
  serial: number;
  /** The digits the barcode encodes (GS1-128, application identifier 91); null while pending. */
  number: string | null;
  issued_at: Date | null;
  /** After this the barcode cannot be used for payment, and the next request issues a new one. */
  expires_at: Date | null;
  created_at: Date;
}

/** What GET /barcodes/:payment_id answers: generation under way, or the barcode to show. */
export type ShownBarcode = { status: 'pending'; retry_after: number } | { status: 'ready'; number: string; expires_at: Date };
