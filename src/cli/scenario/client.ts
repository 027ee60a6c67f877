/** An answer of the server, as a scenario step sees it. */
export interface Answer {
  http_status: number;
  body: unknown;
  headers: Headers;
}

/** The server could not be reached at all (refused, reset, DNS): no answer to judge. */
export class Unreachable extends Error {}

/** The server answered, but not so that a run can go on (a refused key, no event log). */
export class ServerRefused extends Error {}

const API = '/api/v1';

/**
 * The server a scenario runs against: its API with the merchant's secret key, and its customer
 * pages fetched as a browser would (no key, `Origin` of the server's own pages, redirects seen
 * one at a time so the runner decides which to follow).
 */
export class ScenarioClient {
  readonly origin: string;
  private readonly authorization: string;

  constructor(
    readonly baseUrl: string,
    apiKey: string,
  ) {
    this.origin = new URL(baseUrl).origin;
    this.authorization = `Basic ${Buffer.from(`${apiKey}:`).toString('base64')}`;
  }

  /** `path` is relative to /api/v1 (a path already starting with /api/v1/ is taken as it is). */
  async api(method: string, path: string, options: { body?: unknown; headers?: Record<string, string>; idempotencyKey?: string } = {}): Promise<Answer> {
    const url = `${this.baseUrl}${path.startsWith(`${API}/`) ? '' : API}${path}`;
    const headers: Record<string, string> = { authorization: this.authorization, accept: 'application/json', ...options.headers };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (options.idempotencyKey !== undefined) headers['x-komoju-idempotency'] = options.idempotencyKey;
    const response = await this.send(url, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text === '' ? null : JSON.parse(text);
    } catch {
      // Not JSON: kept as text, so an expectation or the report can still show it.
    }
    return { http_status: response.status, body, headers: response.headers };
  }

  /** A customer page: GET, or POST of a form as the page's own button sends it. */
  async page(url: string, form?: Record<string, string>): Promise<{ status: number; location: string | null; html: string }> {
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

  private async send(url: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(url, init);
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new Unreachable(`cannot reach ${url}: ${cause?.code ?? cause?.message ?? (error as Error).message}`);
    }
  }
}
