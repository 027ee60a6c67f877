import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Services } from '../../domain/context';
import { merchantLogo } from '../../domain/merchant-brand';
import { customerBarcode } from '../../domain/barcodes';
import { findCustomerPayment, simulateInstructionsPayment } from '../../domain/customer-pages';
import { ApiError } from '../../kernel/errors';
import { barcodePng } from '../../lib/barcode-image';
import { safeUrl } from '../html';
import { LOCALES, type PageLocale } from '../i18n';
import { instructionsPage } from '../pages/instructions';
import { refuseCrossSite, sendPage } from '../respond';
import { LocaleSchema, PaymentIdSchema } from './params';

const Params = Type.Object({ locale: LocaleSchema, paymentId: PaymentIdSchema });
type Params = Static<typeof Params>;

/** The page's own path: the `instructions_url` that paymentUrls() gives the payment, less the host. */
export function instructionsPath(locale: PageLocale, paymentId: string): string {
  return `/${locale}/instructions/${paymentId}`;
}

/**
 * GET /:locale/instructions/:paymentId — how to pay a konbini, bank transfer, PayEasy or cvs
 * payment, with the barcode of a konbini slip that has one (GET …/barcode.png, the same image as
 * the API's GET /barcodes/:payment_id); POST …/simulate — test mode's "Simulate payment", then
 * the page again (303, so a reload does not post twice).
 */
export default function route(web: FastifyInstance, services: Services): void {
  web.get<{ Params: Params }>(
    '/:locale/instructions/:paymentId',
    { schema: { params: Params }, config: { access: 'public' } },
    async (request, reply) => {
      const { locale, paymentId } = request.params;
      const { payment, merchant, method, actor } = await findCustomerPayment(services, paymentId, 'instructions', { reading: true });
      const barcode = await customerBarcode(services.db, actor, payment);
      const page = instructionsPage({
        locale,
        payment,
        merchantName: merchant.name,
        merchantLogo: await merchantLogo(services.db, actor.merchant.id),
        methodName: method?.names[locale] ?? payment.payment_type,
        testMode: merchant.mode === 'test',
        simulateAction: `${instructionsPath(locale, paymentId)}/simulate`,
        languages: LOCALES.map((other) => ({ locale: other, href: instructionsPath(other, paymentId) })),
        // The way back to the merchant after reading the codes (a session's return_url with session_id).
        returnHref: safeUrl(payment.return_url),
        barcode: barcode && { src: `${instructionsPath(locale, paymentId)}/barcode.png`, number: barcode.number, expiresAt: barcode.expires_at },
      });
      return sendPage(reply, page);
    },
  );

  web.get<{ Params: Params }>(
    '/:locale/instructions/:paymentId/barcode.png',
    { schema: { params: Params }, config: { access: 'public' } },
    async (request, reply) => {
      const { payment, actor } = await findCustomerPayment(services, request.params.paymentId, 'instructions', { reading: true });
      const barcode = await customerBarcode(services.db, actor, payment);
      if (!barcode) throw new ApiError('not_found', { param: 'paymentId' });
      // A barcode is good for minutes: never cached, so a reload after it expired shows the new one.
      return reply.type('image/png').header('cache-control', 'no-store').send(await barcodePng(barcode.number));
    },
  );

  web.post<{ Params: Params }>(
    '/:locale/instructions/:paymentId/simulate',
    { schema: { params: Params }, config: { access: 'public' } },
    async (request, reply) => {
      refuseCrossSite(request, services);
      const { locale, paymentId } = request.params;
      await simulateInstructionsPayment(services, paymentId);
      return reply.redirect(instructionsPath(locale, paymentId), 303);
    },
  );
}
