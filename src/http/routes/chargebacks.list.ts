import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { listChargebacks } from '../../domain/chargebacks';
import type { Services } from '../../domain/context';
import { parseIsoTime, ISO_TIME } from '../../lib/iso-time';
import { CHARGEBACK_STATUSES, type ChargebackStatus } from '../../model/chargeback';
import type { Operation } from '../openapi/operation';
import { jsonResponse, sendStored } from '../reply';
import { Pagination, parseWindow } from '../schemas';
import { serializeChargebackItem } from '../../wire/chargeback';
import { serializeList } from '../../wire/list';

const Query = Type.Object({
  ...Pagination,
  status: Type.Optional(Type.Unsafe<ChargebackStatus>({ type: 'string', enum: [...CHARGEBACK_STATUSES] })),
  payment_id: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  due_date_start: Type.Optional(Type.String({ format: ISO_TIME, maxLength: 64 })),
  due_date_end: Type.Optional(Type.String({ format: ISO_TIME, maxLength: 64 })),
});

const operation: Operation = {
  summary: 'Chargeback: List',
  description:
    'The merchant’s chargeback requests, `pending` first, then the rest; newest first within each. Filters: `status`, `payment_id`, `start_time`/`end_time` (created), `due_date_start`/`due_date_end` (inclusive).',
  tag: 'Chargebacks',
  responses: { 200: 'ChargebackRequestList' },
};

const instant = (value: string | undefined) => (value ? (parseIsoTime(value) ?? undefined) : undefined);

/** GET /api/v1/chargeback_requests — KOMOJU's listChargebackRequests. */
export default function route(app: FastifyInstance, services: Services): void {
  app.get<{ Querystring: Static<typeof Query> }>('/api/v1/chargeback_requests', { schema: { querystring: Query }, config: { operation } }, async (request, reply) => {
    const query = request.query;
    const window = parseWindow(query);
    const filter = {
      status: query.status,
      paymentId: query.payment_id,
      startTime: window.start_time,
      endTime: window.end_time,
      dueDateStart: instant(query.due_date_start),
      dueDateEnd: instant(query.due_date_end),
    };
    const { rows, total } = await listChargebacks(services.db, request.actor, filter, query.page, query.per_page);
    return sendStored(reply, jsonResponse(200, serializeList(rows, total, query.page, query.per_page, serializeChargebackItem, window)));
  });
}
