import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../../../domain/context';
import { BrandRefused, changeBrand, LOGO_MAX_BYTES, merchantLogo, NAME_MAX_LENGTH, type BrandChange, type BrandRefusal, type ShownLogo } from '../../../domain/merchant-brand';
import { html, type Html } from '../../html';
import type { DashboardMessages } from '../../i18n/dashboard';
import type { Message } from '../actions';
import { csrfField, type DashContext } from '../layout';
import { UploadedFile } from '../multipart';

const PUBLIC = { access: 'public' as const };
const MAX_KB = LOGO_MAX_BYTES / 1024;
/**
 * Room for a logo far over its limit, so that a too-large one is refused with the page's own
 * message rather than the body limit's error page; the framing and the other fields are small.
 */
const BODY_LIMIT = 2 * 1024 * 1024;

/** The settings page again, with a message: settings.ts's. */
type Show = (request: FastifyRequest, reply: FastifyReply, message: Message, status: number) => Promise<unknown>;

/** Settings → Brand: the display name and logo the merchant's customers see (domain/merchant-brand.ts). */
export async function brandSection(services: Services, ctx: DashContext): Promise<Html> {
  const t = ctx.t.brand;
  const merchant = ctx.session!.merchant;
  const logo = await merchantLogo(services.db, merchant.id);
  return html`<section data-section="brand"><h2>${t.title}</h2><p class="dash-muted">${t.hint}</p>
<form method="post" action="/dashboard/settings/brand" enctype="multipart/form-data" class="dash-form" data-form="brand">${csrfField(ctx)}
<div class="field"><label for="brand-name">${t.name}</label><input id="brand-name" name="name" value="${merchant.name}" required maxlength="${String(NAME_MAX_LENGTH)}" autocomplete="organization"></div>
${currentLogo(t, logo)}
<div class="field"><label for="brand-logo">${t.logo}</label><input id="brand-logo" type="file" name="logo" accept="image/png,image/jpeg,image/webp" aria-describedby="brand-logo-hint"><small id="brand-logo-hint" class="dash-muted">${t.logoHint(MAX_KB)}</small></div>
<button type="submit" class="button primary small">${t.save}</button></form></section>`;
}

function currentLogo(t: DashboardMessages['brand'], logo: ShownLogo | null): Html {
  if (!logo) return html`<p class="dash-muted" data-logo="none">${t.noLogo}</p>`;
  return html`<figure class="dash-logo"><img src="${logo.src}" alt="${t.currentLogo}" width="${String(logo.width)}" height="${String(logo.height)}" data-logo="current"><figcaption class="dash-muted">${t.currentLogo}</figcaption></figure>
<label class="dash-check"><input type="checkbox" name="remove_logo" value="1"> ${t.removeLogo}</label>`;
}

/**
 * POST /dashboard/settings/brand (multipart: the logo is a file) — the name, and a new logo or
 * `remove_logo`; an empty file field keeps the logo. Refused (blank name, a logo too large or not
 * a PNG, JPEG or WebP image): the settings page again, 422, with the reason, and nothing changed.
 */
export function registerBrand(dash: FastifyInstance, services: Services, show: Show): void {
  dash.post<{ Body: Record<string, unknown> }>('/dashboard/settings/brand', { config: PUBLIC, bodyLimit: BODY_LIMIT }, async (request, reply) => {
    const t = request.dash.t.brand;
    const merchant = request.dash.session!.merchant;
    try {
      await changeBrand(services.db, merchant.id, brandChange(request.body ?? {}), services.clock.now());
    } catch (error) {
      if (!(error instanceof BrandRefused)) throw error;
      return show(request, reply, { text: refusalText(t, error.reason), kind: 'error' }, 422);
    }
    request.log.info({ merchant: merchant.id }, 'brand changed in the dashboard');
    return reply.redirect('/dashboard/settings?done=brand', 303);
  });
}

/** The form → the change: text fields as sent, the file when one was chosen (a browser sends an empty one otherwise). */
function brandChange(body: Record<string, unknown>): BrandChange {
  const change: BrandChange = {};
  if (typeof body.name === 'string') change.name = body.name;
  if (body.logo instanceof UploadedFile && body.logo.bytes.length > 0) change.logo = body.logo.bytes;
  else if (body.remove_logo === '1') change.logo = null;
  return change;
}

function refusalText(t: DashboardMessages['brand'], reason: BrandRefusal): string {
  switch (reason) {
    case 'name_too_long':
      return t.refusals.name_too_long(NAME_MAX_LENGTH);
    case 'logo_too_large':
      return t.refusals.logo_too_large(MAX_KB);
    default:
      return t.refusals[reason];
  }
}
