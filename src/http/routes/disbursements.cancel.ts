import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { runCommand } from '../../domain/commands';
import type { Services } from '../../domain/context';
import { cancelDisbursement } from '../../domain/disbursements';
import type { Operation } from '../openapi/operation';
import { jsonResponse, sendStored } from '../reply';
import { IdParams } from '../schemas';
import { serializeDisbursement } from '../../wire/ledger';

const Body = Type.Object({ cancel_reason: Type.String({ minLength: 1, maxLength: 2000 }) });

const operation: Operation = {
  summary: 'Disbursement: Cancel',
  description: 'A `pending` disbursement only (another: 422 `unprocessable_entity`): `cancelled`, and its amount and fee credited back to the balance.',
  tag: 'Disbursements',
  responses: { 200: 'Disbursement' },
};

/** POST /api/v1/disbursements/:id/cancel */
export default function route(app: FastifyInstance, services: Services): void {
  app.post<{ Params: IdParams; Body: Static<typeof Body> }>(
    '/api/v1/disbursements/:id/cancel',
    { schema: { params: IdParams, body: Body }, config: { operation } },
    async (request, reply) => {
      const response = await runCommand(
        services.db,
        request.actor,
        request.idempotency,
        (trx) => cancelDisbursement(trx, request.actor, request.params.id, request.body.cancel_reason),
        (disbursement) => jsonResponse(200, serializeDisbursement(disbursement)),
      );
      return sendStored(reply, response);
    },
  );
}
