import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { isPrivateHost } from '../lib/addresses';
import { stopwatch } from '../lib/clock';
import { RESPONSE_EXCERPT_CHARS, type AttemptResult } from '../domain/webhook-delivery';

/** Bytes of a response read at most; a receiver that streams more is cut off (the status counts). */
export const MAX_RESPONSE_BYTES = 64 * 1024;

export interface PostOptions {
  timeoutMs: number;
  /** Refuse loopback and private addresses, checked on the address actually connected to. */
  refusePrivate: boolean;
  /** Name resolution (default: the system's, `dns.lookup`); tests give names their addresses. */
  resolve?: Resolver;
}

/** Every address a name resolves to, as `dns.lookup(hostname, { all: true, family })` gives them. */
export type Resolver = (hostname: string, family: number | undefined) => Promise<LookupAddress[]>;

const systemResolver: Resolver = (hostname, family) =>
  new Promise((resolve, reject) =>
    dnsLookup(hostname, { all: true, family: family ?? 0 }, (error, addresses) => (error ? reject(error) : resolve(addresses))),
  );

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
 * The connection's DNS lookup: resolves with `resolve`, then, when `refusePrivate`, fails if any
 * address is private — judged by isPrivateHost, the same function that judged the URL at
 * registration. Checking the resolved addresses inside the lookup the socket connects with,
 * rather than before the request, defeats names that resolve to internal hosts, including names
 * that change what they resolve to between a check and the connect (DNS rebinding).
 *
 *   http.request(url, { lookup: connectionLookup(systemResolver, true) });
 */
export function connectionLookup(resolve: Resolver, refusePrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    const { all, family } = options as LookupOptions;
    resolve(hostname, typeof family === 'number' ? family : undefined).then(
      (list) => {
        const refused = refusePrivate ? list.find((a) => isPrivateHost(a.address)) : undefined;
        if (refused || list.length === 0) {
          const reason = refused ? `refused: ${hostname} resolves to private address ${refused.address}` : `${hostname} resolves to no address`;
          return callback(Object.assign(new Error(reason), { code: refused ? 'EREFUSED' : 'ENOTFOUND' }), '', 0);
        }
        if (all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
        callback(null, list[0].address, list[0].family);
      },
      (error: NodeJS.ErrnoException) => callback(error, '', 0),
    );
  };
}

const systemGuarded = connectionLookup(systemResolver, true);

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
        lookup: options.resolve ? connectionLookup(options.resolve, options.refusePrivate) : options.refusePrivate ? systemGuarded : undefined,
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
