import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { runCommand } from '../../domain/commands';
import type { Services } from '../../domain/context';
import { updatePayment } from '../../domain/payments';
import { DECLINE, type Operation } from '../openapi/operation';
import type { Payment } from '../../model/payment';
import { logPayment } from '../payment-log';
import { declineResponse, paymentResponse, sendStored } from '../reply';
import { IdParams, Metadata } from '../schemas';

const Body = Type.Object({
  description: Type.Optional(Type.String({ maxLength: 2000 })),
  metadata: Type.Optional(Metadata),
  external_order_num: Type.Optional(Type.String({ maxLength: 255 })),
  payment_details: Type.Optional(Type.Object({})),
});

const operation: Operation = {
  summary: 'Update a payment',
  description:
    'Changes `description`, `metadata`, `external_order_num`; with `payment_details[prepaid_number]`, continues a `pending` prepaid payment (202 while still short).',
  tag: 'Payments',
  responses: { 200: 'Payment', 202: 'Payment' },
  errors: { 502: DECLINE },
};

/** PATCH /api/v1/payments/:id — description, metadata, external_order_num; continues prepaid payments. */
export default function route(app: FastifyInstance, services: Services): void {
  app.patch<{ Params: IdParams; Body: Static<typeof Body> }>(
    '/api/v1/payments/:id',
    { schema: { params: IdParams, body: Type.Optional(Body) }, config: { operation } },
    async (request, reply) => {
      let updated: Payment | undefined;
      const response = await runCommand(
        services.db,
        request.actor,
        request.idempotency,
        (trx) => updatePayment(trx, services, request.actor, request.params.id, request.body ?? {}),
        ({ payment, decline }) => {
          updated = payment;
          return decline ? declineResponse(decline) : paymentResponse(payment, request.apiVersion);
        },
      );
      // New details may have authorized, captured or declined it.
      if (updated) logPayment(request.log, updated.status === 'captured' ? 'captured' : 'updated', updated);
      return sendStored(reply, response);
    },
  );
}
