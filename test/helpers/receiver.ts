import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import { expect } from 'vitest';

/** One request a receiver got, as it arrived. */
export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  /** The raw body bytes, as text. */
  raw: string;
  body: any;
}

/**
 * A real webhook receiver: an HTTP server on 127.0.0.1 recording every request. `respond`
 * decides each answer (default 200 "ok"); it may also hold the response (for timeouts and
 * concurrency checks) by returning a promise.
 */
export interface Receiver {
  url: string;
  received: Received[];
  respond: (request: Received, response: ServerResponse) => void | Promise<void>;
  /** Requests whose event `data.id` (or the event id) matches. */
  forResource(id: string): Received[];
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const received: Received[] = [];
  let server: Server;
  const receiver: Receiver = {
    url: '',
    received,
    respond: (_request, response) => void response.end('ok'),
    forResource: (id) => received.filter((r) => r.body?.data?.id === id || r.body?.id === id),
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = JSON.parse(raw);
      } catch {
        body = undefined;
      }
      const entry = { path: request.url ?? '', headers: request.headers, raw, body };
      received.push(entry);
      Promise.resolve(receiver.respond(entry, response)).catch(() => response.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  receiver.url = `http://127.0.0.1:${port}/hooks`;
  return receiver;
}

/** Asserts KOMOJU's delivery headers and that the signature is hex HMAC-SHA256 of the raw body. */
export function expectSigned(request: Received, secret: string): void {
  expect(request.headers['content-type']).toBe('application/json');
  expect(request.headers['user-agent']).toBe('Komoju-Webhook');
  expect(request.headers['x-komoju-event']).toBe(request.body.type);
  expect(request.headers['x-komoju-id']).toMatch(/^[a-z0-9]{25}$/);
  expect(request.headers['x-komoju-signature']).toBe(createHmac('sha256', secret).update(request.raw).digest('hex'));
}
