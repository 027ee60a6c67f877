/** Write load on a kessai server (payments created in a loop), and what must hold after its database went away under it. */
import { expect } from 'vitest';
import { basicAuth, testCard } from './harness';
import type { ServerProcess } from './processes';
import type { Receiver } from './receiver';

/** The default merchant's key, for servers under write load (KESSAI_SECRET_KEY). */
export const WRITE_LOAD_KEY = 'sk_test_connection_loss';

export interface Answer {
  status: number;
  retryAfter: string | null;
  body: any;
}

export async function pay(base: string): Promise<Answer> {
  const response = await fetch(`${base}/api/v1/payments`, {
    method: 'POST',
    headers: { authorization: basicAuth(WRITE_LOAD_KEY), 'content-type': 'application/json' },
    body: JSON.stringify({ amount: 1000, currency: 'JPY', payment_details: testCard() }),
  });
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body: await response.json() };
}

/**
 * Four clients creating payments back to back (at most 1,000 requests each, pausing a little
 * after a 503), recording every answer, every request that got none, and every payment made.
 */
export function startLoad(base: string) {
  const answers: Answer[] = [];
  const unanswered: unknown[] = [];
  const acknowledged: string[] = [];
  let stopped = false;
  const clients = Array.from({ length: 4 }, async () => {
    for (let i = 0; i < 1000 && !stopped; i++) {
      try {
        const answer = await pay(base);
        answers.push(answer);
        if (answer.status === 200) acknowledged.push(answer.body.id);
        else await new Promise((resolve) => setTimeout(resolve, 20));
      } catch (error) {
        unanswered.push(error);
      }
    }
  });
  return {
    answers,
    unanswered,
    acknowledged,
    /** Resolves once `count` more payments were made. */
    async more(count: number) {
      const before = acknowledged.length;
      await expect.poll(() => acknowledged.length, { timeout: 30_000, interval: 20 }).toBeGreaterThan(before + count);
    },
    async stop() {
      stopped = true;
      await Promise.all(clients);
    },
  };
}

/** Milliseconds until a request succeeds again: a cheap one (showing a payment), retried until it does. */
export async function timeToRecover(base: string, paymentId: string): Promise<number> {
  const started = performance.now();
  let status: number;
  do status = (await fetch(`${base}/api/v1/payments/${paymentId}`, { headers: { authorization: basicAuth(WRITE_LOAD_KEY) } })).status;
  while (status !== 200 && performance.now() - started < 10_000);
  expect(status).toBe(200);
  return performance.now() - started;
}

/**
 * What must hold after the database went away under load: the same process still serves; every
 * request had an answer, a payment or 503 saying when to retry (never a 500, nothing internal);
 * each acknowledged payment exists and its webhook arrived.
 */
export async function expectRodeItOut(server: ServerProcess, load: ReturnType<typeof startLoad>, hooks: Receiver): Promise<Answer[]> {
  expect(server.child.exitCode).toBeNull();
  expect(server.child.signalCode).toBeNull();
  expect(load.unanswered).toEqual([]);
  const refused = load.answers.filter((a) => a.status !== 200);
  for (const answer of refused) {
    expect(answer.status).toBe(503);
    expect(answer.retryAfter).toBe('1');
    expect(answer.body.error).toMatchObject({ code: 'service_unavailable', param: null });
    expect(JSON.stringify(answer.body)).not.toMatch(/terminat|postgres|pg_|sql|connection|ECONN/i);
  }
  for (const id of load.acknowledged) {
    const shown = await fetch(`${server.url}/api/v1/payments/${id}`, { headers: { authorization: basicAuth(WRITE_LOAD_KEY) } });
    expect(shown.status, id).toBe(200);
  }
  await expect.poll(() => load.acknowledged.filter((id) => hooks.forResource(id).length === 0).length, { timeout: 30_000, interval: 100 }).toBe(0);
  return refused;
}
