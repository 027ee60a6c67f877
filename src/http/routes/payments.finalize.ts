import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { runCommand } from '../../domain/commands';
import type { Services } from '../../domain/context';
import { finalizePayment } from '../../domain/payments';
import type { Operation } from '../openapi/operation';
import type { Payment } from '../../model/payment';
import { logPayment } from '../payment-log';
import { jsonResponse, sendStored } from '../reply';
import { IdParams, Metadata } from '../schemas';
import { serializePayment } from '../../wire/payment';

/** KOMOJU's FinalizePaymentRequest: `ac_type`, `field55` and `track2` required. */
const Body = Type.Object({
  ac_type: Type.Union([Type.Literal('tc'), Type.Literal('aac'), Type.Literal('fault')], {
    description: 'The chip\'s final decision: `tc` approved, `aac` declined, `fault` the terminal could not finish.',
  }),
  field55: Type.String({ minLength: 2, maxLength: 2048, pattern: '^([0-9A-Fa-f]{2})+$', description: 'EMV tag 55 data of the transaction (hex). Checked, never kept.' }),
  track2: Type.String({ minLength: 1, maxLength: 128, description: 'Track 2 equivalent data from the chip. Checked, never kept.' }),
  capture: Type.Optional(Type.Boolean({ description: '`false`: a `tc` leaves the payment authorized, for POST /payments/:id/capture.' })),
  metadata: Type.Optional(Metadata),
});

const operation: Operation = {
  summary: 'Finalize a payment',
  description:
    'KOMOJU\'s "Payment: Finalize": the terminal\'s outcome of an EMV chip (`credit_card_terminal`) payment after its ' +
    'authorization. `tc` captures it (`capture: false` leaves it authorized); `aac` and `fault` cancel it (200, the ' +
    'cancelled payment). 422 `invalid_payment_type` for a payment of another method; 422 `unprocessable_entity` for ' +
    'one no longer `authorized`.',
  tag: 'Payments',
  responses: { 200: 'Payment' },
};

/** POST /api/v1/payments/:id/finalize — the chip's final decision on an authorized terminal payment. */
export default function route(app: FastifyInstance, services: Services): void {
  app.post<{ Params: IdParams; Body: Static<typeof Body> }>(
    '/api/v1/payments/:id/finalize',
    { schema: { params: IdParams, body: Body }, config: { operation } },
    async (request, reply) => {
      let finalized: Payment | undefined;
      const response = await runCommand(
        services.db,
        request.actor,
        request.idempotency,
        (trx) => finalizePayment(trx, request.actor, request.params.id, request.body),
        (payment) => jsonResponse(200, serializePayment((finalized = payment), request.apiVersion)),
      );
      if (finalized) logPayment(request.log, finalized.status === 'captured' ? 'captured' : finalized.status === 'cancelled' ? 'cancelled' : 'updated', finalized);
      return sendStored(reply, response);
    },
  );
}
