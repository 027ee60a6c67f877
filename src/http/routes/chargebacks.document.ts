import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { downloadDocument } from '../../domain/chargebacks';
import type { Services } from '../../domain/context';
import type { Operation } from '../openapi/operation';

const Params = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }), document_id: Type.String({ minLength: 1, maxLength: 64 }) });
const Query = Type.Object({ expires: Type.String({ maxLength: 20 }), signature: Type.String({ maxLength: 128 }) });

const operation: Operation = {
  summary: 'Download a defense document',
  description:
    'The temporary signed `url` of a defense document (`defense.documents[].url`): no key, the signature is the credential. After an hour, or with any other signature, 404; GET the chargeback for a fresh URL.',
  tag: 'Chargebacks',
  responses: { 200: { description: 'The file, with its type.', contentType: 'application/octet-stream' } },
};

/** GET /api/v1/chargeback_requests/:id/documents/:document_id?expires=…&signature=… */
export default function route(app: FastifyInstance, services: Services): void {
  app.get<{ Params: Static<typeof Params>; Querystring: Static<typeof Query> }>(
    '/api/v1/chargeback_requests/:id/documents/:document_id',
    { schema: { params: Params, querystring: Query }, config: { access: 'public', operation } },
    async (request, reply) => {
      const { id, document_id } = request.params;
      const file = await downloadDocument(services, id, document_id, request.query.expires, request.query.signature);
      return reply
        .code(200)
        .type(file.content_type)
        .header('content-disposition', `attachment; filename="${file.file_name.replace(/[^\x20-\x7e]|"/g, '_')}"`)
        .header('cache-control', 'private, no-store')
        .send(file.bytes);
    },
  );
}
