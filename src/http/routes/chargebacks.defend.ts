import type { FastifyInstance } from 'fastify';
import { MAX_DOCUMENT_BASE64 } from '../../domain/chargeback-documents';
import { DefendBody, defendChargeback, type DefendInput } from '../../domain/chargebacks';
import { runCommand } from '../../domain/commands';
import type { Services } from '../../domain/context';
import type { Operation } from '../openapi/operation';
import { NO_CONTENT, sendStored } from '../reply';
import { IdParams } from '../schemas';
import { REFUSED_CHARGEBACK } from './chargebacks.accept';

const operation: Operation = {
  summary: 'Chargeback: Defend',
  description:
    'Submits the one defense of a `pending` chargeback before its `due_date`: `description`, `document` (`document_base64`: a PDF, JPEG, PNG or GIF of at most 15 MB, its type read from its bytes; optional `filename`, `content_type`), optional `product_name`, `shipping_info`, `recipient_info`. JSON or a bracket-notation form. The chargeback is `defended`, its amount held (debited) while the issuer reviews the defense, `chargeback.defended`. Defending a defended chargeback answers 204 again and changes nothing.',
  tag: 'Chargebacks',
  responses: { 204: { description: 'Defended (no body).' } },
  errors: {
    413: '`request_entity_too_large`: the body is over the document limit.',
    422: `${REFUSED_CHARGEBACK} \`invalid_parameter\` (\`document.document_base64\`): not base64, empty, over 15 MB, or not a PDF, JPEG, PNG or GIF.`,
  },
};

/** POST /api/v1/chargeback_requests/:id/defend — KOMOJU's defendChargebackRequest: 204, no body. */
export default function route(app: FastifyInstance, services: Services): void {
  app.post<{ Params: IdParams; Body: DefendInput }>(
    '/api/v1/chargeback_requests/:id/defend',
    // The document rides in the body as base64: up to 15 MB of file, past the API's 256 KiB default.
    { schema: { params: IdParams, body: DefendBody }, bodyLimit: MAX_DOCUMENT_BASE64 + 64 * 1024, config: { operation } },
    async (request, reply) => {
      const response = await runCommand(
        services.db,
        request.actor,
        request.idempotency,
        (trx) => defendChargeback(trx, services, request.actor, request.params.id, request.body),
        () => NO_CONTENT,
      );
      return sendStored(reply, response);
    },
  );
}
