import type { FastifyInstance } from 'fastify';
import { runCommand } from '../../domain/commands';
import type { Services } from '../../domain/context';
import { cancelPayment } from '../../domain/payments';
import type { Operation } from '../openapi/operation';
import type { Payment } from '../../model/payment';
import { logPayment } from '../payment-log';
import { jsonResponse, sendStored } from '../reply';
import { IdParams } from '../schemas';
import { serializePayment } from '../../wire/payment';

const operation: Operation = {
  summary: 'Cancel a payment',
  description: 'A `pending` or `authorized` payment.',
  tag: 'Payments',
  responses: { 200: 'Payment' },
};

/** POST /api/v1/payments/:id/cancel — pending or authorized payments. */
export default function route(app: FastifyInstance, services: Services): void {
  app.post<{ Params: IdParams }>('/api/v1/payments/:id/cancel', { schema: { params: IdParams }, config: { operation } }, async (request, reply) => {
    let cancelled: Payment | undefined;
    const response = await runCommand(
      services.db,
      request.actor,
      request.idempotency,
      (trx) => cancelPayment(trx, request.actor, request.params.id),
      (payment) => jsonResponse(200, serializePayment((cancelled = payment), request.apiVersion)),
    );
    if (cancelled) logPayment(request.log, 'cancelled', cancelled);
    return sendStored(reply, response);
  });
}
