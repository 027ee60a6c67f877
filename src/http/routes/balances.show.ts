import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Services } from '../../domain/context';
import { getBalance } from '../../domain/ledger';
import type { Operation } from '../openapi/operation';
import { jsonResponse, sendStored } from '../reply';
import { serializeBalance } from '../../wire/ledger';

export const CurrencyParams = Type.Object({ currency: Type.String({ minLength: 1, maxLength: 16 }) });

const operation: Operation = {
  summary: 'Balance: Show',
  description:
    "The merchant's unsettled balance in `currency` (a KOMOJU currency code; another answers 422 `invalid_currency`): every balance transaction no settlement has taken yet — captured payments less their processing fees and fee tax, refunds, chargebacks, disbursements — with KOMOJU's breakdown.",
  tag: 'Balances',
  responses: { 200: 'BalanceShow' },
};

/** GET /api/v1/balances/:currency */
export default function route(app: FastifyInstance, services: Services): void {
  app.get<{ Params: Static<typeof CurrencyParams> }>('/api/v1/balances/:currency', { schema: { params: CurrencyParams }, config: { operation } }, async (request, reply) => {
    const balance = await getBalance(services.db, request.actor, request.params.currency);
    return sendStored(reply, jsonResponse(200, serializeBalance(balance)));
  });
}
