import type { FastifyInstance } from 'fastify';
import type { Services } from '../../../domain/context';
import { MAX_DELAY_SECONDS, MAX_WINDOW_SECONDS, type SimulationInput } from '../../../domain/webhook-simulation';
import { updateEndpoint } from '../../../domain/webhooks';
import { ApiError } from '../../../kernel/errors';
import type { WebhookEndpoint } from '../../../model/webhook';
import { html, type Html } from '../../html';
import { DashError } from '../errors';
import { csrfField, type DashContext } from '../layout';
import { RECORD_ID } from '../actions';


/**
 * The endpoint page's form of simulated receiver faults (test mode only; docs/webhooks.md), showing
 * the endpoint's current ones. It posts to POST /dashboard/developers/webhooks/:id/simulate.
 */
export function simulateForm(ctx: DashContext, endpoint: WebhookEndpoint): Html | null {
  if (ctx.session!.actor.merchant.mode !== 'test') return null;
  const t = ctx.t.simulate;
  const s = endpoint.simulate;
  const box = (name: string, label: string, on: boolean | undefined) =>
    html`<label><input type="checkbox" name="${name}" value="true"${on ? html` checked` : null}> ${label}</label>`;
  return html`<section data-section="simulate"><h2>${t.title}</h2><p class="dash-muted">${t.note}</p>
<form method="post" action="/dashboard/developers/webhooks/${endpoint.id}/simulate" class="dash-form dash-action" data-form="simulate">${csrfField(ctx)}
${box('duplicate', t.duplicate, s?.duplicate)}
${box('bad_signature', t.badSignature, s?.bad_signature)}
${box('wrong_content_type', t.wrongContentType, s?.wrong_content_type)}
<div class="field"><label for="sim-window">${t.outOfOrder}</label><input id="sim-window" name="window_seconds" inputmode="numeric" value="${s?.out_of_order?.window_seconds ?? ''}"></div>
<div class="field"><label for="sim-delay">${t.delay}</label><input id="sim-delay" name="delay_seconds" inputmode="numeric" value="${s?.delay_seconds || ''}"></div>
<button type="submit" class="button primary small">${t.save}</button></form></section>`;
}

/** A whole number of seconds from a form field in min…max; empty is `empty`; anything else null. */
function secondsField(raw: unknown, min: number, max: number, empty: number | undefined): number | undefined | null {
  const text = typeof raw === 'string' ? raw.trim() : '';
  if (text === '') return empty;
  const n = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  return n >= min && n <= max ? n : null;
}

/** POST /dashboard/developers/webhooks/:id/simulate — the form above, as `PATCH /webhooks/:id {simulate}`. */
export default function route(dash: FastifyInstance, services: Services): void {
  dash.post<{ Params: { id: string }; Body: Record<string, unknown> }>(
    '/dashboard/developers/webhooks/:id/simulate',
    { config: { access: 'public' } },
    async (request, reply) => {
      const id = request.params.id;
      if (!RECORD_ID.test(id)) throw new ApiError('not_found');
      const actor = request.dash.session!.actor;
      if (actor.merchant.mode !== 'test') throw new DashError('forbidden', 403);
      const body = request.body ?? {};
      const window = secondsField(body.window_seconds, 1, MAX_WINDOW_SECONDS, undefined);
      const delay = secondsField(body.delay_seconds, 0, MAX_DELAY_SECONDS, 0);
      const back = `/dashboard/developers/webhooks/${id}`;
      if (window === null || delay === null) return reply.redirect(`${back}?done=simulate-invalid`, 303);
      const simulate: SimulationInput = {
        duplicate: body.duplicate === 'true',
        bad_signature: body.bad_signature === 'true',
        wrong_content_type: body.wrong_content_type === 'true',
        delay_seconds: delay,
        ...(window !== undefined ? { out_of_order: { window_seconds: window } } : {}),
      };
      await services.db.transaction().execute((trx) => updateEndpoint(trx, services.webhooks, actor, id, { simulate }));
      return reply.redirect(`${back}?done=simulated`, 303);
    },
  );
}
