import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { runCommand } from '../../domain/commands';
import type { Services } from '../../domain/context';
import { completePayment, failPayment } from '../../domain/payment-completion';
import type { Operation } from '../openapi/operation';
import type { Payment } from '../../model/payment';
import { logPayment } from '../payment-log';
import { jsonResponse, sendStored } from '../reply';
import { IdParams } from '../schemas';
import { serializePayment } from '../../wire/payment';
import { requireTestMode } from '../test-mode';

const FailBody = Type.Object({ code: Type.Optional(Type.String({ maxLength: 64 })) });

const payOperation: Operation = {
  summary: 'Pay an authorized payment',
  description: 'The customer pays a konbini / bank transfer / PayEasy / offsite payment: `captured`, `payment.captured`.',
  tag: 'Test helpers',
  responses: { 200: 'Payment' },
};

const failOperation: Operation = {
  summary: 'Fail an authorized payment',
  description: '`failed` with `code` (default `card_declined`), `payment.failed`.',
  tag: 'Test helpers',
  responses: { 200: 'Payment' },
};

/**
 * POST /api/v1/test_helpers/payments/:id/pay — the customer pays a konbini / bank transfer /
 * PayEasy / offsite payment. POST …/fail — it fails (optional `code`, default card_declined).
 */
export default function route(app: FastifyInstance, services: Services): void {
  app.post<{ Params: IdParams }>(
    '/api/v1/test_helpers/payments/:id/pay',
    { schema: { params: IdParams }, preHandler: requireTestMode, config: { operation: payOperation } },
    async (request, reply) => {
      let changed: Payment | undefined;
      const response = await runCommand(
        services.db,
        request.actor,
        request.idempotency,
        (trx) => completePayment(trx, request.actor, request.params.id),
        (payment) => jsonResponse(200, serializePayment((changed = payment), request.apiVersion)),
      );
      if (changed) logPayment(request.log, 'captured', changed);
      return sendStored(reply, response);
    },
  );

  app.post<{ Params: IdParams; Body: Static<typeof FailBody> }>(
    '/api/v1/test_helpers/payments/:id/fail',
    { schema: { params: IdParams, body: Type.Optional(FailBody) }, preHandler: requireTestMode, config: { operation: failOperation } },
    async (request, reply) => {
      let changed: Payment | undefined;
      const response = await runCommand(
        services.db,
        request.actor,
        request.idempotency,
        (trx) => failPayment(trx, request.actor, request.params.id, request.body?.code),
        (payment) => jsonResponse(200, serializePayment((changed = payment), request.apiVersion)),
      );
      if (changed) logPayment(request.log, 'failed', changed);
      return sendStored(reply, response);
    },
  );
}
