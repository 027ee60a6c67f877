import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { runCommand } from '../../domain/commands';
import type { Services } from '../../domain/context';
import { refundPayment } from '../../domain/payments';
import type { Operation } from '../openapi/operation';
import type { Payment } from '../../model/payment';
import { logPayment } from '../payment-log';
import { jsonResponse, sendStored } from '../reply';
import { IdParams } from '../schemas';
import { serializePayment } from '../../wire/payment';

const Body = Type.Object({
  amount: Type.Optional(Type.Integer({ minimum: 1, maximum: 2147483647 })),
  description: Type.Optional(Type.String({ maxLength: 2000 })),
});

const operation: Operation = {
  summary: 'Refund a payment',
  description: 'Everything left, or `amount` of it. Cash methods (konbini, bank transfer, PayEasy) answer `not_refundable`: use `refund_request`.',
  tag: 'Payments',
  responses: { 200: 'Payment' },
};

/** POST /api/v1/payments/:id/refund — full, or partial with `amount`. */
export default function route(app: FastifyInstance, services: Services): void {
  app.post<{ Params: IdParams; Body: Static<typeof Body> }>(
    '/api/v1/payments/:id/refund',
    { schema: { params: IdParams, body: Type.Optional(Body) }, config: { operation } },
    async (request, reply) => {
      let refunded: Payment | undefined;
      const response = await runCommand(
        services.db,
        request.actor,
        request.idempotency,
        (trx) => refundPayment(trx, request.actor, request.params.id, request.body ?? {}),
        (payment) => jsonResponse(200, serializePayment((refunded = payment), request.apiVersion)),
      );
      if (refunded) logPayment(request.log, 'refunded', refunded);
      return sendStored(reply, response);
    },
  );
}
