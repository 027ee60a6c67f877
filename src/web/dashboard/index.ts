import helmet from '@fastify/helmet';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../domain/context';
import { csrfTokenMatches, findDashboardSession } from '../../domain/dashboard/auth';
import { isReading } from '../../http/plugins/auth';
import { ApiError } from '../../kernel/errors';
import { html, type Html } from '../html';
import { preferredLocale } from '../i18n';
import { dashboardMessages, isDashboardLocale, type DashboardLocale, type DashboardMessages } from '../i18n/dashboard';
import { sendPage } from '../respond';
import { HELMET_OPTIONS } from '../security';
import { DashError } from './errors';
import { isHttps, LOCALE_COOKIE, parseCookies, SESSION_COOKIE, setCookie } from './cookies';
import { dashLayout, type DashContext } from './layout';
import { acceptMultipartForms } from './multipart';
import balances from './routes/balances';
import chargebacks from './routes/chargebacks';
import developers from './routes/developers';
import disbursements from './routes/disbursements';
import home from './routes/home';
import lists from './routes/lists';
import login from './routes/login';
import mail from './routes/mail';
import payments from './routes/payments';
import recordDetails from './routes/record-details';
import settings from './routes/settings';
import settlements from './routes/settlements';
import subscriptions from './routes/subscriptions';
import testData from './routes/test-data';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Dashboard routes reachable without a session: the sign-in page and its posts. */
    dashboardPublic?: boolean;
  }
  interface FastifyRequest {
    /** Set for every dashboard route before its handler: locale, messages, session. */
    dash: DashContext;
  }
}

/**
 * The merchant dashboard under /dashboard, in one encapsulated plugin with the customer pages'
 * security headers (strict CSP without scripts, frame-ancestors 'none', nosniff, same-origin
 * referrer) and `Cache-Control: no-store`. Every route is `access: 'public'` as far as API keys
 * go; the dashboard's own session cookie guards it instead:
 *
 * - without a session, a GET goes (303) to /dashboard/login and a POST is refused (403);
 * - every POST of a signed-in page must carry the session's CSRF token (`_csrf`), else 403;
 * - every query is the signed-in merchant's (request.dash.session.actor), so another
 *   merchant's id is a 404 page.
 *
 *   registerDashboard(app, services); // in buildApp
 */
export function registerDashboard(app: FastifyInstance, services: Services): void {
  app.register(async (dash) => {
    await dash.register(helmet, HELMET_OPTIONS);
    dash.decorateRequest('dash', null as unknown as DashContext);
    dash.addHook('onRequest', async (_request, reply) => {
      reply.header('cache-control', 'no-store');
    });
    // preValidation: the form body is parsed, and nothing has run that could answer 400 first.
    dash.addHook('preValidation', async (request, reply) => {
      const cookies = parseCookies(request.headers.cookie);
      const locale = chooseLocale(request, reply, cookies[LOCALE_COOKIE], services.publicUrl);
      const token = cookies[SESSION_COOKIE];
      const session = token ? await findDashboardSession(services, token, { reading: isReading(request.method) }) : null;
      request.dash = { locale, t: dashboardMessages(locale), session, ...pathAndQuery(request.url) };
      if (request.routeOptions.config.dashboardPublic) return;
      if (!session) {
        if (request.method === 'GET') return reply.redirect('/dashboard/login', 303);
        throw new DashError('forbidden', 403);
      }
      if (request.method === 'POST' && !csrfTokenMatches(session, (request.body as Record<string, unknown> | undefined)?._csrf)) {
        request.log.warn({ path: request.routeOptions.url }, 'dashboard post without a valid CSRF token refused');
        throw new DashError('forbidden', 403);
      }
    });
    // Two forms upload files: the chargeback defense (its document) and settings → brand (the logo).
    acceptMultipartForms(dash);
    dash.setErrorHandler((error: FastifyError, request, reply) => sendError(error, request, reply));
    login(dash, services);
    home(dash, services);
    payments(dash, services);
    lists(dash, services);
    recordDetails(dash, services);
    subscriptions(dash, services);
    chargebacks(dash, services);
    balances(dash, services);
    settlements(dash, services);
    disbursements(dash, services);
    developers(dash, services);
    mail(dash, services);
    testData(dash, services);
    settings(dash, services);
  });
}

/** `?locale=` (remembered in a cookie), else the cookie, else Accept-Language; Japanese by default. */
function chooseLocale(request: FastifyRequest, reply: FastifyReply, remembered: string | undefined, publicUrl: string): DashboardLocale {
  const asked = (request.query as Record<string, unknown> | undefined)?.locale;
  if (isDashboardLocale(asked)) {
    if (asked !== remembered) setCookie(reply, LOCALE_COOKIE, asked, { maxAge: 365 * 86400, secure: isHttps(request, publicUrl) });
    return asked;
  }
  if (isDashboardLocale(remembered)) return remembered;
  const preferred = preferredLocale(request.headers['accept-language'], 'ja');
  return preferred === 'en' ? 'en' : 'ja';
}

function pathAndQuery(url: string): { path: string; query: string } {
  const [path, search = ''] = url.split('?', 2);
  const params = new URLSearchParams(search);
  params.delete('locale');
  const query = params.toString();
  return { path, query: query ? `?${query}` : '' };
}

function sendError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  let kind: keyof DashboardMessages['errors'] = 'server';
  let status = 500;
  if (error instanceof DashError) ({ kind, status } = error);
  // Bad input (a NUL character, a malformed value) is a bad request, not a missing page.
  else if (error instanceof ApiError && (error.code === 'invalid_parameter' || error.code === 'missing_parameter')) [kind, status] = ['badRequest', 400];
  else if (error instanceof ApiError && (error.status === 404 || error.status === 422)) [kind, status] = ['notFound', 404];
  else if (error instanceof ApiError && (error.status === 503 || error.status === 409)) [kind, status] = ['unavailable', 503];
  else if (error instanceof ApiError && error.status === 403) [kind, status] = ['forbidden', 403];
  else if (error instanceof ApiError && error.status < 500) [kind, status] = ['badRequest', 400];
  else if (error.validation) [kind, status] = error.validationContext === 'params' ? ['notFound', 404] : ['badRequest', 400];
  else if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) [kind, status] = ['badRequest', 400];
  if (status >= 500 && kind === 'server') request.log.error({ err: error }, 'unhandled error on a dashboard page');
  // The language links of an error page lead home: the failed URL may name another merchant's id.
  const ctx: DashContext = request.dash ? { ...request.dash, path: '/dashboard', query: '' } : {
    locale: preferredLocale(request.headers['accept-language'], 'ja') === 'en' ? 'en' : 'ja',
    t: dashboardMessages('ja'),
    session: null,
    path: '/dashboard',
    query: '',
  };
  const t = dashboardMessages(ctx.locale);
  const { title, text } = t.errors[kind];
  if (status === 503) reply.header('Retry-After', '1');
  const page: Html = dashLayout({ ...ctx, t }, {
    title,
    section: 'home',
    body: html`<p class="dash-notice dash-notice-error" data-error-status="${status}">${text}</p><p><a href="/dashboard">${t.nav.home}</a></p>`,
  });
  return sendPage(reply.header('cache-control', 'no-store'), page, status);
}
