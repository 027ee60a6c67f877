import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Services } from '../../domain/context';
import { answerChallenge, beginAuthentication, type Authentication } from '../../domain/secure-tokens';
import { sessionReturnUrlOfToken } from '../../domain/sessions';
import { safeUrl } from '../html';
import { LOCALES, preferredLocale, type PageLocale } from '../i18n';
import { challengePage, unavailablePage } from '../pages/three-d-secure';
import { refuseCrossSite, sendPage } from '../respond';
import { formActionCsp } from '../security';
import { LocaleSchema } from './params';

const PATH = '/three_d_secure_service/offsite';
/** Secure token ids: `tok_` + 25 lowercase alphanumerics; anything else is no token, without a query. */
const TokenId = Type.String({ pattern: '^tok_[0-9a-z]{25}$' });
const Query = Type.Object({ token: TokenId, locale: Type.Optional(LocaleSchema) });
const Body = Type.Object({ token: TokenId, password: Type.String({ maxLength: 64 }), locale: Type.Optional(LocaleSchema) });

/**
 * The 3-D Secure page of a secure token's `authentication_url` (KOMOJU's path), as the card
 * issuer would show it; no API key, the token id is the credential.
 * - GET ?token=… — a frictionless card is settled at once and the customer goes back to the
 *   token's return_url (303); a challenge card gets the password form.
 * - POST (token, password) — 123456 passes, anything else fails; then 303 to the return_url.
 * The merchant then reads `verification_status` with GET /api/v1/secure_tokens/:id.
 */
export default function route(web: FastifyInstance, services: Services): void {
  web.get<{ Querystring: Static<typeof Query> }>(PATH, { schema: { querystring: Query }, config: { access: 'public' } }, async (request, reply) => {
    const locale = request.query.locale ?? preferredLocale(request.headers['accept-language'], 'ja');
    const authentication = await beginAuthentication(services, request.query.token);
    if (authentication.step !== 'challenge') return finish(reply, authentication, locale);
    const { token } = authentication;
    // The answer to this page's form is a 303 to the shop: form-action must allow it (for a
    // session's payment, the session's page and then the shop's return_url).
    const onward = await sessionReturnUrlOfToken(services, token.merchant_id, token.return_url);
    await reply.helmet({ contentSecurityPolicy: formActionCsp(safeUrl(token.return_url), safeUrl(onward)) });
    return sendPage(reply, challengePage({ locale, tokenId: token.id, amount: Number(token.amount), currency: token.currency ?? '', formAction: PATH, languages: LOCALES.map((other) => ({ locale: other, href: `${PATH}?token=${token.id}&locale=${other}` })) }));
  });

  web.post<{ Body: Static<typeof Body> }>(PATH, { schema: { body: Body }, config: { access: 'public' } }, async (request, reply) => {
    refuseCrossSite(request, services);
    const locale = request.body.locale ?? preferredLocale(request.headers['accept-language'], 'ja');
    return finish(reply, await answerChallenge(services, request.body.token, request.body.password), locale);
  });
}

function finish(reply: FastifyReply, { token, step }: Authentication, locale: PageLocale): FastifyReply {
  const returnUrl = safeUrl(token.return_url);
  if (step === 'done' && returnUrl) return reply.redirect(returnUrl, 303);
  return sendPage(reply, unavailablePage(locale), 410);
}
