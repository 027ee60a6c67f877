import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Services } from '../../domain/context';
import { getMail, listMails } from '../../domain/mail-outbox';
import type { Operation } from '../openapi/operation';
import { jsonResponse, sendStored } from '../reply';
import { IdParams, Pagination, parseWindow } from '../schemas';
import { requireTestMode } from '../test-mode';
import { serializeList } from '../../wire/list';
import { serializeMail } from '../../wire/mail';

const Query = Type.Object({
  ...Pagination,
  recipient: Type.Optional(Type.String({ minLength: 1, maxLength: 320 })),
  payment: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
});

const listOperation: Operation = {
  summary: 'List the e-mails sent to customers',
  description:
    'The mail outbox, newest first: payment instructions (konbini, bank transfer, PayEasy), receipts and refund notices, ' +
    'as HTML and text in the payment\'s locale. `recipient` (any letter case) and `payment` filter it.',
  tag: 'Test helpers',
  responses: { 200: 'EmailList' },
};

const showOperation: Operation = { summary: 'Read one e-mail of the outbox', tag: 'Test helpers', responses: { 200: 'Email' } };

/**
 * GET /api/v1/test_helpers/emails — the merchant's mail outbox (test mode, secret key), and
 * GET …/emails/:id — one mail. Mails are written by the payment changes that send them
 * (domain/mail.ts); these routes only read.
 */
export default function route(app: FastifyInstance, services: Services): void {
  app.get<{ Querystring: Static<typeof Query> }>(
    '/api/v1/test_helpers/emails',
    { schema: { querystring: Query }, preHandler: requireTestMode, config: { operation: listOperation } },
    async (request, reply) => {
      const query = request.query;
      const window = parseWindow(query);
      const { rows, total } = await listMails(services.db, request.actor, { ...query, ...window });
      return sendStored(reply, jsonResponse(200, serializeList(rows, total, query.page, query.per_page, serializeMail, window)));
    },
  );

  app.get<{ Params: IdParams }>(
    '/api/v1/test_helpers/emails/:id',
    { schema: { params: IdParams }, preHandler: requireTestMode, config: { operation: showOperation } },
    async (request, reply) => sendStored(reply, jsonResponse(200, serializeMail(await getMail(services.db, request.actor, request.params.id)))),
  );
}
