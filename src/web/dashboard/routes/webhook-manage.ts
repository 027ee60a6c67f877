import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../../domain/context';
import { createEndpoint, deleteEndpoint, getEndpoint, pingEndpoint, updateEndpoint, WEBHOOK_EVENT_TYPES, type NewEndpoint } from '../../../domain/webhooks';
import { ApiError } from '../../../kernel/errors';
import type { WebhookEndpoint } from '../../../model/webhook';
import { html, type Html } from '../../html';
import { sendPage } from '../../respond';
import { code, notice } from '../components';
import { DashError } from '../errors';
import { csrfField, dashLayout, type DashContext } from '../layout';
import { showEndpoint, type Message } from './webhook-page';
import { RECORD_ID } from '../actions';

const PUBLIC = { access: 'public' as const };
const BASE = '/dashboard/developers/webhooks';

type Post = FastifyRequest<{ Params: { id: string }; Body: Record<string, unknown> }>;

/** The add and edit form: URL, event types (none ticked = all), and the secret when adding. */
function endpointForm(ctx: DashContext, action: string, values: { url: string; events: string[] }, adding: boolean): Html {
  const t = ctx.t.manage;
  return html`<form method="post" action="${action}" class="dash-form" data-form="endpoint">${csrfField(ctx)}
<div class="field"><label for="wh-url">${ctx.t.webhooks.url}</label><input id="wh-url" name="url" type="url" required maxlength="2048" value="${values.url}"></div>
<fieldset class="field"><legend>${ctx.t.webhooks.events}</legend><p class="dash-muted">${t.allEventsHint}</p>${WEBHOOK_EVENT_TYPES.map(
    (type) => html`<label class="check"><input type="checkbox" name="events" value="${type}"${values.events.includes(type) ? html` checked` : null}> ${code(type)}</label> `,
  )}</fieldset>
${adding ? html`<div class="field"><label for="wh-secret">${t.secretOptional}</label><input id="wh-secret" name="secret_token" maxlength="255" autocomplete="off"></div>` : null}
<button type="submit" class="button primary small">${t.save}</button></form>`;
}

function formPage(request: FastifyRequest, reply: FastifyReply, title: string, form: Html, message: Message, status = 200) {
  const ctx = request.dash;
  const body = html`${message ? notice(message.text, message.kind) : null}${form}`;
  return sendPage(reply, dashLayout(ctx, { title, section: 'webhooks', body }), status);
}

/** The form's fields: a trimmed string, and the ticked event types (one or several `events`). */
function fields(body: Record<string, unknown>): { url: string; events: string[]; secret?: string } {
  const url = typeof body.url === 'string' ? body.url.trim() : '';
  const events = [body.events ?? []].flat().filter((e): e is string => typeof e === 'string');
  const secret = typeof body.secret_token === 'string' && body.secret_token.trim() !== '' ? body.secret_token.trim() : undefined;
  return { url, events, secret };
}

/** The API's error for the form: refused input; anything else (not found, 5xx) goes on up. */
function refusal(error: unknown): Message {
  if (!(error instanceof ApiError) || error.status >= 500 || (error.status === 404 && error.param === 'id')) throw error;
  return { text: `${error.code}: ${error.message}`, kind: 'error' };
}

function checkId(id: string): string {
  if (!RECORD_ID.test(id)) throw new ApiError('not_found');
  return id;
}

/**
 * Managing webhook endpoints from the dashboard, with the domain commands of the API's routes
 * (POST/PATCH/DELETE /api/v1/webhooks): add, edit, pause/resume, delete (after a confirmation
 * page), send a test `ping` (test mode), reveal the signing secret (in the page answering a POST:
 * never in a URL, not cached, not logged). Each then 303s back with `?done=`, or shows the form or
 * the endpoint again (422) with the API's message.
 */
export default function route(dash: FastifyInstance, services: Services): void {
  addRoutes(dash, services);
  editRoutes(dash, services);
  actionRoutes(dash, services);
  deleteRoutes(dash, services);
}

function addRoutes(dash: FastifyInstance, services: Services): void {
  const page = (request: FastifyRequest, reply: FastifyReply, values: { url: string; events: string[] }, message: Message, status?: number) =>
    formPage(request, reply, request.dash.t.manage.addTitle, endpointForm(request.dash, BASE, values, true), message, status);
  dash.get(`${BASE}/new`, { config: PUBLIC }, async (request, reply) => page(request, reply, { url: '', events: [] }, null));
  dash.post<{ Body: Record<string, unknown> }>(BASE, { config: PUBLIC }, async (request, reply) => {
    const actor = request.dash.session!.actor;
    const input = fields(request.body ?? {});
    const endpoint: NewEndpoint = { url: input.url, events: input.events, ...(input.secret ? { secret_token: input.secret } : {}) };
    try {
      const created = await services.db.transaction().execute((trx) => createEndpoint(trx, services.webhooks, actor, endpoint));
      return reply.redirect(`${BASE}/${created.id}?done=created`, 303);
    } catch (error) {
      return page(request, reply, input, refusal(error), 422);
    }
  });
}

function editRoutes(dash: FastifyInstance, services: Services): void {
  const page = (request: FastifyRequest, reply: FastifyReply, id: string, values: { url: string; events: string[] }, message: Message, status?: number) =>
    formPage(request, reply, request.dash.t.manage.editTitle, endpointForm(request.dash, `${BASE}/${id}/edit`, values, false), message, status);
  dash.get<{ Params: { id: string } }>(`${BASE}/:id/edit`, { config: PUBLIC }, async (request, reply) => {
    const endpoint = await getEndpoint(services.db, request.dash.session!.actor, checkId(request.params.id));
    return page(request, reply, endpoint.id, endpoint, null);
  });
  dash.post<{ Params: { id: string }; Body: Record<string, unknown> }>(`${BASE}/:id/edit`, { config: PUBLIC }, async (request, reply) => {
    const id = checkId(request.params.id);
    const { url, events } = fields(request.body ?? {});
    try {
      await services.db.transaction().execute((trx) => updateEndpoint(trx, services.webhooks, request.dash.session!.actor, id, { url, events }));
    } catch (error) {
      return page(request, reply, id, { url, events }, refusal(error), 422);
    }
    return reply.redirect(`${BASE}/${id}?done=updated`, 303);
  });
}

function actionRoutes(dash: FastifyInstance, services: Services): void {
  dash.post<{ Params: { id: string }; Body: Record<string, unknown> }>(`${BASE}/:id/active`, { config: PUBLIC }, async (request: Post, reply) => {
    const id = checkId(request.params.id);
    const raw = request.body?.active;
    if (raw !== 'true' && raw !== 'false') {
      return showEndpoint(services, request, reply, id, { text: `invalid_parameter: active must be true or false`, kind: 'error' }, 422);
    }
    const active = raw === 'true';
    await services.db.transaction().execute((trx) => updateEndpoint(trx, services.webhooks, request.dash.session!.actor, id, { active }));
    return reply.redirect(`${BASE}/${id}?done=${active ? 'resumed' : 'paused'}`, 303);
  });
  dash.post<{ Params: { id: string } }>(`${BASE}/:id/ping`, { config: PUBLIC }, async (request, reply) => {
    const id = checkId(request.params.id);
    const actor = request.dash.session!.actor;
    if (actor.merchant.mode !== 'test') throw new DashError('forbidden', 403);
    await services.db.transaction().execute((trx) => pingEndpoint(trx, actor, id));
    return reply.redirect(`${BASE}/${id}?done=pinged`, 303);
  });
  dash.post<{ Params: { id: string } }>(`${BASE}/:id/secret`, { config: PUBLIC }, async (request, reply) => {
    const id = checkId(request.params.id);
    const endpoint = await getEndpoint(services.db, request.dash.session!.actor, id);
    return showEndpoint(services, request, reply, id, null, 200, endpoint.secret_token);
  });
}

function deleteRoutes(dash: FastifyInstance, services: Services): void {
  dash.get<{ Params: { id: string } }>(`${BASE}/:id/delete`, { config: PUBLIC }, async (request, reply) => {
    const ctx = request.dash;
    const t = ctx.t.manage;
    const endpoint = await getEndpoint(services.db, ctx.session!.actor, checkId(request.params.id));
    const body = html`<p class="dash-lead">${t.confirmText}</p><p>${code(endpoint.url)}</p>
<form method="post" action="${BASE}/${endpoint.id}/delete" class="dash-form" data-form="delete">${csrfField(ctx)}<input type="hidden" name="confirm" value="yes">
<button type="submit" class="button danger small">${t.confirm}</button> <a class="button secondary small" href="${BASE}/${endpoint.id}">${t.cancel}</a></form>`;
    return sendPage(reply, dashLayout(ctx, { title: t.confirmTitle, section: 'webhooks', body }));
  });
  dash.post<{ Params: { id: string }; Body: Record<string, unknown> }>(`${BASE}/:id/delete`, { config: PUBLIC }, async (request, reply) => {
    const id = checkId(request.params.id);
    if (request.body?.confirm !== 'yes') return reply.redirect(`${BASE}/${id}/delete`, 303);
    await services.db.transaction().execute((trx) => deleteEndpoint(trx, request.dash.session!.actor, id));
    return reply.redirect(`${BASE}?done=deleted`, 303);
  });
}
