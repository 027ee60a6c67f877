import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { runCommand } from '../../domain/commands';
import type { Services } from '../../domain/context';
import { merchantLogo } from '../../domain/merchant-brand';
import { ApiError } from '../../kernel/errors';
import { findSavedCard, removeSavedCard, savedCardOf } from '../../domain/one-click';
import { awaitsMoreDetails, endedUnpaid, isDeclined } from '../../domain/payment-state';
import {
  cancelSession,
  cardLogoPath,
  completeAuthentication,
  findCustomerSession,
  KONBINI_STORE_ORDER,
  konbiniLogoPath,
  paySession,
  sessionOffer,
  sessionReturnUrl,
  sessionState,
  sessionStep,
  type CustomerSession,
  type PaySessionOutcome,
} from '../../domain/sessions';
import { CARD_FLOW_TYPES, methodFor } from '../../methods';
import type { PaymentMethod } from '../../methods/method';
import { formatMoney } from '../format';
import { safeUrl } from '../html';
import { LOCALES, type PageLocale, isLocale } from '../i18n';
import { failureText, sessionMessages } from '../i18n/session';
import { keptValues, sessionPage, type ConvertedOffer, type SessionPageProps } from '../pages/session';
import { refuseCrossSite, sendPage } from '../respond';
import { formActionCsp } from '../security';
import { LocaleSchema, PaymentIdSchema } from './params';
import { logSessionPayment } from '../../http/payment-log';

const Params = Type.Object({ sessionId: PaymentIdSchema });
const PageQuery = Type.Object({ locale: Type.Optional(LocaleSchema) });
const PayBody = Type.Object(
  { type: Type.String({ minLength: 1, maxLength: 64 }), locale: Type.Optional(LocaleSchema) },
  { additionalProperties: Type.String({ maxLength: 2048 }) },
);
const LocaleBody = Type.Object({ locale: Type.Optional(LocaleSchema) });
const AuthenticatedQuery = Type.Object({
  token: Type.String({ pattern: '^tok_[0-9a-z]{25}$' }),
  locale: Type.Optional(LocaleSchema),
  save_card: Type.Optional(Type.Literal('1')),
});

const ReturnQuery = Type.Object({ payment_id: Type.Optional(PaymentIdSchema), locale: Type.Optional(LocaleSchema) });

const pagePath = (id: string, locale: PageLocale) => `/sessions/${id}?locale=${locale}`;

/** Where an offsite provider sends the customer back for a session's payment (see the route). */
export const sessionReturnPath = (sessionId: string, paymentId: string, locale: PageLocale) =>
  `/sessions/${sessionId}/return?payment_id=${paymentId}&locale=${locale}`;

/** Why the customer's offsite attempt did not pay, in their language. */
function attemptFailure(locale: PageLocale, payment: NonNullable<CustomerSession['payment']>): string {
  const t = sessionMessages(locale);
  const name = methodFor(payment.payment_type)?.names[locale] ?? payment.payment_type;
  if (!isDeclined(payment.status)) return t.offsiteCancelled(name);
  const code = payment.failure_code ?? 'card_declined';
  return code === 'card_declined' ? t.offsiteDeclined(name) : failureText(locale, code, null);
}

function localeOf(asked: PageLocale | undefined, found: CustomerSession): PageLocale {
  return asked ?? (isLocale(found.session.default_locale) ? found.session.default_locale : 'ja');
}

async function pageProps(services: Services, found: CustomerSession, locale: PageLocale): Promise<SessionPageProps> {
  const { session } = found;
  const now = found.actor.clock.now();
  const current = sessionState(session, now);
  const state = current === 'pending' ? 'open' : current;
  const methods = session.payment_types.map((type) => methodFor(type)).filter((m): m is PaymentMethod => !!m && !!sessionOffer(services, session, m.type));
  const converted: Record<string, ConvertedOffer> = {};
  for (const method of methods) {
    const offer = sessionOffer(services, session, method.type);
    if (offer && offer.currency !== session.currency && offer.amount !== null) converted[method.type] = { amount: offer.amount, currency: offer.currency, exchange_rate: offer.exchange_rate };
  }
  const offersCard = methods.some((method) => method.flow === 'card');
  const saved = offersCard ? await findSavedCard(services.db, session.merchant_id, session.external_customer_id) : null;
  return {
    locale,
    sessionId: session.id,
    merchantName: found.merchant.name,
    merchantLogo: await merchantLogo(services.db, found.actor.merchant.id),
    mode: session.mode,
    amount: session.amount === null ? null : Number(session.amount),
    currency: session.currency,
    state,
    methods,
    converted,
    testMode: found.merchant.mode === 'test',
    konbiniLogos: Object.fromEntries(KONBINI_STORE_ORDER.map((s) => [s, konbiniLogoPath(s)])),
    cardLogos: Object.fromEntries(methods.filter((method) => method.flow === 'card').flatMap((method) => method.subtypes ?? []).map((brand) => [brand, cardLogoPath(brand)])),
    languages: LOCALES.map((other) => ({ locale: other, href: pagePath(session.id, other) })),
    canSaveCard: offersCard && session.external_customer_id !== null,
    savedCard: saved ? savedCardOf(saved, now) : null,
    lineItems: session.line_items ?? [],
    customerEmail: session.email,
    returnUrl: sessionReturnUrl(session),
  };
}

/** The form's fields → payment_details of the method: the expiry `MM/YY` becomes month and year. */
function detailsFromForm(method: PaymentMethod, body: Record<string, string>): Record<string, unknown> {
  const details: Record<string, unknown> = { type: method.type };
  for (const field of method.checkoutFields) {
    const value = (body[field.name] ?? '').trim();
    if (value === '') continue;
    if (field.kind === 'card_expiry') {
      const match = /^(\d{1,2})\s*\/\s*(\d{2}|\d{4})$/.exec(value);
      if (!match) throw new ApiError('invalid_parameter', { param: 'payment_details.expiry', message: 'Enter the expiry as MM/YY' });
      details.month = Number(match[1]);
      details.year = match[2].length === 2 ? 2000 + Number(match[2]) : Number(match[2]);
    } else if (field.kind === 'card_number') {
      details.number = value.replace(/[\s-]/g, '');
    } else {
      details[field.name] = value;
    }
  }
  return details;
}

/** The form field an error names (`payment_details.number` → `number`; month/year → expiry). */
function fieldOf(method: PaymentMethod, param: string | null): string | null {
  if (!param) return null;
  if (param === 'amount') return 'amount';
  const name = param.replace(/^payment_details\./, '');
  if (name === 'month' || name === 'year') return 'expiry';
  if (name === 'external_customer_id') return 'saved_card'; // expired or removed since the page was shown
  return method.checkoutFields.some((field) => field.name === name) ? name : null;
}

type ShowRoute = { Params: Static<typeof Params>; Querystring: Static<typeof PageQuery> };
type PayRoute = { Params: Static<typeof Params>; Body: Static<typeof PayBody> };
type ReturnRoute = { Params: Static<typeof Params>; Querystring: Static<typeof ReturnQuery> };
type AuthenticatedRoute = { Params: Static<typeof Params>; Querystring: Static<typeof AuthenticatedQuery> };
type LocaleRoute = { Params: Static<typeof Params>; Body: Static<typeof LocaleBody> };

/**
 * The Hosted Page (`session_url`), no API key — the session id is the credential:
 * - GET /sessions/:id — merchant, amount, one form per offered method; its state once done.
 * - POST /sessions/:id/pay — pays with the posted method's fields (or, `saved_card=1`, the card
 *   saved for the session's external_customer_id; `save_card=1` saves the card typed); then 303
 *   to the next page (the merchant's return_url with session_id, the konbini instructions, the
 *   offsite simulator, the 3-D Secure page), or the page again (422) with the error, in the
 *   page's language, next to the field.
 * - GET /sessions/:id/return?payment_id= — back from an offsite provider: on to the shop once the
 *   session is completed; after a decline or cancel there, the page again with the reason, to pay
 *   another way.
 * - GET /sessions/:id/authenticated — back from the 3-D Secure page: pays with the verified card.
 * - POST /sessions/:id/saved_card/remove — the customer removes the saved card.
 * - POST /sessions/:id/cancel — "Return to merchant": cancels, then 303 to return_url with session_id.
 *
 * The commands run through runCommand, as the API's do, without an idempotency key: a form sent
 * twice pays once because the session is locked and then found paid.
 */
export default function route(web: FastifyInstance, services: Services): void {
  const config = () => ({ access: 'public' as const });
  web.get<ShowRoute>('/sessions/:sessionId', { schema: { params: Params, querystring: PageQuery }, config: config() }, (request, reply) =>
    showPage(services, request, reply),
  );
  web.post<PayRoute>('/sessions/:sessionId/pay', { schema: { params: Params, body: PayBody }, config: config() }, (request, reply) =>
    payFromPage(services, request, reply),
  );
  web.get<ReturnRoute>('/sessions/:sessionId/return', { schema: { params: Params, querystring: ReturnQuery }, config: config() }, (request, reply) =>
    backFromProvider(services, request, reply),
  );
  web.get<AuthenticatedRoute>('/sessions/:sessionId/authenticated', { schema: { params: Params, querystring: AuthenticatedQuery }, config: config() }, (request, reply) =>
    backFromAuthentication(services, request, reply),
  );
  web.post<LocaleRoute>('/sessions/:sessionId/saved_card/remove', { schema: { params: Params, body: LocaleBody }, config: config() }, (request, reply) =>
    removeCardFromPage(services, request, reply),
  );
  web.post<LocaleRoute>('/sessions/:sessionId/cancel', { schema: { params: Params, body: LocaleBody }, config: config() }, (request, reply) =>
    cancelFromPage(services, request, reply),
  );
}

/** GET /sessions/:id — the page. */
async function showPage(services: Services, request: FastifyRequest<ShowRoute>, reply: FastifyReply): Promise<FastifyReply> {
  const found = await findCustomerSession(services, request.params.sessionId, { reading: true });
  const locale = localeOf(request.query.locale, found);
  await allowReturn(reply, found);
  return sendPage(reply, sessionPage(await pageProps(services, found, locale)));
}

/** POST /sessions/:id/pay — pays with the posted form; the next page, or this one again with the failure. */
async function payFromPage(services: Services, request: FastifyRequest<PayRoute>, reply: FastifyReply): Promise<FastifyReply> {
  refuseCrossSite(request, services);
  const found = await findCustomerSession(services, request.params.sessionId);
  const locale = localeOf(request.body.locale, found);
  const body = request.body as Record<string, string>;
  const method = methodFor(body.type);
  if (!method || !found.session.payment_types.includes(method.type)) throw new ApiError('not_found', { param: 'type' });
  let failure: { field: string | null; message: string };
  let status = 422;
  const savedCard = body.saved_card === '1' && method.flow === 'card' && found.session.external_customer_id !== null;
  try {
    const details = savedCard ? { type: method.type, external_customer_id: found.session.external_customer_id } : detailsFromForm(method, body);
    const outcome = await runCommand(services.db, found.actor, null, (trx) =>
      paySession(trx, services, found.actor, found.session.id, { payment_details: details, save_card: !savedCard && body.save_card === '1', locale }),
    );
    logSessionPayment(request.log, outcome);
    if (!outcome.decline) return await afterPaying(services, reply, found, locale, outcome);
    failure = { field: null, message: failureText(locale, outcome.decline, null) };
  } catch (error) {
    // 502: the upstream's answer (none configured in live mode), told the customer like a decline.
    if (!(error instanceof ApiError) || (error.status >= 500 && error.status !== 502)) throw error;
    if (error.status === 502) status = 502;
    const field = fieldOf(method, error.param);
    // A saved card's problem (expired since it was saved) belongs to it, not to the form's fields.
    failure = { field: field === 'amount' || savedCard ? null : field, message: failureText(locale, error.code, field) };
  }
  return showAgain(services, reply, found.session.id, locale, { type: method.type, ...failure, values: keptValues(method, body) }, status);
}

/** Paid (not declined): on to the next page, or this one again asking for the next prepaid card. */
async function afterPaying(services: Services, reply: FastifyReply, found: CustomerSession, locale: PageLocale, outcome: PaySessionOutcome): Promise<FastifyReply> {
  const short = outcome.payment && awaitsMoreDetails(outcome.payment.status) ? outcome.payment.payment_details.short_amount : undefined;
  if (outcome.redirectUrl || typeof short !== 'number') return reply.redirect(outcome.redirectUrl ?? pagePath(found.session.id, locale), 303);
  // A prepaid card short of the total: the page again, asking for the next card.
  const again = await findCustomerSession(services, found.session.id, { reading: true });
  await allowReturn(reply, again);
  const notice = sessionMessages(locale).prepaidShort(formatMoney(short, outcome.payment!.currency, locale));
  return sendPage(reply, sessionPage({ ...(await pageProps(services, again, locale)), notice }));
}

/** GET /sessions/:id/return — back from an offsite provider. */
async function backFromProvider(services: Services, request: FastifyRequest<ReturnRoute>, reply: FastifyReply): Promise<FastifyReply> {
  // Only shows where the payment stands: the provider's answer was posted to /offsite/:id.
  const found = await findCustomerSession(services, request.params.sessionId, { reading: true });
  const locale = localeOf(request.query.locale, found);
  const { session, payment } = found;
  const state = sessionState(session, found.actor.clock.now());
  if (state === 'completed') return reply.redirect(sessionReturnUrl(session) ?? pagePath(session.id, locale), 303);
  const ended = payment && payment.id === request.query.payment_id && endedUnpaid(payment.status);
  // Still open to a payment's answer (pending, or expired since the attempt began): the reason, to pay another way.
  if ('to' in sessionStep(state, 'complete') && payment && ended) {
    return showAgain(services, reply, session.id, locale, { type: payment.payment_type, field: null, message: attemptFailure(locale, payment), values: {} }, 200);
  }
  await allowReturn(reply, found);
  return sendPage(reply, sessionPage(await pageProps(services, found, locale)));
}

/** GET /sessions/:id/authenticated — back from the 3-D Secure page: pays with the verified card. */
async function backFromAuthentication(
  services: Services,
  request: FastifyRequest<AuthenticatedRoute>,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const found = await findCustomerSession(services, request.params.sessionId);
  const locale = localeOf(request.query.locale, found);
  // Paid already (this page reloaded, or a second tab): on to the shop, as after paying.
  if (sessionState(found.session, found.actor.clock.now()) === 'completed') {
    return reply.redirect(sessionReturnUrl(found.session) ?? pagePath(found.session.id, locale), 303);
  }
  let failure: { field: null; message: string };
  try {
    const outcome = await runCommand(services.db, found.actor, null, (trx) =>
      completeAuthentication(trx, services, found.actor, found.session.id, request.query.token, { save_card: request.query.save_card === '1' }),
    );
    logSessionPayment(request.log, outcome);
    if (!outcome.decline) return reply.redirect(outcome.redirectUrl ?? pagePath(found.session.id, locale), 303);
    failure = { field: null, message: failureText(locale, outcome.decline === 'card_declined' && !outcome.payment ? 'authentication_failed' : outcome.decline, null) };
  } catch (error) {
    if (!(error instanceof ApiError) || error.status >= 500 || error.status === 404) throw error;
    failure = { field: null, message: failureText(locale, error.code, null) };
  }
  return showAgain(services, reply, found.session.id, locale, { type: CARD_FLOW_TYPES[0], ...failure, values: {} });
}

/** POST /sessions/:id/saved_card/remove — the customer removes the saved card. */
async function removeCardFromPage(services: Services, request: FastifyRequest<LocaleRoute>, reply: FastifyReply): Promise<FastifyReply> {
  refuseCrossSite(request, services);
  const found = await findCustomerSession(services, request.params.sessionId);
  const locale = localeOf(request.body.locale, found);
  const externalId = found.session.external_customer_id;
  if (externalId !== null) await removeSavedCard(services.db, found.session.merchant_id, externalId);
  await allowReturn(reply, found);
  const props = await pageProps(services, found, locale);
  return sendPage(reply, sessionPage({ ...props, notice: sessionMessages(locale).savedRemoved }));
}

/** POST /sessions/:id/cancel — "Return to merchant". */
async function cancelFromPage(services: Services, request: FastifyRequest<LocaleRoute>, reply: FastifyReply): Promise<FastifyReply> {
  refuseCrossSite(request, services);
  const found = await findCustomerSession(services, request.params.sessionId);
  const locale = localeOf(request.body.locale, found);
  try {
    await runCommand(services.db, found.actor, null, (trx) => cancelSession(trx, found.actor, found.session.id));
  } catch (error) {
    if (!(error instanceof ApiError) || error.status >= 500) throw error;
  }
  return reply.redirect(sessionReturnUrl(found.session) ?? pagePath(found.session.id, locale), 303);
}

/** The page again, 422, with the failure of the last attempt shown next to its method or field. */
async function showAgain(
  services: Services,
  reply: FastifyReply,
  sessionId: string,
  locale: PageLocale,
  error: NonNullable<SessionPageProps['error']>,
  status = 422,
): Promise<FastifyReply> {
  const again = await findCustomerSession(services, sessionId, { reading: true });
  await allowReturn(reply, again);
  const props = await pageProps(services, again, locale);
  return sendPage(reply, sessionPage({ ...props, error }), status);
}

/** The page's forms are answered with a 303 to the shop: form-action must allow its origin. */
async function allowReturn(reply: FastifyReply, found: CustomerSession): Promise<void> {
  await reply.helmet({ contentSecurityPolicy: formActionCsp(safeUrl(found.session.return_url)) });
}
