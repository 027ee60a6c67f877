import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { runCommand } from '../../domain/commands';
import type { Services } from '../../domain/context';
import { settleRefundRequest } from '../../domain/refund-requests';
import type { Operation } from '../openapi/operation';
import { jsonResponse, sendStored } from '../reply';
import { serializePayment } from '../../wire/payment';
import { requireTestMode } from '../test-mode';

const Params = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 64 }),
  outcome: Type.Union([Type.Literal('complete'), Type.Literal('reject')]),
});

const operation: Operation = {
  summary: 'Settle a refund request',
  description: '`complete` records the refund; `reject` does not. Answers the payment.',
  tag: 'Test helpers',
  responses: { 200: 'Payment' },
};

/** POST /api/v1/test_helpers/refund_requests/:id/complete | reject — answers the payment. */
export default function route(app: FastifyInstance, services: Services): void {
  app.post<{ Params: Static<typeof Params> }>(
    '/api/v1/test_helpers/refund_requests/:id/:outcome',
    { schema: { params: Params }, preHandler: requireTestMode, config: { operation } },
    async (request, reply) => {
      const outcome = request.params.outcome === 'complete' ? 'completed' : 'rejected';
      const response = await runCommand(
        services.db,
        request.actor,
        request.idempotency,
        (trx) => settleRefundRequest(trx, request.actor, request.params.id, outcome),
        (payment) => jsonResponse(200, serializePayment(payment, request.apiVersion)),
      );
      return sendStored(reply, response);
    },
  );
}
