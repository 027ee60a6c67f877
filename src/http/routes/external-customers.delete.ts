import type { FastifyInstance } from 'fastify';
import { runCommand } from '../../domain/commands';
import type { Services } from '../../domain/context';
import { deleteExternalCustomer } from '../../domain/one-click';
import type { Operation } from '../openapi/operation';
import { jsonResponse, sendStored } from '../reply';
import { Type, type Static } from '@sinclair/typebox';

/** The merchant's external_customer_id is up to 255 characters (spec §6.7). */
const Params = Type.Object({ id: Type.String({ minLength: 1, maxLength: 255 }) });

const operation: Operation = {
  summary: 'Delete a one-click card',
  description: "Erases the card a Hosted Page customer saved for one-click payment; `:id` is the session's `external_customer_id`.",
  tag: 'Sessions',
  responses: { 200: 'DeletedExternalCustomer' },
};

/**
 * DELETE /api/v1/external_customers/:id (secret key; KOMOJU's OneClickApi): erases the card a
 * Hosted Page customer saved for one-click payment. `:id` is the merchant's external_customer_id
 * (or our id of the saved card); answers `{id}`, our 25-character id of what was erased; 404 when
 * nothing is saved.
 */
export default function route(app: FastifyInstance, services: Services): void {
  app.delete<{ Params: Static<typeof Params> }>(
    '/api/v1/external_customers/:id',
    { schema: { params: Params }, config: { operation } },
    async (request, reply) => {
      const response = await runCommand(
        services.db,
        request.actor,
        request.idempotency,
        (trx) => deleteExternalCustomer(trx, request.actor, request.params.id),
        (deleted) => jsonResponse(200, deleted),
        { singleStatement: true },
      );
      return sendStored(reply, response);
    },
  );
}
