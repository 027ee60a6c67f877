import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Services } from '../../domain/context';
import { listCustomers } from '../../domain/customers';
import type { Operation } from '../openapi/operation';
import { jsonResponse, sendStored } from '../reply';
import { Pagination, parseWindow } from '../schemas';
import { serializeCustomer } from '../../wire/customer';
import { serializeList } from '../../wire/list';

const Query = Type.Object({ ...Pagination, expiration: Type.Optional(Type.String({ maxLength: 16, description: '`MMYY`: only customers whose stored card expires that month.' })) });

const operation: Operation = { summary: 'List customers', description: 'Newest first. `expiration=MMYY` keeps the customers whose stored card expires that month.', tag: 'Customers', responses: { 200: 'CustomerList' } };

/** GET /api/v1/customers — newest first. */
export default function route(app: FastifyInstance, services: Services): void {
  app.get<{ Querystring: Static<typeof Query> }>('/api/v1/customers', { schema: { querystring: Query }, config: { operation } }, async (request, reply) => {
    const query = request.query;
    const { rows, total } = await listCustomers(services.db, request.actor, { ...query, ...parseWindow(query) });
    return sendStored(reply, jsonResponse(200, serializeList(rows, total, query.page, query.per_page, serializeCustomer, parseWindow(query))));
  });
}
