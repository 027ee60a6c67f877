import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { Services } from '../../domain/context';
import { followEvents } from '../../domain/event-stream';
import { webhookBody } from '../../wire/webhook';
import type { Operation } from '../openapi/operation';

/** Proxies drop connections that stay silent; a comment line every 15 s keeps them open. */
const HEARTBEAT_MS = 15_000;

const operation: Operation = {
  summary: 'Stream events',
  description:
    "The merchant's new events as they commit, as server-sent events: `id: <event id>`, `event: <type>`, `data: <the webhook body>`. With `Last-Event-ID` it resumes after that event.",
  tag: 'Events',
  responses: { 200: { description: 'An endless `text/event-stream`.', contentType: 'text/event-stream' } },
};

/**
 * GET /api/v1/events/stream — server-sent events: each new event of this merchant as
 * `id: <event id>`, `event: <type>`, `data: <the webhook body>`. A client that reconnects with
 * `Last-Event-ID` resumes after that event. Streams end when the server shuts down.
 */
export default function route(app: FastifyInstance, services: Services): void {
  const open = new Set<AbortController>();
  app.addHook('preClose', async () => {
    for (const controller of open) controller.abort();
  });

  app.get('/api/v1/events/stream', { config: { operation } }, async (request, reply) => {
    const controller = new AbortController();
    const lastEventId = request.headers['last-event-id'];
    const events = await followEvents(services.db, request.actor, {
      after: typeof lastEventId === 'string' && lastEventId !== '' ? lastEventId : undefined,
      signal: controller.signal,
    });
    open.add(controller);
    const stream = new PassThrough();
    const stop = () => {
      controller.abort();
      open.delete(controller);
      stream.end();
    };
    // The response closes when the client goes away (the request's 'close' only means its body was read).
    // The response closes when the client goes away (the request's 'close' only means its body was read).
    reply.raw.on('close', stop);
    const heartbeat = setInterval(() => stream.write(': keep-alive\n\n'), HEARTBEAT_MS);

    (async () => {
      stream.write(': connected\n\n');
      for await (const event of events) {
        if (!stream.write(`id: ${event.id}\nevent: ${event.type}\ndata: ${webhookBody(event)}\n\n`)) await once(stream, 'drain', { signal: controller.signal });
      }
    })()
      .catch((err) => {
        if (!controller.signal.aborted) request.log.error({ err }, 'event stream failed');
      })
      .finally(() => {
        clearInterval(heartbeat);
        stop();
      });

    return reply
      .header('Content-Type', 'text/event-stream; charset=utf-8')
      .header('Cache-Control', 'no-cache')
      .header('X-Accel-Buffering', 'no')
      .send(stream);
  });
}
