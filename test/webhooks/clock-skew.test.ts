import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '../../src/domain/context';
import { sql } from 'kysely';
import { claimDeliveries, recordAttempt, renewClaim } from '../../src/domain/webhook-delivery';
import { EndpointSlots } from '../../src/domain/webhook-slots';
import { offsetClock, systemClock } from '../../src/lib/clock';
import { claimDueMails } from '../../src/store/mails.repo';
import { webhookBody } from '../../src/wire/webhook';
import { startHarness, type Harness } from '../helpers/harness';
import { paymentApi } from '../helpers/payment-api';

/**
 * Two workers on one database whose machines' clocks disagree: one runs an hour ahead. Claims are
 * timed by the database's clock, so the fast one cannot see the slow one's fresh claim as over
 * and take the same row. No worker runs here: the test claims as each worker would.
 */
const HOUR = 3_600_000;
let h: Harness;
let slow: Services;
let fast: Services;

beforeAll(async () => {
  h = await startHarness();
  // The two workers' services: the same database, each with its own machine's clock.
  slow = { ...h.services, clock: systemClock() };
  fast = { ...h.services, clock: offsetClock(systemClock(), HOUR) };
});
afterAll(async () => {
  await h.close();
});

const claim = (services: Services) =>
  claimDeliveries(services, { limit: 100, slots: new EndpointSlots({ concurrencyPerEndpoint: 100 }), render: webhookBody });

describe('claims between workers whose clocks differ', () => {
  it('never lets a worker whose clock runs ahead take a delivery another worker has just claimed', async () => {
    const m = await h.merchant();
    const api = paymentApi(h, m.secretKey);
    const created = await api.post('/api/v1/webhooks', { url: 'http://127.0.0.1:9/hooks', events: ['payment.captured'] });
    expect(created.status, created.text).toBe(200);
    await api.create({ amount: 1000 });
    const mine = async (services: Services) => (await claim(services)).filter((d) => d.endpointId === created.body.id);

    const first = await mine(slow);
    expect(first.length).toBe(2); // the ping and the capture
    // An hour ahead is far past the slow worker's 20 s claim on its own clock: still not free.
    expect(await mine(fast)).toEqual([]);
    // A renewal made on the fast machine is timed by the same clock: the claim still holds for one worker only.
    expect(await renewClaim(fast, first[0])).toBe(true);
    expect(await mine(slow)).toEqual([]);
  });

  it('schedules a retry a minute from the database clock, whichever worker records the attempt', async () => {
    const m = await h.merchant();
    const api = paymentApi(h, m.secretKey);
    const created = await api.post('/api/v1/webhooks', { url: 'http://127.0.0.1:9/hooks', events: ['payment.captured'] });
    expect(created.status, created.text).toBe(200);
    for (const services of [fast, slow]) {
      await api.create({ amount: 1000 });
      const claimed = (await claim(services)).filter((d) => d.endpointId === created.body.id);
      expect(claimed.length).toBeGreaterThan(0);
      for (const delivery of claimed) {
        await recordAttempt(h.services.db, delivery, delivery.clock.now(), { statusCode: 500, latencyMs: 1, error: null, responseExcerpt: '' });
        const { rows } = await sql<{ ms: number }>`
          SELECT extract(epoch FROM next_attempt_at - statement_timestamp()) * 1000 AS ms FROM webhook_deliveries WHERE id = ${delivery.id}`.execute(h.store.db);
        // The first retry is a minute (± 10 %) after the attempt: not an hour early or late.
        expect(Number(rows[0].ms)).toBeGreaterThan(50_000);
        expect(Number(rows[0].ms)).toBeLessThan(70_000);
      }
    }
  });

  it('holds a claimed mail against a worker whose clock runs ahead', async () => {
    const m = await h.merchant({ mode: 'live' });
    const now = new Date();
    await h.store.db
      .insertInto('mails')
      .values({
        id: `mail${Date.now()}`,
        merchant_id: m.id,
        payment_id: 'pay',
        event_id: 'evt',
        kind: 'receipt',
        recipient: 'skew@example.com',
        subject: 'Receipt',
        locale: 'en',
        html: '<p>Thanks</p>',
        text: 'Thanks',
        status: 'queued',
        next_attempt_at: now,
        created_at: now,
      } as never)
      .execute();
    const ours = (mails: { recipient: string }[]) => mails.filter((mail) => mail.recipient === 'skew@example.com');
    expect(ours(await claimDueMails(h.store.db, 100, 60_000))).toHaveLength(1);
    expect(ours(await claimDueMails(h.store.db, 100, 60_000))).toEqual([]);
  });
});
