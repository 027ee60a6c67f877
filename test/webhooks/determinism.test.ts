import { describe, expect, it } from 'vitest';
import { basicAuth, testCard, usingPostgres } from '../helpers/harness';
import { useProcesses, type ServerProcess } from '../helpers/processes';
import { expectSigned, startReceiver, type Receiver } from '../helpers/receiver';

/**
 * Issue 16's determinism: two fresh `kessai serve` processes, seeded alike (one by KESSAI_SEED at
 * start, one by POST /api/v1/test_helpers/seed), answer the same sequence of API calls with the
 * same bytes and send the same webhook bodies, signatures included, and write the same mail
 * outbox. After a reset (which keeps the seed and starts it over), the same calls answer the
 * same again.
 */

const SECRET_KEY = 'sk_test_determinism';
const WEBHOOK_SECRET = 'whsec_determinism';
const SEED = 20300101;
// Links in answers (instructions_url, session_url) carry the public URL: the same on both servers.
const PUBLIC_URL = 'http://kessai.test';
// Two servers, each migrating a fresh database: seconds apiece, more on a busy machine.
const SLOW = 240_000;

const processes = useProcesses();

interface Run {
  server: ServerProcess;
  hooks: Receiver;
}

async function start(extra: NodeJS.ProcessEnv): Promise<Run> {
  const hooks = await startReceiver();
  processes.defer(() => hooks.close());
  const env = processes.environment({
    KESSAI_SECRET_KEY: SECRET_KEY,
    KESSAI_PUBLIC_URL: PUBLIC_URL,
    KESSAI_WEBHOOK_URL: hooks.url,
    KESSAI_WEBHOOK_SECRET: WEBHOOK_SECRET,
    // `--memory` on PGlite; a schema of its own on PostgreSQL.
    ...(usingPostgres ? {} : { KESSAI_DATA_DIR: 'memory://' }),
    ...extra,
  });
  return { server: await processes.server(env), hooks };
}

async function call(run: Run, method: string, path: string, body?: unknown): Promise<{ status: number; text: string; body: any }> {
  const response = await fetch(`${run.server.url}${path}`, {
    method,
    headers: { authorization: basicAuth(SECRET_KEY), ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  return { status: response.status, text, body: JSON.parse(text) };
}

/** The scenario: each answer's bytes, in order. Every call must succeed. */
async function scenario(run: Run): Promise<string[]> {
  const answers: string[] = [];
  const step = async (method: string, path: string, body?: unknown) => {
    const res = await call(run, method, path, body);
    expect(res.status, `${method} ${path}: ${res.text}`).toBe(200);
    answers.push(res.text);
    return res.body;
  };
  const card = await step('POST', '/api/v1/payments', { amount: 1200, currency: 'JPY', payment_details: testCard() });
  const konbini = await step('POST', '/api/v1/payments', {
    amount: 3000,
    currency: 'JPY',
    payment_details: { type: 'konbini', store: 'lawson', email: 'taro@example.com' },
  });
  await step('POST', `/api/v1/test_helpers/payments/${konbini.id}/pay`);
  await step('POST', `/api/v1/payments/${card.id}/refund`, { amount: 200 });
  await step('POST', '/api/v1/sessions', { amount: 5000, currency: 'JPY', return_url: 'https://shop.example/done', email: 'hanako@example.com' });
  await step('POST', '/api/v1/customers', { email: 'jiro@example.com', payment_details: testCard() });
  const bank = await step('POST', '/api/v1/payments', {
    amount: 8000,
    currency: 'JPY',
    payment_details: {
      type: 'bank_transfer',
      email: 'saburo@example.com',
      phone: '09012345678',
      family_name: '山田',
      given_name: '三郎',
      family_name_kana: 'ヤマダ',
      given_name_kana: 'サブロウ',
    },
  });
  await step('POST', '/api/v1/test_helpers/clock/advance', { seconds: 30 * 86400 });
  await step('GET', `/api/v1/payments/${bank.id}`);
  // The mails the run queued (konbini and bank-transfer instructions, the konbini receipt), and one in full.
  const mails = await step('GET', '/api/v1/test_helpers/emails');
  await step('GET', `/api/v1/test_helpers/emails/${mails.data[0].id}`);
  // From the seeded epoch on: the start-up ping (KESSAI_WEBHOOK_URL's endpoint, before seeding) is not of the run.
  await step('GET', '/api/v1/events?per_page=100&start_time=2029-12-31T15:00:00Z');
  return answers;
}

/** The webhook bodies a receiver got for the seeded run (not the start-up ping), once all have come. */
async function bodies(run: Run, count: number): Promise<string[]> {
  const seededRun = () => run.hooks.received.filter((r) => r.body?.type !== 'ping');
  await expect.poll(() => seededRun().length, { timeout: 60_000, interval: 50 }).toBeGreaterThanOrEqual(count);
  for (const request of seededRun()) expectSigned(request, WEBHOOK_SECRET);
  // X-Komoju-ID is left out: it derives from the event's id and the endpoint's, and this
  // endpoint (KESSAI_WEBHOOK_URL's) was made at start, before seeding, with a random id.
  return seededRun().map((r) => `${r.headers['x-komoju-signature']} ${r.raw}`).sort();
}

describe('determinism (issue 16)', () => {
  it(
    'gives byte-identical API answers and webhook bodies on two fresh servers seeded alike, and other ids for another seed or none',
    async () => {
      const [a, b] = await Promise.all([start({ KESSAI_SEED: String(SEED) }), start({})]);
      const seeded = await call(b, 'POST', '/api/v1/test_helpers/seed', { seed: SEED });
      expect(seeded.body).toEqual({ resource: 'test_seed', seed: SEED, now: '2029-12-31T15:00:00Z' });

      const answersA = await scenario(a);
      const answersB = await scenario(b);
      expect(answersB).toEqual(answersA);

      // What the run made, in the answers: ids, codes and times of the frozen clock.
      const [card, konbini] = answersA.map((text) => JSON.parse(text));
      expect(card.created_at).toBe('2029-12-31T15:00:00Z');
      expect(konbini.payment_details.receipt).toMatch(/^\d+$/);
      const events = JSON.parse(answersA.at(-1)!);
      const types = events.data.map((e: { type: string }) => e.type);
      expect(types).toEqual(expect.arrayContaining(['payment.captured', 'payment.refund.created', 'customer.created', 'payment.expired']));
      const mails = JSON.parse(answersA.at(-3)!);
      expect(mails.data.map((m: { kind: string; to: string }) => `${m.kind} ${m.to}`).sort()).toEqual([
        'instructions saburo@example.com',
        'instructions taro@example.com',
        'receipt taro@example.com',
      ]);
      expect(mails.data.every((m: { created_at: string }) => m.created_at === '2029-12-31T15:00:00Z')).toBe(true);

      // Every event of the run was delivered to each server's receiver, the same bytes, signed alike.
      const expected = events.data.length;
      expect(expected).toBe(7);
      const [hooksA, hooksB] = await Promise.all([bodies(a, expected), bodies(b, expected)]);
      expect(hooksA).toHaveLength(expected);
      expect(hooksB).toEqual(hooksA);

      // A reset keeps the seed and starts it over: the same run answers the same bytes again,
      // mails included, and sends the same webhook bodies once more.
      const reset = await call(b, 'POST', '/api/v1/test_helpers/reset');
      expect(reset.body.clock).toEqual({ resource: 'test_clock', now: '2029-12-31T15:00:00Z', offset_seconds: 0 });
      expect(await scenario(b)).toEqual(answersA);
      expect(await bodies(b, 2 * expected)).toEqual([...hooksA, ...hooksA].sort());

      // Another seed: other ids. No seed: random ids on real time.
      const otherSeed = await call(b, 'POST', '/api/v1/test_helpers/seed', { seed: SEED + 1 });
      expect(otherSeed.status).toBe(200);
      const other = await call(b, 'POST', '/api/v1/payments', { amount: 1200, currency: 'JPY', payment_details: testCard() });
      expect(other.body.id).not.toBe(card.id);
      expect(other.body.created_at).toBe('2029-12-31T15:00:00Z');
      await call(a, 'POST', '/api/v1/test_helpers/seed', { seed: null });
      const unseeded = await Promise.all([1, 2].map(() => call(a, 'POST', '/api/v1/payments', { amount: 1200, currency: 'JPY', payment_details: testCard() })));
      expect(unseeded[0].body.id).not.toBe(unseeded[1].body.id);
      expect(Math.abs(Date.parse(unseeded[0].body.created_at) - Date.now())).toBeLessThan(60_000);
    },
    SLOW,
  );

  it(
    'leaves a merchant already seeded with KESSAI_SEED alone at a restart on the same database: ids continue, nothing collides',
    async () => {
      // A kept database: a PGlite data directory on disk (not --memory), or the same PostgreSQL schema.
      const env = processes.environment({ KESSAI_SECRET_KEY: SECRET_KEY, KESSAI_PUBLIC_URL: PUBLIC_URL, KESSAI_SEED: String(SEED) });
      const pay = async (server: ServerProcess) => {
        const res = await call({ server } as Run, 'POST', '/api/v1/payments', { amount: 1200, currency: 'JPY', payment_details: testCard() });
        expect(res.status, res.text).toBe(200);
        return res.body.id as string;
      };
      const first = await processes.server(env);
      const before = await pay(first);
      first.child.kill('SIGTERM');
      expect(await first.exited).toBe(0);

      const second = await processes.server(env);
      const after = await pay(second);
      expect(after).not.toBe(before);
      expect((await call({ server: second } as Run, 'GET', `/api/v1/payments/${before}`)).status).toBe(200);
      // The ids continue the sequence: after a reset (seed kept, started over) the same two calls draw them again.
      const reset = await call({ server: second } as Run, 'POST', '/api/v1/test_helpers/reset');
      expect(reset.status).toBe(200);
      expect([await pay(second), await pay(second)]).toEqual([before, after]);
    },
    SLOW,
  );
});
