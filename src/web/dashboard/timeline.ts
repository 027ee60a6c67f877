import type { WebhookDelivery, Event } from '../../domain/dashboard/views';
import { html, type Html } from '../html';
import { code, table, time } from './components';
import { csrfField, type DashContext } from './layout';

/** A "Redeliver" button: POSTs to the event's redeliver route, then back to `back` (a dashboard path). */
export function redeliverForm(ctx: DashContext, eventId: string, back: string, webhookId?: string): Html {
  return html`<form method="post" action="/dashboard/developers/events/${eventId}/redeliver" class="inline">${csrfField(ctx)}<input type="hidden" name="back" value="${back}">${
    webhookId ? html`<input type="hidden" name="webhook" value="${webhookId}">` : null
  }<button type="submit" class="button secondary small" data-action="redeliver" data-event="${eventId}">${ctx.t.events.redeliver}</button></form>`;
}

/** An event's deliveries, each with every attempt (time, HTTP status, latency, error). */
export function deliveriesTable(ctx: DashContext, deliveries: readonly WebhookDelivery[]): Html {
  const t = ctx.t.deliveries;
  return table(
    [
      { label: t.endpoint, cell: (d) => html`<a href="/dashboard/developers/webhooks/${d.endpoint_id}">${code(d.endpoint_id)}</a>` },
      { label: t.status, cell: (d) => html`<span class="delivery delivery-${d.status}" data-delivery-status="${d.status}">${t.states[d.status] ?? d.status}</span>` },
      { label: t.attempts, cell: (d) => attemptsList(ctx, d) },
      { label: t.nextAttempt, cell: (d) => (d.status === 'pending' ? time(ctx.locale, d.next_attempt_at) : '—') },
    ],
    deliveries,
    ctx.t.events.noDeliveries,
    (d) => d.id,
  );
}

/** A delivery's attempts, oldest first: time, HTTP status (— when none came), latency, error. */
export function attemptsList(ctx: DashContext, delivery: WebhookDelivery): Html {
  const t = ctx.t.deliveries;
  if (delivery.attempts.length === 0) return html`<span class="dash-muted">${t.noAttempts}</span>`;
  return html`<ol class="dash-attempts">${delivery.attempts.map(
    (a) =>
      html`<li data-attempt-status="${a.status_code ?? 'none'}">${time(ctx.locale, a.attempted_at)} · <strong>${a.status_code ?? '—'}</strong> · ${a.latency_ms} ms${
        a.error ? html` · <span class="dash-error">${a.error}</span>` : null
      }${simulatedMark(ctx, a.simulated)}</li>`,
  )}</ol>`;
}

/** A resource's events, oldest first, each with its deliveries and a Redeliver button. */
export function timeline(ctx: DashContext, entries: readonly { event: Event; deliveries: WebhookDelivery[] }[], back: string): Html {
  if (entries.length === 0) return html`<p class="dash-empty">${ctx.t.events.none}</p>`;
  return html`<ol class="dash-timeline">${entries.map(
    ({ event, deliveries }) =>
      html`<li data-event-type="${event.type}" data-event="${event.id}"><div class="dash-timeline-head"><span class="dash-time">${time(ctx.locale, event.created_at)}</span> <a href="/dashboard/developers/events/${event.id}"><code>${event.type}</code></a> ${
        deliveries.length > 0 ? redeliverForm(ctx, event.id, back) : null
      }</div>${deliveries.length > 0 ? deliveriesTable(ctx, deliveries) : null}</li>`,
  )}</ol>`;
}

/** What a fault was done on purpose, marked beside a delivery or an attempt of the delivery log. */
export function simulatedMark(ctx: DashContext, faults: readonly string[]): Html | null {
  if (faults.length === 0) return null;
  const names = faults.map((fault) => ctx.t.simulate.faults[fault] ?? fault).join(', ');
  return html` · <span class="dash-simulated" data-simulated="${faults.join(' ')}">${ctx.t.simulate.marked}: ${names}</span>`;
}
