import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Services } from '../../domain/context';
import { listDeliveries } from '../../domain/webhook-delivery';
import type { Operation } from '../openapi/operation';
import { jsonResponse, sendStored } from '../reply';
import { IdParams, Pagination } from '../schemas';
import { serializeList } from '../../wire/list';
import { serializeDelivery } from '../../wire/webhook';

const Query = Type.Object({ page: Pagination.page, per_page: Pagination.per_page });

const operation: Operation = {
  summary: "List an endpoint's deliveries",
  description: 'Newest first, each with every attempt.',
  tag: 'Webhooks',
  responses: { 200: 'WebhookDeliveryList' },
};

/** GET /api/v1/webhooks/:id/deliveries — newest first, each with every attempt. */
export default function route(app: FastifyInstance, services: Services): void {
  app.get<{ Params: IdParams; Querystring: Static<typeof Query> }>(
    '/api/v1/webhooks/:id/deliveries',
    { schema: { params: IdParams, querystring: Query }, config: { operation } },
    async (request, reply) => {
      const { page, per_page } = request.query;
      const { rows, total } = await listDeliveries(services.db, request.actor, request.params.id, page, per_page);
      return sendStored(reply, jsonResponse(200, serializeList(rows, total, page, per_page, serializeDelivery)));
    },
  );
}
