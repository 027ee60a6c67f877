import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { OpenBody, openChargeback, resolveChargeback, type OpenInput } from '../../domain/chargebacks';
import { runCommand } from '../../domain/commands';
import type { Services } from '../../domain/context';
import type { Operation } from '../openapi/operation';
import { jsonResponse, sendStored } from '../reply';
import { IdParams } from '../schemas';
import { serializeChargebackDetail } from '../../wire/chargeback';
import { requireTestMode } from '../test-mode';

const openOperation: Operation = {
  summary: 'Open a chargeback on a payment',
  description:
    'The card holder disputes a captured card payment: a `pending` chargeback due in 14 days of the merchant’s clock, `chargeback.created`. Optional `amount` (default: what is captured and not refunded) and `reason_code` (default `CB_Fraud`). Answers the chargeback; 201.',
  tag: 'Test helpers',
  responses: { 201: 'ChargebackRequestDetail' },
  errors: { 422: '`not_chargebackable`: not a captured card payment, or already disputed. `invalid_parameter` (`amount`): more than can be disputed.' },
};

const ResolveParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 64 }),
  outcome: Type.Union([Type.Literal('win'), Type.Literal('lose')]),
});

const resolveOperation: Operation = {
  summary: 'Decide a defended chargeback',
  description:
    'The issuer decides on the defense: `win` (status `cancelled`, the held amount credited back, `chargeback.won`) or `lose` (`lost`, `chargeback.lost`). Answers the chargeback.',
  tag: 'Test helpers',
  responses: { 200: 'ChargebackRequestDetail' },
  errors: { 422: '`unprocessable_entity`: the chargeback is not `defended`.' },
};

/**
 * POST /api/v1/test_helpers/payments/:id/chargeback — opens a dispute on a captured card payment.
 * POST /api/v1/test_helpers/chargeback_requests/:id/win | lose — the issuer's decision on a defense.
 */
export default function route(app: FastifyInstance, services: Services): void {
  app.post<{ Params: IdParams; Body: OpenInput }>(
    '/api/v1/test_helpers/payments/:id/chargeback',
    { schema: { params: IdParams, body: OpenBody }, preHandler: requireTestMode, config: { operation: openOperation } },
    async (request, reply) => {
      const response = await runCommand(
        services.db,
        request.actor,
        request.idempotency,
        (trx) => openChargeback(trx, services, request.actor, request.params.id, request.body),
        ({ chargeback, documents }) => jsonResponse(201, serializeChargebackDetail(chargeback, documents)),
      );
      return sendStored(reply, response);
    },
  );

  app.post<{ Params: Static<typeof ResolveParams> }>(
    '/api/v1/test_helpers/chargeback_requests/:id/:outcome',
    { schema: { params: ResolveParams }, preHandler: requireTestMode, config: { operation: resolveOperation } },
    async (request, reply) => {
      const outcome = request.params.outcome === 'win' ? 'won' : 'lost';
      const response = await runCommand(
        services.db,
        request.actor,
        request.idempotency,
        (trx) => resolveChargeback(trx, services, request.actor, request.params.id, outcome),
        ({ chargeback, documents }) => jsonResponse(200, serializeChargebackDetail(chargeback, documents)),
      );
      return sendStored(reply, response);
    },
  );
}
