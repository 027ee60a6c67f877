import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../../domain/context';
import { eventDeliveries } from '../../../domain/dashboard/views';
import { ApiError } from '../../../kernel/errors';
import { getEvent, listEvents } from '../../../domain/event-log';
import { listApiRequests } from '../../../domain/request-log';
import { advanceClock, clockState, resetClock } from '../../../domain/test-clock';
import { redeliverEvent } from '../../../domain/webhook-delivery';
import { listEndpoints } from '../../../domain/webhooks';
import { serializeEvent } from '../../../wire/event';
import { html } from '../../html';
import { sendPage } from '../../respond';
import { code, json, notice, pager, table, time, idLink } from '../components';
import { DashError } from '../errors';
import { csrfField, dashLayout } from '../layout';
import { deliveriesTable, redeliverForm } from '../timeline';
import { pageNumber } from './lists';
import manageRoute from './webhook-manage';
import { showEndpoint } from './webhook-page';
import simulateRoute from './webhook-simulate';
import { RECORD_ID } from '../actions';

const PUBLIC = { access: 'public' as const };
const PER_PAGE = 25;
/** The test clock moves at most ten years per step, as through the API. */
const MAX_ADVANCE_SECONDS = 10 * 366 * 86400;

/** Only a path of this dashboard may be where a form sends the browser back to. */
function dashboardPath(raw: unknown, fallback: string): string {
  return typeof raw === 'string' && /^\/dashboard(\/[A-Za-z0-9_\-/]*)?(\?[A-Za-z0-9_=&%.\-]*)?$/.test(raw) ? raw : fallback;
}

/**
 * The Developers pages:
 * - GET /dashboard/developers/requests — the API request log (no bodies);
 * - GET /dashboard/developers/events[?type=] and …/events/:id — events with their payload (as the
 *   API shows it) and deliveries; POST …/events/:id/redeliver — the API's redeliverEvent;
 * - GET /dashboard/developers/webhooks and …/webhooks/:id — endpoints and their deliveries;
 * - GET /dashboard/developers/clock, POST …/clock/advance, …/clock/reset — the test clock
 *   (advanceClock, resetClock).
 * Managing endpoints (add, edit, pause, delete, ping, reveal): webhook-manage.ts.
 */
export default function route(dash: FastifyInstance, services: Services): void {
  requestLogPage(dash, services);
  eventPages(dash, services);
  webhookPages(dash, services);
  manageRoute(dash, services);
  simulateRoute(dash, services);
  clockPages(dash, services);
}

type Message = { text: string; kind: 'ok' | 'error' } | null;

function requestLogPage(dash: FastifyInstance, services: Services): void {
  dash.get<{ Querystring: { page?: string } }>('/dashboard/developers/requests', { config: PUBLIC }, async (request, reply) => {
    const ctx = request.dash;
    const t = ctx.t.requests;
    const page = pageNumber(request.query.page);
    const { rows, total } = await listApiRequests(services.db, ctx.session!.actor, page, PER_PAGE);
    const body = html`<p class="dash-muted">${t.note}</p>${table(
      [
        { label: t.time, cell: (r) => time(ctx.locale, r.created_at), className: 'time' },
        { label: t.method, cell: (r) => code(r.method) },
        { label: t.path, cell: (r) => code(r.path) },
        { label: t.status, cell: (r) => html`<span class="http http-${String(r.status_code)[0]}xx">${r.status_code}</span>` },
        { label: t.latency, cell: (r) => `${r.latency_ms} ms`, className: 'num' },
        { label: t.idempotencyKey, cell: (r) => code(r.idempotency_key) },
        { label: t.requestId, cell: (r) => code(r.request_id) },
      ],
      rows,
      t.none,
      (r) => `${r.method} ${r.path}`,
    )}${pager(ctx, page, PER_PAGE, total)}`;
    return sendPage(reply, dashLayout(ctx, { title: t.title, section: 'requests', body }));
  });
}

function eventPages(dash: FastifyInstance, services: Services): void {
  dash.get<{ Querystring: { page?: string; type?: string } }>('/dashboard/developers/events', { config: PUBLIC }, async (request, reply) => {
    const ctx = request.dash;
    const t = ctx.t.events;
    const page = pageNumber(request.query.page);
    const type = typeof request.query.type === 'string' && /^[a-z_.]{1,64}$/.test(request.query.type) ? request.query.type : undefined;
    const { rows, total } = await listEvents(services.db, ctx.session!.actor, { page, per_page: PER_PAGE, type });
    const body = html`<form method="get" action="/dashboard/developers/events" class="dash-filters"><div class="field"><label for="f-type">${t.type}</label><input id="f-type" name="type" value="${type ?? ''}" placeholder="payment.captured"></div><div class="dash-filter-buttons"><button type="submit" class="button primary small">${t.filter}</button></div></form>
${table(
  [
    { label: t.created, cell: (e) => time(ctx.locale, e.created_at), className: 'time' },
    { label: t.type, cell: (e) => html`<a href="/dashboard/developers/events/${e.id}"><code>${e.type}</code></a>` },
    { label: t.resource, cell: (e) => (e.data.resource === 'payment' ? idLink(`/dashboard/payments/${e.resource_id}`, e.resource_id) : code(e.resource_id)) },
  ],
  rows,
  t.none,
  (e) => e.id,
)}${pager(ctx, page, PER_PAGE, total, { type })}`;
    return sendPage(reply, dashLayout(ctx, { title: t.title, section: 'events', body }));
  });

  dash.get<{ Params: { id: string }; Querystring: { done?: string } }>('/dashboard/developers/events/:id', { config: PUBLIC }, async (request, reply) => {
    const done = request.query.done === 'redelivered' ? request.dash.t.payment.done.redelivered : null;
    return showEvent(services, request, reply, request.params.id, done ? { text: done, kind: 'ok' } : null);
  });

  dash.post<{ Params: { id: string }; Body: Record<string, unknown> }>('/dashboard/developers/events/:id/redeliver', { config: PUBLIC }, async (request, reply) => {
    const id = request.params.id;
    if (!RECORD_ID.test(id)) throw new ApiError('not_found');
    const body = request.body ?? {};
    const webhook = typeof body.webhook === 'string' && RECORD_ID.test(body.webhook) ? body.webhook : null;
    const back = dashboardPath(body.back, `/dashboard/developers/events/${id}`);
    try {
      await services.db.transaction().execute((trx) => redeliverEvent(trx, request.dash.session!.actor, id, webhook));
    } catch (error) {
      if (!(error instanceof ApiError) || error.status >= 500 || (error.status === 404 && error.param === 'id')) throw error;
      return showEvent(services, request, reply, id, { text: error.message, kind: 'error' }, 422);
    }
    return reply.redirect(`${back}${back.includes('?') ? '&' : '?'}done=redelivered`, 303);
  });
}

function webhookPages(dash: FastifyInstance, services: Services): void {
  dash.get<{ Querystring: { done?: string } }>('/dashboard/developers/webhooks', { config: PUBLIC }, async (request, reply) => {
    const ctx = request.dash;
    const t = ctx.t.webhooks;
    const { rows } = await listEndpoints(services.db, ctx.session!.actor, 1, 100);
    const done = request.query.done === 'deleted' ? notice(ctx.t.manage.done.deleted) : null;
    const body = html`${done}<p><a class="button primary small" href="/dashboard/developers/webhooks/new" data-action="add-endpoint">${ctx.t.manage.add}</a></p>${table(
      [
        { label: 'ID', cell: (w) => idLink(`/dashboard/developers/webhooks/${w.id}`, w.id) },
        { label: t.url, cell: (w) => code(w.url) },
        { label: t.events, cell: (w) => (w.events.length ? w.events.join(', ') : t.allEvents) },
        { label: ctx.t.lists.status, cell: (w) => (w.active ? t.active : t.inactive) },
        { label: ctx.t.lists.created, cell: (w) => time(ctx.locale, w.created_at), className: 'time' },
      ],
      rows,
      t.none,
      (w) => w.id,
    )}`;
    return sendPage(reply, dashLayout(ctx, { title: t.title, section: 'webhooks', body }));
  });

  dash.get<{ Params: { id: string }; Querystring: { page?: string; done?: string } }>('/dashboard/developers/webhooks/:id', { config: PUBLIC }, async (request, reply) => {
    const ctx = request.dash;
    const done = request.query.done;
    const text = done === 'redelivered' ? ctx.t.payment.done.redelivered : done === 'simulated' ? ctx.t.simulate.saved : done ? ctx.t.manage.done[done] : undefined;
    const message: Message = done === 'simulate-invalid' ? { text: ctx.t.simulate.invalid, kind: 'error' } : text ? { text, kind: 'ok' } : null;
    return showEndpoint(services, request, reply, request.params.id, message);
  });
}

function clockPages(dash: FastifyInstance, services: Services): void {
  dash.get<{ Querystring: { expired?: string; done?: string } }>('/dashboard/developers/clock', { config: PUBLIC }, async (request, reply) => {
    const expired = request.query.expired;
    const reset = request.query.done === 'reset';
    const text = expired !== undefined && /^\d{1,9}$/.test(expired) ? request.dash.t.clock.advanced(Number(expired)) : reset ? request.dash.t.clock.resetDone(request.dash.session!.actor.merchant.seed !== null) : null;
    return clockPage(request, reply, text ? { text, kind: 'ok' } : null);
  });

  dash.post<{ Body: Record<string, unknown> }>('/dashboard/developers/clock/advance', { config: PUBLIC }, async (request, reply) => {
    const actor = request.dash.session!.actor;
    if (actor.merchant.mode !== 'test') throw new DashError('forbidden', 403);
    const raw = request.body?.seconds;
    const seconds = typeof raw === 'string' && /^\d{1,10}$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
    if (!(seconds >= 1 && seconds <= MAX_ADVANCE_SECONDS)) return clockPage(request, reply, { text: request.dash.t.clock.invalid, kind: 'error' }, 422);
    const state = await advanceClock(services, actor, seconds);
    return reply.redirect(`/dashboard/developers/clock?expired=${state.expired}`, 303);
  });

  dash.post('/dashboard/developers/clock/reset', { config: PUBLIC }, async (request, reply) => {
    const actor = request.dash.session!.actor;
    if (actor.merchant.mode !== 'test') throw new DashError('forbidden', 403);
    await resetClock(services, actor);
    return reply.redirect('/dashboard/developers/clock?done=reset', 303);
  });
}

/** An event with its payload and deliveries, with a notice above when `message` says what was done. */
async function showEvent(services: Services, request: FastifyRequest, reply: FastifyReply, id: string, message: Message, status = 200) {
  if (!RECORD_ID.test(id)) throw new ApiError('not_found');
  const ctx = request.dash;
  const t = ctx.t.events;
  const actor = ctx.session!.actor;
  const event = await getEvent(services.db, actor, id);
  const deliveries = await eventDeliveries(services.db, actor, id);
  const back = `/dashboard/developers/events/${id}`;
  const body = html`${message ? notice(message.text, message.kind) : null}
<p class="dash-lead"><code data-event-type="${event.type}">${event.type}</code> <code>${event.id}</code> ${time(ctx.locale, event.created_at)}</p>
<section><h2>${t.deliveries}</h2>${deliveries.length > 0 ? redeliverForm(ctx, id, back) : null}${deliveriesTable(ctx, deliveries)}</section>
<section><h2>${t.payload}</h2>${json(serializeEvent(event, 'default'))}</section>`;
  return sendPage(reply, dashLayout(ctx, { title: `${t.title} ${event.type}`, section: 'events', body }), status);
}

/** The test clock's page: what time it is for this merchant, and forms to move it on. */
function clockPage(request: FastifyRequest, reply: FastifyReply, message: Message, status = 200) {
  const ctx = request.dash;
  const t = ctx.t.clock;
  const actor = ctx.session!.actor;
  if (actor.merchant.mode !== 'test') {
    return sendPage(reply, dashLayout(ctx, { title: t.title, section: 'clock', body: notice(t.liveOnly, 'error') }), status);
  }
  const state = clockState(actor);
  const quick = (seconds: number, label: string) =>
    html`<form method="post" action="/dashboard/developers/clock/advance" class="inline">${csrfField(ctx)}<input type="hidden" name="seconds" value="${seconds}"><button type="submit" class="button secondary small">${label}</button></form>`;
  const body = html`${message ? notice(message.text, message.kind) : null}
${facts(ctx, state.now, state.offsetMs)}
<div class="dash-quick">${quick(3600, t.hour)} ${quick(86400, t.day)} ${quick(7 * 86400, t.week)}</div>
<form method="post" action="/dashboard/developers/clock/advance" class="dash-form dash-action" data-form="advance">${csrfField(ctx)}
<div class="field"><label for="clock-seconds">${t.seconds}</label><input id="clock-seconds" name="seconds" inputmode="numeric" required></div>
<button type="submit" class="button primary small">${t.advance}</button></form>
<form method="post" action="/dashboard/developers/clock/reset" class="dash-form dash-action" data-form="clock-reset">${csrfField(ctx)}
<p class="dash-muted">${t.resetNote}</p><button type="submit" class="button secondary small">${t.reset}</button></form>`;
  return sendPage(reply, dashLayout(ctx, { title: t.title, section: 'clock', body }), status);
}

/** The merchant's clock: now, and how far ahead of real time. */
function facts(ctx: FastifyRequest['dash'], now: Date, offsetMs: number) {
  return html`<dl class="details dash-facts"><div class="row" data-field="now"><dt>${ctx.t.clock.now}</dt><dd>${time(ctx.locale, now)}</dd></div><div class="row" data-field="offset"><dt>${ctx.t.clock.offset}</dt><dd>${formatOffset(offsetMs)}</dd></div></dl>`;
}

/** `3d 4h 5m 6s` ahead of real time. */
function formatOffset(offsetMs: number): string {
  let seconds = Math.round(offsetMs / 1000);
  const parts: string[] = [];
  for (const [unit, size] of [['d', 86400], ['h', 3600], ['m', 60]] as const) {
    if (seconds >= size) {
      parts.push(`${Math.floor(seconds / size)}${unit}`);
      seconds %= size;
    }
  }
  if (seconds || parts.length === 0) parts.push(`${seconds}s`);
  return parts.join(' ');
}
