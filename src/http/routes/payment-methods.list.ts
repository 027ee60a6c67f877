import type { FastifyInstance } from 'fastify';
import type { Services } from '../../domain/context';
import { enabledTypes } from '../../domain/merchants';
import { methodFor } from '../../methods';
import type { PaymentMethod } from '../../methods/method';
import type { Operation } from '../openapi/operation';

/** KOMOJU's AvailablePaymentMethod; a method taking every currency is listed in yen. */
function serializeMethod(method: PaymentMethod): Record<string, unknown> {
  return {
    type_slug: method.type,
    name_en: method.names.en,
    name_ja: method.names.ja,
    name_ko: method.names.ko,
    currency: method.currencies === 'all' ? 'JPY' : method.currencies[0],
    subtypes: method.subtypes ?? [],
  };
}

const operation: Operation = {
  summary: 'List enabled payment methods',
  tag: 'Payment methods',
  responses: { 200: 'AvailablePaymentMethodList' },
};

/** GET /api/v1/payment_methods — the merchant's enabled methods (secret or publishable key). */
export default function route(app: FastifyInstance, _services: Services): void {
  app.get('/api/v1/payment_methods', { config: { access: 'publishable', operation } }, async (request) =>
    enabledTypes(request.actor.merchant).flatMap((type) => {
      const method = methodFor(type);
      return method ? [serializeMethod(method)] : [];
    }),
  );
}
