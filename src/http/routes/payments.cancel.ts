import type { FastifyInstance } from 'fastify';
import { runCommand } from '../../domain/commands';
import type { Services } from '../../domain/context';
import { cancelPayment } from '../../domain/payments';
import { jsonResponse, sendStored } from '../reply';
import { IdParams } from '../schemas';
import { serializePayment } from '../../wire/payment';

/** POST /api/v1/payments/:id/cancel — pending or authorized payments. */
export default function route(app: FastifyInstance, services: Services): void {
  app.post<{ Params: IdParams }>('/api/v1/payments/:id/cancel', { schema: { params: IdParams } }, async (request, reply) => {
    const response = await runCommand(
      services.db,
      request.actor,
      request.idempotency,
      (trx) => cancelPayment(trx, request.actor, request.params.id),
      (payment) => jsonResponse(200, serializePayment(payment, request.apiVersion)),
    );
    return sendStored(reply, response);
  });
}
