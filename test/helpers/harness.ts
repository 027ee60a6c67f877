import type { FastifyInstance, InjectOptions } from 'fastify';
import { Writable } from 'node:stream';
import pg from 'pg';
import qs from 'qs';
import { buildApp, type AppOptions } from '../../src/app';
import type { Services } from '../../src/domain/context';
import { createMerchant } from '../../src/domain/merchants';
import type { Clock } from '../../src/lib/clock';
import { randomAlphanumeric } from '../../src/lib/random';
import { testProcessor } from '../../src/processors/test-processor';
import { testCardAuthenticator } from '../../src/processors/three-d-secure';
import { openStore, type Store } from '../../src/store/db';
import { migrateToLatest } from '../../src/store/migrate';
import { openVault } from '../../src/vault/vault';
import { startWebhookWorker } from '../../src/worker/webhooks';
import { checkResponses, recordApiResponses, type RecordedResponse } from './response-check';

/**
 * One database and one app per test file: an in-memory PGlite by default, or a fresh schema of the
 * PostgreSQL at DATABASE_URL (dropped afterwards). Tests isolate themselves by making their own
 * merchant, exactly as merchants are isolated in production.
 */
export interface Harness {
  app: FastifyInstance;
  services: Services;
  store: Store;
  /** Every log line the app wrote, for secrecy checks. */
  logs: string[];
  /** Moves the system clock every merchant sees (tests only). */
  clock: TestClock;
  merchant(options?: { mode?: 'test' | 'live' }): Promise<TestMerchant>;
  request(options: ApiRequest): Promise<ApiResponse>;
  /**
   * Listens on a random local port (for tests that need real HTTP); returns the base URL.
   * `asPublicUrl`: links the app prints (instructions_url, redirect_url) use that URL too, so a
   * browser can follow them.
   */
  listen(options?: { asPublicUrl?: boolean }): Promise<string>;
  close(): Promise<void>;
}

export interface TestMerchant {
  id: string;
  secretKey: string;
  publishableKey: string;
}

export interface ApiRequest {
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  url: string;
  /** API key sent as the Basic-auth user name; omit for no Authorization header. */
  key?: string;
  /** Sent as JSON. */
  json?: unknown;
  /** Sent as application/x-www-form-urlencoded with bracket notation (like curl -d). */
  form?: Record<string, unknown> | [string, string][];
  headers?: Record<string, string>;
}

export interface ApiResponse {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  /** Parsed JSON body (undefined when the body is empty or not JSON). */
  body: any;
  text: string;
}

export interface TestClock extends Clock {
  advance(ms: number): void;
}

export function basicAuth(key: string): string {
  return `Basic ${Buffer.from(`${key}:`).toString('base64')}`;
}

export function encodeForm(form: Record<string, unknown> | [string, string][]): string {
  return Array.isArray(form) ? new URLSearchParams(form).toString() : qs.stringify(form, { arrayFormat: 'brackets' });
}

export const usingPostgres = Boolean(process.env.DATABASE_URL);

/** A fresh name for a schema of the DATABASE_URL database that one test file (or process) owns. */
export const testSchemaName = () => `kessai_test_${randomAlphanumeric(10)}`;

/** Drops schemas, with everything in them, from the DATABASE_URL database. */
export async function dropSchemas(schemas: string[]): Promise<void> {
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  try {
    for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

/**
 * `checkResponses` (default true): every /api/v1 response the app sends is recorded, and `close()`
 * fails the test file when one does not match the OpenAPI document (see ./response-check.ts).
 */
export async function startHarness(
  options: {
    maxInFlight?: number;
    rateLimits?: AppOptions['rateLimits'];
    redisUrl?: string;
    checkResponses?: boolean;
    onRoute?: AppOptions['onRoute'];
  } = {},
): Promise<Harness> {
  const schema = usingPostgres ? testSchemaName() : undefined;
  const store = await openStore({ databaseUrl: process.env.DATABASE_URL ?? null, schema, dataDir: 'memory://', poolSize: 10 });
  await migrateToLatest(store.db);

  let offset = 0;
  const clock: TestClock = { now: () => new Date(Date.now() + offset), advance: (ms) => void (offset += ms) };
  const services: Services = {
    db: store.db,
    dbKind: store.kind,
    vault: openVault({ dataDir: 'memory://', encryptionKey: null }),
    processor: testProcessor(),
    authenticator: testCardAuthenticator(),
    clock,
    publicUrl: 'http://kessai.test',
    webhooks: { privateAddresses: 'auto', timeoutMs: 10_000, concurrencyPerEndpoint: 4 },
    poolStats: store.poolStats,
  };
  const logs: string[] = [];
  const logStream = new Writable({
    write(chunk, _encoding, done) {
      logs.push(chunk.toString());
      done();
    },
  });
  const app = await buildApp(services, {
    logLevel: 'info',
    logStream,
    maxInFlight: options.maxInFlight,
    rateLimits: options.rateLimits,
    redisUrl: options.redisUrl,
    onRoute: options.onRoute,
  });
  const responses: RecordedResponse[] = [];
  if (options.checkResponses !== false) recordApiResponses(app, responses);
  await app.ready();

  return {
    app,
    services,
    store,
    logs,
    clock,
    async merchant({ mode = 'test' } = {}) {
      const created = await createMerchant(store.db, { name: `Test ${randomAlphanumeric(6)}`, mode }, clock.now());
      return { id: created.merchant.id, secretKey: created.secretKey, publishableKey: created.publishableKey };
    },
    async request({ method = 'GET', url, key, json, form, headers = {} }) {
      const inject: InjectOptions = { method, url, headers: { ...headers } };
      if (key !== undefined) inject.headers!.authorization = basicAuth(key);
      if (json !== undefined) {
        inject.headers!['content-type'] = 'application/json';
        inject.payload = JSON.stringify(json);
      } else if (form !== undefined) {
        inject.headers!['content-type'] = 'application/x-www-form-urlencoded';
        inject.payload = encodeForm(form);
      }
      const response = await app.inject(inject);
      let body: unknown;
      try {
        body = response.body ? JSON.parse(response.body) : undefined;
      } catch {
        body = undefined;
      }
      return { status: response.statusCode, headers: response.headers, body, text: response.body };
    },
    async listen({ asPublicUrl = false } = {}) {
      const address = await app.listen({ port: 0, host: '127.0.0.1' });
      if (asPublicUrl) services.publicUrl = address;
      return address;
    },
    async close() {
      const problems = checkResponses(app, responses);
      await app.close();
      await store.close();
      if (schema) await dropSchemas([schema]);
      if (problems.length > 0) {
        throw new Error(`Responses that do not match the OpenAPI document (GET /api/v1/openapi.json):\n${problems.join('\n')}`);
      }
    },
  };
}

/** A card that passes validation and is approved by the test processor, expiring in the future. */
export function testCard(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'credit_card',
    number: '4111111111111111',
    month: 12,
    year: new Date().getUTCFullYear() + 3,
    verification_value: '123',
    name: 'Taro Yamada',
    ...overrides,
  };
}

/**
 * The webhook worker a server runs, on the harness's database, polling every 100 ms; `errors`
 * collects what it logs as errors (a test expects none, after closing everything else).
 */
export async function startTestWebhookWorker(h: Harness): Promise<{ stop(): Promise<void>; errors: unknown[] }> {
  const errors: unknown[] = [];
  const worker = await startWebhookWorker(h.services, {
    log: { info: () => {}, error: (details) => errors.push(details) },
    listen: h.store.listen,
    pollMs: 100,
  });
  return { stop: () => worker.stop(), errors };
}
