import type { FastifyInstance } from 'fastify';
import type { Services } from '../../../domain/context';
import { getCustomer } from '../../../domain/customers';
import { getSession, sessionState, showSession } from '../../../domain/sessions';
import { ApiError } from '../../../kernel/errors';
import { API_VERSIONS } from '../../../wire/api-version';
import { serializeCustomer } from '../../../wire/customer';
import { serializeSession } from '../../../wire/session';
import { html } from '../../html';
import { sendPage } from '../../respond';
import { code, facts, json, money, time } from '../components';
import { dashLayout } from '../layout';
import { RECORD_ID } from '../actions';

const PUBLIC = { access: 'public' as const };
/** The API version whose shape the pages' JSON shows: the newest, as the official SDK reads it. */
const SHOWN_VERSION = API_VERSIONS[API_VERSIONS.length - 1];

/**
 * GET /dashboard/sessions/:id and /dashboard/customers/:id: a session's facts with its
 * session_url (the Hosted Page a customer opens) and payment, and a customer's; then each as
 * the API answers it. Another merchant's id, or one that is no id, is a 404 page.
 */
export default function route(dash: FastifyInstance, services: Services): void {
  dash.get<{ Params: { id: string } }>('/dashboard/sessions/:id', { config: PUBLIC }, async (request, reply) => {
    if (!RECORD_ID.test(request.params.id)) throw new ApiError('not_found');
    const ctx = request.dash;
    const actor = ctx.session!.actor;
    const t = ctx.t.lists;
    const view = await getSession(services.db, actor, request.params.id);
    const { session, payment } = view;
    const shown = showSession(services, view, actor.clock.now(), actor.merchant.name);
    const state = sessionState(session, actor.clock.now());
    const body = html`${facts([
      { label: t.id, value: code(session.id), name: 'id' },
      { label: t.status, value: html`<span class="status status-session-${state}" data-session-status="${state}">${t.sessionStates[state] ?? state}</span>`, name: 'status' },
      { label: t.mode, value: session.mode, name: 'mode' },
      { label: t.amount, value: session.amount === null ? null : money(ctx, Number(session.amount), session.currency), name: 'amount' },
      { label: t.sessionUrl, value: html`<a href="${shown.url}" data-session-url>${shown.url}</a>`, name: 'session_url' },
      { label: t.returnUrl, value: code(session.return_url), name: 'return_url' },
      { label: t.payment, value: payment ? html`<a href="/dashboard/payments/${payment.id}"><code>${payment.id}</code></a>` : null, name: 'payment' },
      { label: t.email, value: session.email, name: 'email' },
      { label: t.expires, value: time(ctx.locale, session.expires_at), name: 'expires_at' },
      { label: t.created, value: time(ctx.locale, session.created_at), name: 'created_at' },
    ])}
<section><h2>${t.asTheApiShows}</h2>${json(serializeSession(shown, SHOWN_VERSION))}</section>
<p><a href="/dashboard/sessions">${t.back}</a></p>`;
    return sendPage(reply, dashLayout(ctx, { title: `${t.session} ${session.id}`, section: 'sessions', body }));
  });

  dash.get<{ Params: { id: string } }>('/dashboard/customers/:id', { config: PUBLIC }, async (request, reply) => {
    if (!RECORD_ID.test(request.params.id)) throw new ApiError('not_found');
    const ctx = request.dash;
    const t = ctx.t.lists;
    const customer = await getCustomer(services.db, ctx.session!.actor, request.params.id);
    const body = html`${facts([
      { label: t.id, value: code(customer.id), name: 'id' },
      { label: t.email, value: customer.email, name: 'email' },
      { label: t.created, value: time(ctx.locale, customer.created_at), name: 'created_at' },
    ])}
<section><h2>${t.asTheApiShows}</h2>${json(serializeCustomer(customer))}</section>
<p><a href="/dashboard/customers">${t.back}</a></p>`;
    return sendPage(reply, dashLayout(ctx, { title: `${t.customer} ${customer.id}`, section: 'customers', body }));
  });
}
