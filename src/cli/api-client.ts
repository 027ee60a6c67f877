import { Refusal } from './refusal';
import type { ServerTarget } from './server-target';

/** An answer of the server's API. */
export interface Answer {
  status: number;
  /** Parsed JSON; a body that is not JSON is kept as text; an empty one is null. */
  body: any;
  headers: Headers;
}

/** A customer page's answer: redirects are not followed, `location` is made absolute. */
export interface PageAnswer {
  status: number;
  location: string | null;
  html: string;
}

/** The server could not be reached at all (refused, reset, DNS): no answer to judge. */
export class Unreachable extends Refusal {}

const API = '/api/v1';

export function basicAuthorization(key: string): string {
  return `Basic ${Buffer.from(`${key}:`).toString('base64')}`;
}

/**
 * The HTTP client of CLI commands that act like a merchant's code and its customers (`trigger`,
 * `run`): the API with the target's key, and the customer pages fetched as a browser would (no
 * key, `Origin` of the server's own pages, redirects seen one at a time so the caller decides
 * which to follow). Every answer is returned, errors and 401 included: the caller judges it.
 */
export class ApiClient {
  readonly baseUrl: string;
  readonly origin: string;

  constructor(readonly target: ServerTarget) {
    this.baseUrl = target.url;
    this.origin = new URL(target.url).origin;
  }

  /** `path` is relative to /api/v1 (a path already starting with /api/v1/ is taken as it is). */
  async api(method: string, path: string, options: { body?: unknown; headers?: Record<string, string>; idempotencyKey?: string } = {}): Promise<Answer> {
    const url = `${this.baseUrl}${path.startsWith(`${API}/`) ? '' : API}${path}`;
    const headers: Record<string, string> = { authorization: basicAuthorization(this.target.key), accept: 'application/json', ...options.headers };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (options.idempotencyKey !== undefined) headers['x-komoju-idempotency'] = options.idempotencyKey;
    const response = await this.send(url, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text === '' ? null : JSON.parse(text);
    } catch {
      // Not JSON: kept as text, so an expectation or an error line can still show it.
    }
    return { status: response.status, body, headers: response.headers };
  }

  /** A customer page: GET, or POST of a form as the page's own button sends it. */
  async page(url: string, form?: Record<string, string>): Promise<PageAnswer> {
    const absolute = new URL(url, this.baseUrl).href;
    const init: RequestInit = form
      ? { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: this.origin, referer: absolute }, body: new URLSearchParams(form).toString() }
      : { method: 'GET', headers: { accept: 'text/html' } };
    const response = await this.send(absolute, { ...init, redirect: 'manual' });
    const location = response.headers.get('location');
    return { status: response.status, location: location === null ? null : new URL(location, absolute).href, html: await response.text() };
  }

  /** Whether a URL is on this server (a browser would follow it; a shop's URL is left alone). */
  isOwn(url: string): boolean {
    return new URL(url, this.baseUrl).origin === this.origin;
  }

  /** The same page on the server this client talks to (the server makes its URLs from its public URL). */
  onThisServer(url: string): string {
    const parsed = new URL(url, this.baseUrl);
    return new URL(`${parsed.pathname}${parsed.search}`, this.baseUrl).href;
  }

  private async send(url: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(url, init);
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const why = cause?.code ?? cause?.message ?? (error as Error).message;
      throw new Unreachable(`cannot reach ${url}: ${why} (is \`kessai serve\` running? --server names another)`);
    }
  }
}
