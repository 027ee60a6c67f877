import type { FastifyReply, FastifyRequest } from 'fastify';

/** The dashboard's cookies: all HttpOnly, SameSite=Lax, scoped to /dashboard. */
export const SESSION_COOKIE = 'kessai_dashboard';
export const LOGIN_CSRF_COOKIE = 'kessai_login_csrf';
export const LOCALE_COOKIE = 'kessai_locale';

/** `name=value; other=…` → { name: value } (first one wins; values are URI-decoded when they can be). */
export function parseCookies(header: string | undefined): Record<string, string> {
  const cookies: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 1) continue;
    const name = part.slice(0, eq).trim();
    if (Object.hasOwn(cookies, name)) continue;
    const value = part.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
    try {
      cookies[name] = decodeURIComponent(value);
    } catch {
      cookies[name] = value;
    }
  }
  return cookies;
}

export function readCookie(request: FastifyRequest, name: string): string | undefined {
  return parseCookies(request.headers.cookie)[name];
}

/**
 * `Secure` when the dashboard is served over HTTPS: the public URL says so, or the request came
 * over TLS (directly, or through a proxy Fastify trusts for X-Forwarded-Proto).
 */
export function isHttps(request: FastifyRequest, publicUrl: string): boolean {
  return publicUrl.startsWith('https:') || request.protocol === 'https';
}

export interface CookieOptions {
  /** Seconds; 0 deletes the cookie; undefined makes a session cookie. */
  maxAge?: number;
  path?: string;
  secure: boolean;
}

/** Adds a Set-Cookie header (Fastify appends: several may be set on one reply). */
export function setCookie(reply: FastifyReply, name: string, value: string, options: CookieOptions): void {
  const parts = [`${name}=${encodeURIComponent(value)}`, `Path=${options.path ?? '/dashboard'}`, 'HttpOnly', 'SameSite=Lax'];
  if (options.maxAge !== undefined) parts.push(`Max-Age=${options.maxAge}`);
  if (options.secure) parts.push('Secure');
  reply.header('set-cookie', parts.join('; '));
}
