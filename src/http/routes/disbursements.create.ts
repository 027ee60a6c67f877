import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { runCommand } from '../../domain/commands';
import type { Services } from '../../domain/context';
import { createDisbursement } from '../../domain/disbursements';
import { MAX_AMOUNT, parseCurrency } from '../../kernel/money';
import type { Operation } from '../openapi/operation';
import { jsonResponse, sendStored } from '../reply';
import { serializeDisbursement } from '../../wire/ledger';

/** Zengin: 4-digit bank and 3-digit branch codes, 7-digit account numbers, the holder's name in katakana. */
const Body = Type.Object({
  amount: Type.Integer({ minimum: 1, maximum: MAX_AMOUNT }),
  currency: Type.String({ minLength: 1, maxLength: 3 }),
  account_number: Type.String({ pattern: '^[0-9]{7}$' }),
  account_type: Type.Union([Type.Literal('ordinary'), Type.Literal('checking')]),
  account_name_kana: Type.String({ minLength: 1, maxLength: 48, pattern: '^[\\u30A0-\\u30FF\\uFF65-\\uFF9F\\u3000 ()（）.,\\-‐・]+$' }),
  bank_code: Type.String({ pattern: '^[0-9]{4}$' }),
  branch_code: Type.String({ pattern: '^[0-9]{3}$' }),
  external_id: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
});

const operation: Operation = {
  summary: 'Disbursement: Create',
  description:
    'A bank transfer (JPY, Zengin codes) paid out of the balance: the amount and its transfer fee (220 JPY under 30,000, else 410) are debited at once, and may not exceed the balance (422 `unprocessable_entity`, param `amount`). `pending` until the transfer a day later on the merchant\'s clock, then `paid`; test account number `0000000` fails (`failed`, amount and fee credited back).',
  tag: 'Disbursements',
  responses: { 200: 'Disbursement' },
};

/** POST /api/v1/disbursements */
export default function route(app: FastifyInstance, services: Services): void {
  app.post<{ Body: Static<typeof Body> }>('/api/v1/disbursements', { schema: { body: Body }, config: { operation } }, async (request, reply) => {
    const input = { ...request.body, currency: parseCurrency(request.body.currency) };
    const response = await runCommand(
      services.db,
      request.actor,
      request.idempotency,
      (trx) => createDisbursement(trx, request.actor, input),
      (disbursement) => jsonResponse(200, serializeDisbursement(disbursement)),
    );
    return sendStored(reply, response);
  });
}
