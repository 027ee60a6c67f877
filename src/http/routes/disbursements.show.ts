import type { FastifyInstance } from 'fastify';
import type { Services } from '../../domain/context';
import { getDisbursement } from '../../domain/disbursements';
import type { Operation } from '../openapi/operation';
import { jsonResponse, sendStored } from '../reply';
import { IdParams } from '../schemas';
import { serializeDisbursement } from '../../wire/ledger';

const operation: Operation = { summary: 'Disbursement: Show', tag: 'Disbursements', responses: { 200: 'Disbursement' } };

/** GET /api/v1/disbursements/:id */
export default function route(app: FastifyInstance, services: Services): void {
  app.get<{ Params: IdParams }>('/api/v1/disbursements/:id', { schema: { params: IdParams }, config: { operation } }, async (request, reply) => {
    const disbursement = await getDisbursement(services.db, request.actor, request.params.id);
    return sendStored(reply, jsonResponse(200, serializeDisbursement(disbursement)));
  });
}
