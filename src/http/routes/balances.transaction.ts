import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Services } from '../../domain/context';
import { getBalanceTransaction } from '../../domain/ledger';
import type { Operation } from '../openapi/operation';
import { jsonResponse, sendStored } from '../reply';
import { serializeTransaction } from '../../wire/ledger';

const Params = Type.Object({ currency: Type.String({ minLength: 1, maxLength: 16 }), transaction_uuid: Type.String({ minLength: 1, maxLength: 64 }) });

const operation: Operation = {
  summary: 'Balance: Transaction',
  description: "One line of the ledger by its id. Another merchant's line, or one in another currency, is 404.",
  tag: 'Balances',
  responses: { 200: 'Transaction' },
};

/** GET /api/v1/balances/:currency/transactions/:transaction_uuid */
export default function route(app: FastifyInstance, services: Services): void {
  app.get<{ Params: Static<typeof Params> }>(
    '/api/v1/balances/:currency/transactions/:transaction_uuid',
    { schema: { params: Params }, config: { operation } },
    async (request, reply) => {
      const line = await getBalanceTransaction(services.db, request.actor, request.params.currency, request.params.transaction_uuid);
      return sendStored(reply, jsonResponse(200, serializeTransaction(line)));
    },
  );
}
