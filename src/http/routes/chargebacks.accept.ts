import type { FastifyInstance } from 'fastify';
import { acceptChargeback } from '../../domain/chargebacks';
import { runCommand } from '../../domain/commands';
import type { Services } from '../../domain/context';
import type { Operation } from '../openapi/operation';
import { NO_CONTENT, sendStored } from '../reply';
import { IdParams } from '../schemas';

export const REFUSED_CHARGEBACK = '`unprocessable_entity`: the chargeback is neither `pending` nor already in the asked state, or its due date has passed.';

const operation: Operation = {
  summary: 'Chargeback: Accept',
  description:
    'Agrees to the dispute: `accepted`, the disputed amount is debited, `chargeback.accepted`. Only while `pending` and before `due_date`; accepting an accepted chargeback answers 204 again and changes nothing. No body.',
  tag: 'Chargebacks',
  responses: { 204: { description: 'Accepted (no body).' } },
  errors: { 422: REFUSED_CHARGEBACK },
};

/** POST /api/v1/chargeback_requests/:id/accept — KOMOJU's acceptChargebackRequest: 204, no body. */
export default function route(app: FastifyInstance, services: Services): void {
  app.post<{ Params: IdParams }>('/api/v1/chargeback_requests/:id/accept', { schema: { params: IdParams }, config: { operation } }, async (request, reply) => {
    const response = await runCommand(
      services.db,
      request.actor,
      request.idempotency,
      (trx) => acceptChargeback(trx, services, request.actor, request.params.id),
      () => NO_CONTENT,
    );
    return sendStored(reply, response);
  });
}
