import type { ShownBarcode } from '../model/barcode';
import { timestamp } from './time';

/**
 * GET /barcodes/:payment_id's answer: `{status: "pending", retry_after}` or `{status: "ready",
 * expires_at, image}` (KOMOJU's ShowBarcodeResponse), `image` being the barcode's PNG as a data
 * URL, so that it is the `src` of an `<img>` as it is.
 */
export function serializeBarcode(shown: ShownBarcode, png: Buffer | null): Record<string, unknown> {
  if (shown.status === 'pending') return { status: 'pending', retry_after: shown.retry_after };
  if (!png) throw new Error('a ready barcode needs its image');
  return { status: 'ready', expires_at: timestamp(shown.expires_at), image: `data:image/png;base64,${png.toString('base64')}` };
}
