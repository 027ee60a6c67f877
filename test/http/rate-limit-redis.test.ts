import type { FastifyInstance } from 'fastify';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp } from '../../src/app';
import { basicAuth, startHarness, type Harness } from '../helpers/harness';

/**
 * KESSAI_REDIS_URL: the rate limits' counts live in Redis, so processes behind one balancer share
 * them. Two apps on one database stand for two processes. Needs the Redis at REDIS_URL (default
 * 127.0.0.1:6379); without it these tests fail rather than skip.
 */
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const limits = { live: 0, test: 2 };
let h: Harness;
let other: FastifyInstance;

beforeAll(async () => {
  h = await startHarness({ rateLimits: limits, redisUrl: REDIS_URL });
  other = await buildApp(h.services, { logLevel: 'silent', rateLimits: limits, redisUrl: REDIS_URL });
  await other.ready();
});
afterAll(async () => {
  await other.close();
  await h.close();
});

const list = (app: FastifyInstance, key: string) =>
  app.inject({ method: 'GET', url: '/api/v1/payments', headers: { authorization: basicAuth(key) } });

it('counts a key across processes: its third request in a second is refused, whichever process gets it', async () => {
  const m = await h.merchant();
  const first = await list(h.app, m.secretKey);
  expect(first.statusCode, first.body).toBe(200);
  expect(first.headers['x-ratelimit-remaining']).toBe('1');
  const second = await list(other, m.secretKey);
  expect(second.statusCode).toBe(200);
  expect(second.headers['x-ratelimit-remaining']).toBe('0');
  const third = await list(h.app, m.secretKey);
  expect(third.statusCode).toBe(429);
  expect(JSON.parse(third.body).error.code).toBe('too_many_requests');
  // Another merchant's key has its own count.
  expect((await list(other, (await h.merchant()).secretKey)).statusCode).toBe(200);
});

it('lets requests through uncounted while Redis cannot be reached, and says so once', async () => {
  const lines: string[] = [];
  const logStream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const unreachable = await buildApp(h.services, { logLevel: 'info', logStream, rateLimits: limits, redisUrl: 'redis://127.0.0.1:1' });
  try {
    await unreachable.ready();
    const m = await h.merchant();
    for (let i = 0; i < 4; i++) expect((await list(unreachable, m.secretKey)).statusCode).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(lines.filter((line) => line.includes('Redis unreachable'))).toHaveLength(1);
  } finally {
    await unreachable.close();
  }
});
