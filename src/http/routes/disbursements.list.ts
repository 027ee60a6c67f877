import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Services } from '../../domain/context';
import { listDisbursements } from '../../domain/disbursements';
import { parseCurrency } from '../../kernel/money';
import type { Operation } from '../openapi/operation';
import { jsonResponse, sendStored } from '../reply';
import { Pagination, parseWindow } from '../schemas';
import { serializeDisbursement, serializeNamedList } from '../../wire/ledger';

const Query = Type.Object({ ...Pagination, currency: Type.Optional(Type.String({ minLength: 1, maxLength: 3 })) });

const operation: Operation = {
  summary: 'Disbursement: List',
  description: 'Newest first; `currency` keeps one currency (not a KOMOJU currency: 422 `invalid_currency`).',
  tag: 'Disbursements',
  responses: { 200: 'DisbursementList' },
};

/** GET /api/v1/disbursements — newest first. */
export default function route(app: FastifyInstance, services: Services): void {
  app.get<{ Querystring: Static<typeof Query> }>('/api/v1/disbursements', { schema: { querystring: Query }, config: { operation } }, async (request, reply) => {
    const query = request.query;
    const window = parseWindow(query);
    const currency = query.currency === undefined ? undefined : parseCurrency(query.currency);
    const { rows, total } = await listDisbursements(services.db, request.actor, { ...query, ...window, currency });
    const list = serializeNamedList('disbursement_list', { rows, total, page: query.page, perPage: query.per_page, window }, serializeDisbursement);
    return sendStored(reply, jsonResponse(200, list));
  });
}
