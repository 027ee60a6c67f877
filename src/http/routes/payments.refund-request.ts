import type { Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { runCommand } from '../../domain/commands';
import type { Services } from '../../domain/context';
import { RefundRequestBody as Body, requestRefund } from '../../domain/refund-requests';
import type { Operation } from '../openapi/operation';
import { jsonResponse, sendStored } from '../reply';
import { IdParams } from '../schemas';
import { serializePayment } from '../../wire/payment';

const operation: Operation = {
  summary: 'Request a bank refund',
  description: 'Refunds a captured konbini / bank transfer / PayEasy payment by bank transfer: adds a `pending` entry to `refund_requests`.',
  tag: 'Payments',
  responses: { 200: 'Payment' },
};

/**
 * POST /api/v1/payments/:id/refund_request — refund a captured cash payment by bank transfer.
 * Answers the payment with the new entry in `refund_requests` (status `pending`).
 */
export default function route(app: FastifyInstance, services: Services): void {
  app.post<{ Params: IdParams; Body: Static<typeof Body> }>(
    '/api/v1/payments/:id/refund_request',
    { schema: { params: IdParams, body: Body }, config: { operation } },
    async (request, reply) => {
      const response = await runCommand(
        services.db,
        request.actor,
        request.idempotency,
        (trx) => requestRefund(trx, request.actor, request.params.id, request.body),
        (payment) => jsonResponse(200, serializePayment(payment, request.apiVersion)),
      );
      return sendStored(reply, response);
    },
  );
}
