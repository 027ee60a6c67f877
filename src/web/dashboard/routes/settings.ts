import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../../domain/context';
import { currentMerchant, listKeys, rollSecretKey } from '../../../domain/dashboard/keys';
import { changeEnabledTypes, enabledTypes } from '../../../domain/merchants';
import { listEndpoints } from '../../../domain/webhooks';
import { METHODS, METHOD_TYPES } from '../../../methods';
import { methodGroups } from '../method-groups';
import { html, type Html } from '../../html';
import type { DashboardMessages } from '../../i18n/dashboard';
import { sendPage } from '../../respond';
import { code, notice, table, time } from '../components';
import { csrfField, dashLayout } from '../layout';
import { brandSection, registerBrand } from './settings-brand';
import type { Message } from '../actions';

const PUBLIC = { access: 'public' as const };
const GRACES = ['0', '3600', '86400', '604800'] as const;

interface Shown {
  message?: Message;
  /** A secret key just made: shown this once. */
  newKey?: { secretKey: string; oldKeysExpireAt: Date; grace: number };
}

/**
 * GET /dashboard/settings — API keys (the publishable key in full, secret keys masked: they are
 * kept as digests), webhook signing secrets, enabled payment methods.
 * POST /dashboard/settings/keys/roll — a new secret key, shown once on the page that answers;
 * the old ones stop working after the chosen grace period (0: at once → the API answers 401).
 * POST /dashboard/settings/methods — the ticked methods become the enabled ones (the same
 * changeEnabledTypes as `kessai merchants methods`).
 * POST /dashboard/settings/brand — the display name and logo customers see (settings-brand.ts).
 */
export default function route(dash: FastifyInstance, services: Services): void {
  dash.get<{ Querystring: { done?: string } }>('/dashboard/settings', { config: PUBLIC }, async (request, reply) =>
    settingsPage(services, request, reply, { message: doneMessage(request.dash.t, request.query.done) }),
  );
  registerBrand(dash, services, (request, reply, message, status) => settingsPage(services, request, reply, { message }, status));

  dash.post<{ Body: Record<string, unknown> }>('/dashboard/settings/keys/roll', { config: PUBLIC }, async (request, reply) => {
    const raw = request.body?.grace;
    if (typeof raw !== 'string' || !(GRACES as readonly string[]).includes(raw)) {
      return settingsPage(services, request, reply, { message: { text: request.dash.t.common.error, kind: 'error' } }, 422);
    }
    const grace = Number(raw);
    const rolled = await rollSecretKey(services.db, request.dash.session!.merchant, grace, services.clock.now());
    request.log.info({ merchant: request.dash.session!.merchant.id, grace }, 'secret key rolled in the dashboard');
    return settingsPage(services, request, reply, { newKey: { ...rolled, grace } });
  });

  dash.post<{ Body: Record<string, unknown> }>('/dashboard/settings/methods', { config: PUBLIC }, async (request, reply) => {
    const raw = request.body?.types;
    // No box ticked sends no `types`; anything but strings is no form of ours.
    const ticked: unknown[] = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
    const unknown = ticked.filter((type) => typeof type !== 'string' || !METHOD_TYPES.includes(type)).map(shownValue);
    if (unknown.length > 0) return settingsPage(services, request, reply, { message: { text: `${request.dash.t.common.error}: ${unknown.join(', ')}`, kind: 'error' } }, 422);
    const types = ticked as string[];
    await changeEnabledTypes(services.db, request.dash.session!.merchant.id, {
      enable: types,
      disable: METHOD_TYPES.filter((type) => !types.includes(type)),
    });
    return reply.redirect('/dashboard/settings?done=methods', 303);
  });
}

/** The settings page: keys (with a key just made, once), webhook signing secrets, enabled methods. */
async function settingsPage(services: Services, request: FastifyRequest, reply: FastifyReply, shown: Shown, status = 200) {
  const ctx = request.dash;
  const t = ctx.t.settings;
  // Read the merchant again: the session's copy predates a change this request made.
  const merchant = await currentMerchant(services.db, ctx.session!.merchant.id);
  const keys = await listKeys(services.db, merchant.id, services.clock.now());
  const { rows: endpoints } = await listEndpoints(services.db, ctx.session!.actor, 1, 100);
  const enabled = new Set(enabledTypes(merchant));
  const newKey: Html | null = shown.newKey
    ? html`<div class="dash-secret" role="status" data-new-secret-key><p>${t.newKey}</p><p><code class="code" data-secret-key>${shown.newKey.secretKey}</code></p><p>${
        shown.newKey.grace === 0 ? t.oldKeyRevoked : t.oldKeyUntil(time(ctx.locale, shown.newKey.oldKeysExpireAt))
      }</p></div>`
    : null;
  const body = html`${shown.message ? notice(shown.message.text, shown.message.kind) : null}
${await brandSection(services, ctx)}
<section><h2>${t.keys}</h2>${newKey}
${table(
  [
    { label: t.kind, cell: (k) => t.kinds[k.kind] ?? k.kind },
    { label: t.key, cell: (k) => html`<code data-key-kind="${k.kind}">${k.display}</code>` },
    { label: t.state, cell: (k) => html`<span data-key-state="${k.state}">${t.states[k.state] ?? k.state}</span>` },
    { label: t.created, cell: (k) => time(ctx.locale, k.createdAt), className: 'time' },
    { label: t.expires, cell: (k) => (k.expiresAt ? time(ctx.locale, k.expiresAt) : '') },
  ],
  keys,
  '',
)}
<p class="dash-muted">${t.secretHidden}</p>
<form method="post" action="/dashboard/settings/keys/roll" class="dash-form dash-action" data-form="roll">${csrfField(ctx)}
<div class="field"><label for="roll-grace">${t.grace}</label><select id="roll-grace" name="grace">${GRACES.map((g) => html`<option value="${g}">${t.graces[g]}</option>`)}</select></div>
<button type="submit" class="button danger small">${t.roll}</button></form>
</section>
<section><h2>${t.webhooks}</h2>${table(
    [
      { label: ctx.t.webhooks.url, cell: (w) => html`<a href="/dashboard/developers/webhooks/${w.id}"><code>${w.url}</code></a>` },
      { label: ctx.t.webhooks.secret, cell: (w) => code(w.secret_token) },
    ],
    endpoints,
    ctx.t.webhooks.none,
  )}</section>
<section><h2>${t.methods}</h2><p class="dash-muted">${t.methodsHint}</p>
<form method="post" action="/dashboard/settings/methods" class="dash-form" data-form="methods">${csrfField(ctx)}
<fieldset class="dash-methods"><legend>${t.methods}</legend>${methodGroups(METHODS, ctx.locale).map(
    (group) => html`<fieldset class="dash-method-group" data-method-group="${group.key}"><legend>${group.label}</legend>${group.methods.map(
      (m) => html`<label><input type="checkbox" name="types" value="${m.type}"${enabled.has(m.type) ? html` checked` : null}> ${m.names[ctx.locale]} <code>${m.type}</code></label>`,
    )}</fieldset>`,
  )}</fieldset>
<button type="submit" class="button primary small">${t.save}</button></form></section>`;
  return sendPage(reply, dashLayout(ctx, { title: t.title, section: 'settings', body }), status);
}

/** What `?done=` after a saved form says. */
function doneMessage(t: DashboardMessages, done: string | undefined): Shown['message'] {
  if (done === 'methods') return { text: t.settings.methodsSaved, kind: 'ok' };
  if (done === 'brand') return { text: t.brand.saved, kind: 'ok' };
  return undefined;
}

/** A value the form should not have sent, as text for the error notice: `types[x]=konbini` is an object, which String() prints as "[object Object]". */
function shownValue(value: unknown): string {
  return (typeof value === 'string' ? value : (JSON.stringify(value) ?? typeof value)).slice(0, 64);
}
