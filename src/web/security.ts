import type { FastifyHelmetOptions } from '@fastify/helmet';
import type { FastifyRequest } from 'fastify';

/**
 * Security headers of every customer page, set by @fastify/helmet.
 *
 * Content-Security-Policy: everything from this server only (one stylesheet, no script at all),
 * no plugins, no <base>, never framed (`frame-ancestors 'none'`, plus helmet's X-Frame-Options
 * for old browsers: a payment page inside someone else's frame invites clickjacking), and forms
 * may post only here — `formActionCsp` widens that per page where a form's answer redirects to
 * the merchant. `upgrade-insecure-requests` is left out: kessai is usually served over plain
 * http on localhost, where it would break the stylesheet. HSTS is sent app-wide when the public
 * URL is https (src/http/plugins/transport-security.ts), so helmet's is off here.
 *
 * Referrer-Policy `same-origin`: the page URLs carry the payment id, which must not leak to
 * other sites through Referer, while our own form posts keep a Referer for the origin check.
 * (`no-referrer` would not do: the Fetch standard then sends `Origin: null` even on our own posts.)
 */
export function cspDirectives(formActionOrigins: readonly string[] = []): Record<string, string[]> {
  return {
    'default-src': ["'self'"],
    'base-uri': ["'none'"],
    'object-src': ["'none'"],
    'frame-ancestors': ["'none'"],
    'form-action': ["'self'", ...formActionOrigins],
  };
}

export const HELMET_OPTIONS: FastifyHelmetOptions = {
  global: true,
  contentSecurityPolicy: { useDefaults: false, directives: cspDirectives() },
  strictTransportSecurity: false,
  referrerPolicy: { policy: 'same-origin' },
  frameguard: { action: 'deny' },
};

/**
 * The headers of an image anyone may embed: the konbini, card and payment-method logos a
 * merchant's page shows through KOMOJU Fields, loaded from this server by a page on another
 * origin. Helmet's default `Cross-Origin-Resource-Policy: same-origin` makes the browser refuse
 * them there; an image reveals nothing, so `cross-origin`. Pages, scripts and stylesheets keep
 * `same-origin`.
 */
export const PUBLIC_IMAGE_HELMET: FastifyHelmetOptions = { crossOriginResourcePolicy: { policy: 'cross-origin' } };

/**
 * The CSP of a page whose form posts here and is answered with a 303 to `returnUrl`. Browsers
 * check `form-action` against every URL of the redirect chain a form submission follows
 * (CSP Level 3 §6.3.1; Chromium enforces it), so without the merchant's origin here the
 * redirect back to the shop would be blocked after the payment had already changed. Several URLs
 * when the chain passes through more than one (3-D Secure of a session: our page, then the shop).
 */
export function formActionCsp(...returnUrls: (string | null)[]): FastifyHelmetOptions['contentSecurityPolicy'] {
  const origins = [...new Set(returnUrls.filter((url): url is string => !!url).map((url) => new URL(url).origin))];
  return { useDefaults: false, directives: cspDirectives(origins) };
}

/**
 * Whether a form POST comes from one of our own pages.
 *
 * The form targets carry the payment's 25-character random id, which is what lets anyone act on
 * it at all: without the id there is nothing to forge. But ids do travel — in the merchant's
 * return_url, in the customer's history, in a screenshot — and there are no cookies or sessions
 * here to tie a POST to a page view. So, as defence in depth, a button that moves money must
 * have been pressed on a page this server rendered: a page elsewhere that auto-submits a form, or
 * a cross-origin fetch, must not pay, decline or cancel a payment the customer is looking at.
 *
 * Browsers send `Origin` on every cross-origin POST (and Chromium and Firefox on same-origin ones
 * too); `Referer` is the fallback for those that do not (our Referrer-Policy keeps it for our own
 * origin). A POST with neither comes from no browser page — curl or a test script holding the id,
 * which could as well use the API — and is let through. `Origin: null` (sandboxed frames,
 * privacy-redirected requests) is refused. "Ours" is the public URL's origin or, behind no proxy,
 * the origin the request was addressed to (its Host header, which a browser never lets a page
 * forge).
 */
export function isOwnOriginPost(request: FastifyRequest, publicUrl: string): boolean {
  const ours = new Set([new URL(publicUrl).origin, `${request.protocol}://${request.host}`]);
  const origin = header(request, 'origin');
  if (origin !== undefined) return ours.has(origin);
  const referer = header(request, 'referer');
  if (referer !== undefined) {
    try {
      return ours.has(new URL(referer).origin);
    } catch {
      return false;
    }
  }
  return true;
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
