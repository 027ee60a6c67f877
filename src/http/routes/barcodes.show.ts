import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Services } from '../../domain/context';
import { showBarcode } from '../../domain/barcodes';
import { barcodePng } from '../../lib/barcode-image';
import type { Operation } from '../openapi/operation';
import { jsonResponse, sendStored } from '../reply';
import { serializeBarcode } from '../../wire/barcode';

const Params = Type.Object({ payment_id: Type.String({ minLength: 1, maxLength: 64 }) });
type Params = Static<typeof Params>;

const operation: Operation = {
  summary: 'Show a konbini payment\'s barcode',
  description:
    'KOMOJU\'s "Barcode: Show". For a konbini payment whose `payment_details` has a `barcode_url` (Seven-Eleven, Lawson, ' +
    'FamilyMart, Ministop), while it awaits payment. The first request starts the barcode\'s generation and answers ' +
    '`{"status": "pending", "retry_after": 1}`; later ones answer `{"status": "ready", "expires_at", "image"}`, `image` ' +
    'being a 750×150 PNG (GS1-128) as a `data:image/png;base64,` URL. The same barcode is answered until it expires ' +
    '(10 minutes, never past the payment deadline); the first request after that issues a new one. ' +
    '404 `not_found` for no such payment; 422 `invalid_payment_type` for a payment other than konbini; 422 ' +
    '`unprocessable_entity` for a konbini payment without a barcode (Daily Yamazaki, Seicomart) or no longer awaiting payment.',
  tag: 'Barcodes',
  responses: { 200: 'ShowBarcodeResponse' },
};

/** GET /api/v1/barcodes/:payment_id — a konbini payment's barcode (pending, then ready). */
export default function route(app: FastifyInstance, services: Services): void {
  app.get<{ Params: Params }>('/api/v1/barcodes/:payment_id', { schema: { params: Params }, config: { operation } }, async (request, reply) => {
    const shown = await showBarcode(services.db, request.actor, request.params.payment_id);
    const png = shown.status === 'ready' ? await barcodePng(shown.number) : null;
    return sendStored(reply, jsonResponse(200, serializeBarcode(shown, png)));
  });
}
