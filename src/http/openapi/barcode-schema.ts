import { Type } from '@sinclair/typebox';

/**
 * GET /barcodes/:payment_id's answer (src/wire/barcode.ts), for the OpenAPI document: KOMOJU's
 * ShowBarcodeResponse, one of BarcodePendingResponse and BarcodeReadyResponse by `status`.
 * Listed in COMPONENTS of ./schemas.ts; a file of its own because schemas.ts is at its size limit.
 */
const BarcodePending = Type.Object(
  {
    status: Type.Literal('pending', { description: 'Barcode generation is pending.' }),
    retry_after: Type.Integer({ minimum: 1, description: 'Seconds to wait before asking again.' }),
  },
  { additionalProperties: false, description: 'The first request for a payment\'s barcode starts its generation.' },
);

const BarcodeReady = Type.Object(
  {
    status: Type.Literal('ready', { description: 'The barcode is available.' }),
    expires_at: Type.String({
      format: 'date-time',
      description: 'The barcode cannot be used for payment after this time: 10 minutes after it was issued, never past the payment deadline.',
    }),
    image: Type.String({
      description: 'Base64-encoded PNG image (750×150 pixels) as a `data:image/png;base64,` URL, usable as the `src` of an `<img>`. A GS1-128 symbol (AI 91).',
    }),
  },
  { additionalProperties: false },
);

export const ShowBarcodeResponse = Type.Union([BarcodePending, BarcodeReady], { $id: 'ShowBarcodeResponse' });
