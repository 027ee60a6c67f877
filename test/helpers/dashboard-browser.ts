import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';

/** The password test/helpers' dashboard users are made with, unless a test says otherwise. */
export const DASHBOARD_PASSWORD = 'correct horse battery';

type Form = Record<string, string | string[]>;

/**
 * A browser on the dashboard through app.inject(), without Chromium: its cookie jar, language and
 * client address, and the CSRF token its forms carry.
 *
 *   const browser = await signedIn(h.app, 'ops@shop.example');
 *   await browser.post('/dashboard/developers/clock/reset');
 */
export class DashboardBrowser {
  readonly cookies = new Map<string, string>();

  constructor(
    private readonly app: FastifyInstance,
    readonly language = 'en',
    readonly address = '10.0.0.1',
  ) {}

  async request(options: InjectOptions & { form?: Form }): Promise<LightMyRequestResponse> {
    const headers: Record<string, string> = { 'accept-language': this.language, ...(options.headers as Record<string, string>) };
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    let payload = options.payload;
    if (options.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      const params = new URLSearchParams();
      for (const [key, value] of Object.entries(options.form)) for (const v of [value].flat()) params.append(key, v);
      payload = params.toString();
    }
    const res = await this.app.inject({ ...options, headers, payload, remoteAddress: this.address });
    for (const cookie of [res.headers['set-cookie'] ?? []].flat()) {
      const [name, value] = cookie.split(';')[0].split('=');
      if (/Max-Age=0/.test(cookie)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }

  get(url: string) {
    return this.request({ method: 'GET', url });
  }

  /** POSTs a form of a signed-in page, with this session's CSRF token, or `csrf` (null: none). */
  async post(url: string, form: Form = {}, csrf?: string | null) {
    const token = csrf === undefined ? await this.csrf() : csrf;
    return this.request({ method: 'POST', url, form: token === null ? form : { ...form, _csrf: token } });
  }

  /** POSTs a multipart form (a file upload) of a signed-in page, with this session's CSRF token. */
  async postMultipart(url: string, fields: Record<string, string>, files: Record<string, { name: string; type: string; bytes: Buffer }> = {}) {
    const form = new FormData();
    form.set('_csrf', await this.csrf());
    for (const [name, value] of Object.entries(fields)) form.set(name, value);
    for (const [name, file] of Object.entries(files)) form.set(name, new Blob([new Uint8Array(file.bytes)], { type: file.type }), file.name);
    const encoded = new Request('http://dashboard.test/', { method: 'POST', body: form });
    const payload = Buffer.from(await encoded.arrayBuffer());
    return this.request({ method: 'POST', url, payload, headers: { 'content-type': encoded.headers.get('content-type')! } });
  }

  async csrf(): Promise<string> {
    return csrfOf((await this.get('/dashboard/settings')).body);
  }

  async signIn(email: string, password = DASHBOARD_PASSWORD) {
    const form = await this.get('/dashboard/login');
    return this.request({ method: 'POST', url: '/dashboard/login', form: { _csrf: csrfOf(form.body), email, password } });
  }
}

export function csrfOf(body: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(body);
  if (!match) throw new Error(`no CSRF field in ${body.slice(0, 300)}`);
  return match[1];
}

/** A browser signed in as `email` (303 expected). */
export async function signedIn(app: FastifyInstance, email: string, { language = 'en', address = '10.0.0.1', password = DASHBOARD_PASSWORD } = {}): Promise<DashboardBrowser> {
  const browser = new DashboardBrowser(app, language, address);
  const res = await browser.signIn(email, password);
  expect(res.statusCode, res.body).toBe(303);
  return browser;
}
