import { Writable } from 'node:stream';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { createLogger, lazyChildLogger, loggerOptions } from '../../src/lib/log';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  return { lines, stream };
}

describe('lazyChildLogger (Fastify childLoggerFactory)', () => {
  it('makes no child for calls at a disabled level, and one child, with the bindings, at the first enabled call', () => {
    const { lines, stream } = capture();
    const parent = createLogger('warn', stream);
    let children = 0;
    const child = parent.child.bind(parent);
    parent.child = ((...args: Parameters<typeof child>) => {
      children++;
      return child(...args);
    }) as typeof parent.child;

    const log = lazyChildLogger(parent, { reqId: 'req-1' }, {});
    log.info({ step: 1 }, 'not at warn');
    log.debug('nor this');
    expect(children).toBe(0);
    log.warn({ payment_details: { number: '4111111111111111' } }, 'shown');
    log.error('also shown');
    expect(children).toBe(1);
    expect(lines.map((line) => [line.reqId, line.msg])).toEqual([
      ['req-1', 'shown'],
      ['req-1', 'also shown'],
    ]);
    expect(JSON.stringify(lines)).not.toContain('4111111111111111');
  });

  it("gives a route's own log level a plain child at once", () => {
    const { lines, stream } = capture();
    const log = lazyChildLogger(createLogger('warn', stream), { reqId: 'req-2' }, { level: 'info' });
    log.info('at the route level');
    expect(lines.map((line) => line.msg)).toEqual(['at the route level']);
  });

  it("carries Fastify's request id on request logs", async () => {
    const { lines, stream } = capture();
    const app = Fastify({ logger: { ...loggerOptions('info'), stream }, childLoggerFactory: lazyChildLogger, genReqId: () => 'req-3' });
    app.get('/', async (request) => {
      request.log.warn('from the handler');
      return {};
    });
    await app.inject({ url: '/' });
    await app.close();
    expect(lines.filter((line) => line.reqId === 'req-3').map((line) => line.msg)).toEqual(['incoming request', 'from the handler', 'request completed']);
  });
});
