import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { isPrivateAddress, isPrivateHost } from '../lib/addresses';
import { stopwatch } from '../lib/clock';
import { RESPONSE_EXCERPT_CHARS, type AttemptResult } from '../domain/webhook-delivery';

/** Bytes of a response read at most; a receiver that streams more is cut off (the status counts). */
export const MAX_RESPONSE_BYTES = 64 * 1024;

export interface PostOptions {
  timeoutMs: number;
  /** Refuse loopback and private addresses, checked on the address actually connected to. */
  refusePrivate: boolean;
}

/**
 * Keep-alive pools, separate for the two address policies: a socket opened to 127.0.0.1 for a
 * test merchant must never be reused for a merchant whose receivers may not be private. Idle
 * sockets close after 4 s, before Node servers' default 5 s keep-alive timeout closes them under
 * a request (which would fail that attempt with ECONNRESET).
 */
const POOL = { keepAlive: true, timeout: 4000 };
const agents = {
  open: { http: new http.Agent(POOL), https: new https.Agent(POOL) },
  guarded: { http: new http.Agent(POOL), https: new https.Agent(POOL) },
};

/**
 * Resolves like dns.lookup, then fails when an address is private. Checking the resolved address
 * (not the name) at connection time defeats names that resolve to internal hosts, including
 * names that change what they resolve to between a check and the request.
 */
const guardedLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...(options as LookupOptions), all: true }, (error, addresses) => {
    if (error) return callback(error, '', 0);
    const list = addresses as LookupAddress[];
    const refused = list.find((a) => isPrivateAddress(a.address));
    if (refused) return callback(Object.assign(new Error(`refused: ${hostname} resolves to private address ${refused.address}`), { code: 'EREFUSED' }), '', 0);
    if ((options as LookupOptions).all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
    callback(null, list[0].address, list[0].family);
  });
};

/**
 * POSTs `body` and reports what happened; never throws. Redirects are not followed (a 3xx is
 * just a status that is not 2xx), the whole exchange is bounded by `timeoutMs`, and at most
 * MAX_RESPONSE_BYTES of the response are read.
 *
 *   const result = await postJson('https://shop.example/hooks', body, headers, { timeoutMs: 10_000, refusePrivate: true });
 */
export function postJson(url: string, body: string, headers: Record<string, string>, options: PostOptions): Promise<AttemptResult> {
  const elapsed = stopwatch();
  const failed = (error: string): AttemptResult => ({ statusCode: null, latencyMs: elapsed(), error, responseExcerpt: null });
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return Promise.resolve(failed('invalid URL'));
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') return Promise.resolve(failed(`unsupported protocol ${target.protocol}`));
  if (options.refusePrivate && isPrivateHost(target.hostname)) return Promise.resolve(failed(`refused: ${target.hostname} is a private or loopback address`));

  const client = target.protocol === 'https:' ? https : http;
  const pool = options.refusePrivate ? agents.guarded : agents.open;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: AttemptResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const request = client.request(
      target,
      {
        method: 'POST',
        headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) },
        agent: target.protocol === 'https:' ? pool.https : pool.http,
        lookup: options.refusePrivate ? guardedLookup : undefined,
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const done = (error: string | null) => {
          const text = Buffer.concat(chunks).toString('utf8');
          finish({ statusCode: response.statusCode ?? null, latencyMs: elapsed(), error, responseExcerpt: text.slice(0, RESPONSE_EXCERPT_CHARS) });
        };
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_RESPONSE_BYTES) {
            response.destroy();
            done(`response longer than ${MAX_RESPONSE_BYTES} bytes; the rest was not read`);
          } else {
            chunks.push(chunk);
          }
        });
        response.on('end', () => done(null));
        response.on('error', (error) => done(error.message));
      },
    );
    const timer = setTimeout(() => {
      request.destroy();
      finish(failed(`timed out after ${options.timeoutMs} ms`));
    }, options.timeoutMs);
    request.on('error', (error: NodeJS.ErrnoException) => finish(failed(error.code ? `${error.code}: ${error.message}` : error.message)));
    request.end(body);
  });
}
