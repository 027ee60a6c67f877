import type { Config } from '../config';
import { runningServerUrl } from './health';
import { Refusal } from './refusal';
import { knownSecretKey } from './through-server';

/** Where a client command (`listen`, `trigger`) talks to, and as whom. */
export interface ServerTarget {
  url: string;
  /** How the URL was chosen, for a line saying which server a command follows. */
  source: string;
  key: string;
  /** The key is the generated one kept in the data directory (it may have been rolled since). */
  remembered: boolean;
}

export interface ServerFlags {
  server?: string;
  apiKey?: string;
}

/**
 * `--server` and `--api-key`, else the server running on the configured data directory (its
 * lock) or the configured URL, as KESSAI_SECRET_KEY's merchant or the default merchant's key
 * kept beside the database.
 */
export function serverTarget(config: Config, flags: ServerFlags): ServerTarget {
  const running = runningServerUrl(config);
  const url = (flags.server ?? running ?? config.publicUrl).replace(/\/+$/, '');
  const source = flags.server ? '--server' : running ? `the server running on ${config.dataDir}` : 'KESSAI_PUBLIC_URL, or HOST and PORT';
  if (flags.apiKey) return { url, source, key: flags.apiKey, remembered: false };
  const known = knownSecretKey(config);
  if (!known) throw new Refusal('No secret key: pass --api-key, set KESSAI_SECRET_KEY, or run from the directory where `kessai serve` keeps its data');
  return { url, source, ...known };
}

export function basicAuthorization(key: string): string {
  return `Basic ${Buffer.from(`${key}:`).toString('base64')}`;
}

export interface Answer {
  status: number;
  body: any;
  /** Where a page redirected to (3xx `location`), redirects not being followed. */
  location: string | null;
}

/**
 * A thin HTTP client for CLI commands that act like a merchant's code and its customers: API
 * calls with the key, and the customer pages (no key, form posts, redirects not followed).
 */
export class ApiClient {
  constructor(readonly target: ServerTarget) {}

  async api(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<Answer> {
    const headers: Record<string, string> = { authorization: basicAuthorization(this.target.key) };
    if (body !== undefined) headers['content-type'] = 'application/json';
    return this.send(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  }

  /** A customer's browser: GET a page, or POST its form, without following the redirect. */
  async page(path: string, form?: Record<string, string>): Promise<Answer> {
    if (form === undefined) return this.send(path, { method: 'GET' });
    return this.send(path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
  }

  private async send(path: string, init: RequestInit): Promise<Answer> {
    const url = path.startsWith('http') ? path : `${this.target.url}${path}`;
    let response: Response;
    try {
      response = await fetch(url, { ...init, redirect: 'manual' });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
      throw new Refusal(`cannot reach ${this.target.url} (${cause}): is \`kessai serve\` running? (--server URL)`);
    }
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // A page, not JSON: kept as text.
    }
    if (response.status === 401) {
      const hint = this.target.remembered ? ' (the key kept in the data directory was probably rolled in the dashboard: pass --api-key)' : '';
      throw new Refusal(`the server at ${this.target.url} refused the key (401)${hint}`);
    }
    return { status: response.status, body, location: response.headers.get('location') };
  }
}
