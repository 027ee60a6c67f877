import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Services } from '../../domain/context';
import { merchantLogo } from '../../domain/merchant-brand';
import { isAwaitingPayment } from '../../domain/payment-state';
import { findCustomerPayment, settleOffsitePayment, type CustomerPayment } from '../../domain/customer-pages';
import { logPayment } from '../../http/payment-log';
import { safeUrl } from '../html';
import { LOCALES, isLocale, type PageLocale } from '../i18n';
import { offsitePage } from '../pages/offsite';
import { resultPage } from '../pages/result';
import { refuseCrossSite, sendPage } from '../respond';
import { withPaymentId } from '../return-url';
import { formActionCsp } from '../security';
import { LocaleSchema, PaymentIdSchema } from './params';
import { sessionReturnPath } from './session';

const NewQuery = Type.Object({ uuid: PaymentIdSchema, locale: Type.Optional(LocaleSchema) });
const ResultQuery = Type.Object({ locale: Type.Optional(LocaleSchema) });
const Params = Type.Object({ paymentId: PaymentIdSchema });
const ActionBody = Type.Object({
  action: Type.Union([Type.Literal('approve'), Type.Literal('decline'), Type.Literal('cancel')]),
  locale: Type.Optional(LocaleSchema),
});

/** What each of the simulator's buttons does to the payment, as its log line says it. */
const OFFSITE_CHANGE = { approve: 'captured', decline: 'failed', cancel: 'cancelled' } as const;

const simulatorPath = (id: string, locale: PageLocale) => `/offsite/new?uuid=${id}&locale=${locale}`;
const resultPath = (id: string, locale: PageLocale) => `/offsite/${id}?locale=${locale}`;

/** The page's language: `?locale=` when the customer switched, else the payment's own. */
function localeOf(asked: PageLocale | undefined, found: CustomerPayment): PageLocale {
  return asked ?? (isLocale(found.payment.locale) ? found.payment.locale : 'ja');
}

/** The method's name in the locale, with the carrier or provider when the payment names one. */
function providerName(found: CustomerPayment, locale: PageLocale): string {
  const name = found.method?.names[locale] ?? found.payment.payment_type;
  const provider = found.payment.payment_details.provider;
  return typeof provider === 'string' && provider !== '' ? `${name} (${provider})` : name;
}

/** The merchant's return_url, when it is one a browser may be sent to (http or https). */
function returnUrlOf(found: CustomerPayment): string | null {
  return safeUrl(found.payment.return_url);
}

/**
 * Where the customer goes once done at the provider: a session's payment goes back to the hosted
 * page (which sends a paid session on to the shop, and shows a declined or cancelled attempt so
 * the customer can pay another way); any other payment to its return_url with `payment_id`.
 */
function backHref(found: CustomerPayment, locale: PageLocale): string | null {
  const { payment } = found;
  if (payment.session_id) return sessionReturnPath(payment.session_id, payment.id, locale);
  const returnUrl = returnUrlOf(found);
  return returnUrl && withPaymentId(returnUrl, payment.id);
}

/**
 * The offsite simulator, kessai's stand-in for LINE Pay, PayPay, carrier billing and every other
 * redirect method (their `redirect_url`):
 * - GET /offsite/new?uuid=<id> — provider, amount, merchant; Approve, Decline, Cancel.
 * - POST /offsite/:paymentId (action=approve|decline|cancel) — captured / failed / cancelled,
 *   then 303 back (see backHref), or to the result page when there is nowhere to go back to or
 *   the payment was no longer waiting.
 * - GET /offsite/:paymentId — the result page: where the payment stands.
 */
export default function route(web: FastifyInstance, services: Services): void {
  web.get<{ Querystring: Static<typeof NewQuery> }>(
    '/offsite/new',
    { schema: { querystring: NewQuery }, config: { access: 'public' } },
    async (request, reply) => {
      const { uuid } = request.query;
      const found = await findCustomerPayment(services, uuid, 'offsite', { reading: true });
      const locale = localeOf(request.query.locale, found);
      // The answer to this page's form may be a 303 to the shop: form-action must allow it.
      await reply.helmet({ contentSecurityPolicy: formActionCsp(returnUrlOf(found)) });
      const page = offsitePage({
        locale,
        payment: found.payment,
        merchantName: found.merchant.name,
        providerName: providerName(found, locale),
        testMode: found.merchant.mode === 'test',
        formAction: `/offsite/${uuid}`,
        resultHref: resultPath(uuid, locale),
        languages: LOCALES.map((other) => ({ locale: other, href: simulatorPath(uuid, other) })),
      });
      return sendPage(reply, page);
    },
  );

  web.post<{ Params: Static<typeof Params>; Body: Static<typeof ActionBody> }>(
    '/offsite/:paymentId',
    { schema: { params: Params, body: ActionBody }, config: { access: 'public' } },
    async (request, reply) => {
      refuseCrossSite(request, services);
      const result = await settleOffsitePayment(services, request.params.paymentId, request.body.action);
      if (result.acted) logPayment(request.log, OFFSITE_CHANGE[request.body.action], result.payment);
      const locale = localeOf(request.body.locale, result);
      const back = backHref(result, locale);
      if (result.acted && back) return reply.redirect(back, 303);
      return reply.redirect(resultPath(request.params.paymentId, locale), 303);
    },
  );

  web.get<{ Params: Static<typeof Params>; Querystring: Static<typeof ResultQuery> }>(
    '/offsite/:paymentId',
    { schema: { params: Params, querystring: ResultQuery }, config: { access: 'public' } },
    async (request, reply) => sendPage(reply, await resultOf(services, request.params.paymentId, request.query.locale)),
  );
}

/** The result page of an offsite payment: where it stands, and the way back once the customer is done. */
async function resultOf(services: Services, paymentId: string, asked: PageLocale | undefined) {
  const found = await findCustomerPayment(services, paymentId, 'offsite', { reading: true });
  const locale = localeOf(asked, found);
  return resultPage({
    locale,
    payment: found.payment,
    merchantName: found.merchant.name,
    merchantLogo: await merchantLogo(services.db, found.actor.merchant.id),
    providerName: providerName(found, locale),
    testMode: found.merchant.mode === 'test',
    // Only once the customer is done: a link back while it still waits would skip the provider.
    returnHref: isAwaitingPayment(found.payment.status) ? null : backHref(found, locale),
    languages: LOCALES.map((other) => ({ locale: other, href: resultPath(paymentId, other) })),
  });
}
