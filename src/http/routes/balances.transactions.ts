import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Services } from '../../domain/context';
import { listBalanceTransactions } from '../../domain/ledger';
import type { Operation } from '../openapi/operation';
import { jsonResponse, sendStored } from '../reply';
import { Pagination, parseWindow } from '../schemas';
import { serializeNamedList, serializeTransaction } from '../../wire/ledger';
import { CurrencyParams } from './balances.show';

const Query = Type.Object({ ...Pagination, type: Type.Optional(Type.String({ maxLength: 64 })) });

const operation: Operation = {
  summary: 'Balance: Transactions',
  description:
    'The ledger of `currency`, newest first: one line per movement (`payment`, `fee`, `fee_tax`, `refund`, `refund_fee`, `chargeback`, `chargeback_reversal`, `chargeback_fee`, `correction`, `disbursement`, `disbursement_fee`, `disbursement_reversal`, `disbursement_fee_reversal`). `type` keeps one kind (another value: 422 `invalid_parameter`); `start_time` and `end_time` bound `happened_at`.',
  tag: 'Balances',
  responses: { 200: 'BalanceTransactionList' },
};

/** GET /api/v1/balances/:currency/transactions — newest first. */
export default function route(app: FastifyInstance, services: Services): void {
  app.get<{ Params: Static<typeof CurrencyParams>; Querystring: Static<typeof Query> }>(
    '/api/v1/balances/:currency/transactions',
    { schema: { params: CurrencyParams, querystring: Query }, config: { operation } },
    async (request, reply) => {
      const query = request.query;
      const window = parseWindow(query);
      const { rows, total } = await listBalanceTransactions(services.db, request.actor, request.params.currency, { ...query, ...window });
      const list = serializeNamedList('list', { rows, total, page: query.page, perPage: query.per_page, window }, serializeTransaction);
      return sendStored(reply, jsonResponse(200, list));
    },
  );
}
