import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { downloadDocument } from '../../domain/chargebacks';
import type { Services } from '../../domain/context';

const Params = Type.Object({ chargeback_id: Type.String({ minLength: 1, maxLength: 64 }), document_id: Type.String({ minLength: 1, maxLength: 64 }) });
const Query = Type.Object({ expires: Type.String({ maxLength: 20 }), signature: Type.String({ maxLength: 128 }) });

/**
 * GET /chargeback_documents/:chargeback_id/:document_id?expires=…&signature=… — the temporary
 * signed `url` of a defense document (`defense.documents[].url`): no key, the signature is the
 * credential; after an hour, or with any other signature, 404 (GET the chargeback for a fresh URL).
 * Outside /api/v1, as a file a browser opens: its errors are the pages' own.
 */
export default function route(app: FastifyInstance, services: Services): void {
  app.get<{ Params: Static<typeof Params>; Querystring: Static<typeof Query> }>(
    '/chargeback_documents/:chargeback_id/:document_id',
    { schema: { params: Params, querystring: Query }, config: { access: 'public' } },
    async (request, reply) => {
      const { chargeback_id, document_id } = request.params;
      const file = await downloadDocument(services, chargeback_id, document_id, request.query.expires, request.query.signature);
      return reply
        .code(200)
        .type(file.content_type)
        .header('content-disposition', `attachment; filename="${file.file_name.replace(/[^\x20-\x7e]|"/g, '_')}"`)
        .header('cache-control', 'private, no-store')
        .send(file.bytes);
    },
  );
}
