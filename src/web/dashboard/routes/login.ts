import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../../domain/context';
import { redeemLoginLink, sameString, SESSION_TTL_MS, signIn, signOut } from '../../../domain/dashboard/auth';
import { html } from '../../html';
import { sendPage } from '../../respond';
import { notice } from '../components';
import { isHttps, LOGIN_CSRF_COOKIE, readCookie, SESSION_COOKIE, setCookie } from '../cookies';
import { DashError } from '../errors';
import { dashLayout, type DashContext } from '../layout';

const OPEN = { access: 'public' as const, dashboardPublic: true };

function loginPage(ctx: DashContext, csrf: string, error: string | null, email = '') {
  const t = ctx.t;
  return dashLayout(ctx, {
    title: t.login.title,
    section: 'login',
    body: html`${notice(error, 'error')}<form method="post" action="/dashboard/login" class="dash-form dash-login">
<input type="hidden" name="_csrf" value="${csrf}">
<div class="field"><label for="email">${t.login.email}</label><input id="email" name="email" type="email" autocomplete="username" required value="${email}"></div>
<div class="field"><label for="password">${t.login.password}</label><input id="password" name="password" type="password" autocomplete="current-password" required></div>
<button type="submit" class="button primary">${t.login.submit}</button>
</form>
<section class="dash-login-help" data-login-help><h2>${t.start.noAccount}</h2>
<p>${t.start.createUser}</p><pre class="dash-curl">npx kessai users create --email you@shop.example</pre>
<p class="dash-muted">${t.start.oneTimeLink}</p></section>`,
  });
}

/**
 * The sign-in form's own CSRF protection (there is no session yet): a random value in a cookie
 * and in the form, which must match (double submit). A page on another site can make a browser
 * post the form but can neither read nor set the cookie.
 */
function loginCsrf(request: FastifyRequest, reply: FastifyReply, services: Services): string {
  const existing = readCookie(request, LOGIN_CSRF_COOKIE);
  if (existing && /^[A-Za-z0-9_-]{20,64}$/.test(existing)) return existing;
  const value = randomBytes(24).toString('base64url');
  setCookie(reply, LOGIN_CSRF_COOKIE, value, { path: '/dashboard/login', maxAge: 3600, secure: isHttps(request, services.publicUrl) });
  return value;
}

function startSession(request: FastifyRequest, reply: FastifyReply, services: Services, token: string): FastifyReply {
  setCookie(reply, SESSION_COOKIE, token, { maxAge: SESSION_TTL_MS / 1000, secure: isHttps(request, services.publicUrl) });
  return reply.redirect('/dashboard', 303);
}

/**
 * GET /dashboard/login — the sign-in form; POST /dashboard/login — email and password: a session
 * cookie and 303 to /dashboard, or the form again with 401 (wrong) or 429 (the sixth failure in
 * 15 minutes for this email and address). GET /dashboard/login/:token — a one-time link from the
 * `kessai serve` banner. POST /dashboard/logout — ends the session.
 */
export default function route(dash: FastifyInstance, services: Services): void {
  dash.get('/dashboard/login', { config: OPEN }, async (request, reply) => {
    if (request.dash.session) return reply.redirect('/dashboard', 303);
    return sendPage(reply, loginPage(request.dash, loginCsrf(request, reply, services), null));
  });

  dash.post('/dashboard/login', { config: OPEN }, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const cookie = readCookie(request, LOGIN_CSRF_COOKIE);
    if (!cookie || typeof body._csrf !== 'string' || !sameString(cookie, body._csrf)) throw new DashError('forbidden', 403);
    const email = typeof body.email === 'string' ? body.email.slice(0, 254) : '';
    const password = typeof body.password === 'string' ? body.password.slice(0, 1024) : '';
    const result = await signIn(services.db, services.clock.now(), { email, password, clientAddress: request.ip });
    if (result.ok) return startSession(request, reply, services, result.token);
    request.log.info({ reason: result.reason }, 'dashboard sign-in refused');
    const t = request.dash.t;
    const status = result.reason === 'rate_limited' ? 429 : 401;
    if (status === 429) reply.header('retry-after', '900');
    return sendPage(reply, loginPage(request.dash, cookie, result.reason === 'rate_limited' ? t.login.rateLimited : t.login.invalid, email), status);
  });

  dash.get<{ Params: { token: string } }>('/dashboard/login/:token', { config: OPEN }, async (request, reply) => {
    const token = /^[a-z0-9]{40}$/.test(request.params.token) ? await redeemLoginLink(services.db, request.params.token, services.clock.now()) : null;
    if (token) return startSession(request, reply, services, token);
    const ctx = request.dash;
    return sendPage(reply, loginPage(ctx, loginCsrf(request, reply, services), ctx.t.login.linkInvalid), 410);
  });

  dash.post('/dashboard/logout', { config: { access: 'public' } }, async (request, reply) => {
    await signOut(services.db, request.dash.session!.token);
    setCookie(reply, SESSION_COOKIE, '', { maxAge: 0, secure: isHttps(request, services.publicUrl) });
    return reply.redirect('/dashboard/login', 303);
  });
}
