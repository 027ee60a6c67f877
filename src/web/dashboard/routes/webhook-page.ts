import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../../domain/context';
import { requireEndpoint } from '../../../domain/dashboard/views';
import { listDeliveries } from '../../../domain/webhook-delivery';
import { ApiError } from '../../../kernel/errors';
import type { WebhookEndpoint } from '../../../model/webhook';
import { html, type Html } from '../../html';
import { sendPage } from '../../respond';
import { notice, pager, table, time } from '../components';
import { csrfField, dashLayout, type DashContext } from '../layout';
import { attemptsList, redeliverForm, simulatedMark } from '../timeline';
import { pageNumber } from './lists';
import { simulateForm } from './webhook-simulate';
import { RECORD_ID } from '../actions';

const PER_PAGE = 25;
const BASE = '/dashboard/developers/webhooks';

export type Message = { text: string; kind: 'ok' | 'error' } | null;

/**
 * An endpoint's page: its management forms (webhook-manage.ts), faults form and deliveries, with a
 * notice above; `secret` is shown once when the merchant asked to reveal it (never in a URL).
 */
export async function showEndpoint(services: Services, request: FastifyRequest, reply: FastifyReply, id: string, message: Message, status = 200, secret: string | null = null) {
  const ctx = request.dash;
  const t = ctx.t.webhooks;
  if (!RECORD_ID.test(id)) throw new ApiError('not_found');
  const actor = ctx.session!.actor;
  const endpoint = await requireEndpoint(services.db, actor, id);
  const page = pageNumber((request.query as { page?: string } | undefined)?.page);
  const { rows, total } = await listDeliveries(services.db, actor, endpoint.id, page, PER_PAGE);
  const back = `/dashboard/developers/webhooks/${endpoint.id}`;
  const body = html`${message ? notice(message.text, message.kind) : null}
<p class="dash-lead"><code>${endpoint.url}</code> <span data-field="active">${endpoint.active ? t.active : t.inactive}</span> ${endpoint.events.length ? endpoint.events.join(', ') : t.allEvents}</p>
${manageForms(ctx, endpoint, secret)}
${simulateForm(ctx, endpoint)}
<h2>${t.deliveries}</h2>
${table(
  [
    { label: ctx.t.events.type, cell: (d) => html`<a href="/dashboard/developers/events/${d.event_id}"><code>${d.event_type}</code></a>` },
    { label: ctx.t.lists.created, cell: (d) => time(ctx.locale, d.created_at), className: 'time' },
    { label: ctx.t.deliveries.status, cell: (d) => html`<span class="delivery delivery-${d.status}" data-delivery-status="${d.status}">${ctx.t.deliveries.states[d.status] ?? d.status}</span>${simulatedMark(ctx, d.simulated)}` },
    { label: ctx.t.deliveries.attempts, cell: (d) => attemptsList(ctx, d) },
    { label: ctx.t.deliveries.nextAttempt, cell: (d) => (d.status === 'pending' ? time(ctx.locale, d.next_attempt_at) : '—'), className: 'time' },
    { label: '', cell: (d) => redeliverForm(ctx, d.event_id, back, endpoint.id) },
  ],
  rows,
  ctx.t.events.none,
  (d) => d.id,
)}${pager(ctx, page, PER_PAGE, total)}`;
  if (secret) reply.header('cache-control', 'no-store');
  return sendPage(reply, dashLayout(ctx, { title: `${t.title} ${endpoint.id}`, section: 'webhooks', body }), status);
}

/** The endpoint page's buttons: edit, pause/resume, send a test event (test mode), reveal the secret, delete. */
export function manageForms(ctx: DashContext, endpoint: WebhookEndpoint, secret: string | null): Html {
  const t = ctx.t.manage;
  const path = `${BASE}/${endpoint.id}`;
  const post = (action: string, label: string, hidden: Html | null = null, kind = 'secondary') =>
    html`<form method="post" action="${path}/${action}" class="inline" data-form="${action}">${csrfField(ctx)}${hidden}<button type="submit" class="button ${kind} small">${label}</button></form>`;
  const toggle = endpoint.active ? post('active', t.pause, html`<input type="hidden" name="active" value="false">`) : post('active', t.resume, html`<input type="hidden" name="active" value="true">`);
  return html`<div class="dash-quick" data-manage><a class="button secondary small" href="${path}/edit">${t.edit}</a> ${toggle} ${
    ctx.session!.actor.merchant.mode === 'test' ? post('ping', t.ping) : null
  } ${post('secret', t.reveal)} <a class="button danger small" href="${path}/delete">${t.remove}</a></div>${
    secret ? html`<div class="dash-secret">${notice(t.revealed)}<p>${ctx.t.webhooks.secret}: <code data-secret>${secret}</code></p></div>` : null
  }`;
}

