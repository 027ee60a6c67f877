import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { runCommand } from '../../domain/commands';
import type { Services } from '../../domain/context';
import { capturePayment } from '../../domain/payments';
import type { Operation } from '../openapi/operation';
import type { Payment } from '../../model/payment';
import { logPayment } from '../payment-log';
import { jsonResponse, sendStored } from '../reply';
import { IdParams, Tax } from '../schemas';
import { serializePayment } from '../../wire/payment';

const Body = Type.Object({ amount: Type.Optional(Type.Integer({ minimum: 1, maximum: 2147483647 })), tax: Type.Optional(Tax) });

const operation: Operation = {
  summary: 'Capture a payment',
  description: 'An `authorized` card payment; `amount` may be smaller than authorized.',
  tag: 'Payments',
  responses: { 200: 'Payment' },
};

/** POST /api/v1/payments/:id/capture — authorized card payments only. */
export default function route(app: FastifyInstance, services: Services): void {
  app.post<{ Params: IdParams; Body: Static<typeof Body> }>(
    '/api/v1/payments/:id/capture',
    { schema: { params: IdParams, body: Type.Optional(Body) }, config: { operation } },
    async (request, reply) => {
      let captured: Payment | undefined;
      const response = await runCommand(
        services.db,
        request.actor,
        request.idempotency,
        (trx) => capturePayment(trx, request.actor, request.params.id, request.body ?? {}),
        (payment) => jsonResponse(200, serializePayment((captured = payment), request.apiVersion)),
      );
      if (captured) logPayment(request.log, 'captured', captured);
      return sendStored(reply, response);
    },
  );
}
